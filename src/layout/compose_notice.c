/* compose_notice.c — a notice (tiedote): title, lead, body, contacts, links. */
#define _POSIX_C_SOURCE 200809L
#include "layout/compose_int.h"
#include "util/text.h"

#include <stdlib.h>

void kk_c_notice(cctx *c)
{
    const kk_doc *d = c->doc;
    kk_text_style body = c->body;
    kk_rich r = c->rich;
    r.para = &body;
    kk_text_style h = c->h3;
    h.indent_left = 0;
    r.heading = &h;
    kk_flow_heading(c->flow, 1, &c->title, kk_c_plain(c, d->title), kk_c_bare(c, d->title), "title");
    kk_c_paragraph(c, &c->small, kk_c_plain(c, kk_c_date(c, d->date, false)));
    if (d->lead)
        kk_c_paragraph(c, &c->lead, kk_c_plain(c, d->lead));
    if (d->text && !kk_rich_blocks(&r, d->text))
        c->ok = false;
    if (d->ncontacts) {
        kk_flow_heading(c->flow, 2, &c->h2, kk_c_plain(c, kk_c_label(c, "more_information")), kk_c_label(c, "more_information"), "contacts");
        for (size_t i = 0; i < d->ncontacts; i++) {
            const kk_contact *k = &d->contacts[i];
            kk_buf b = { 0 };
            kk_buf_add(&b, k->name ? k->name : "");
            if (k->title) kk_buf_addf(&b, ", %s", k->title);
            if (k->phone) kk_buf_addf(&b, ", %s", k->phone);
            if (k->email) kk_buf_addf(&b, ", %s", k->email);
            char *s = kk_buf_take(&b);
            kk_c_paragraph(c, &body, kk_c_plain(c, s ? s : ""));
            free(s);
        }
    }
    if (d->nlinks) {
        kk_flow_heading(c->flow, 2, &c->h2, kk_c_plain(c, kk_c_label(c, "links")), kk_c_label(c, "links"), "links");
        kk_flow_list_begin(c->flow, false, 1);
        for (size_t i = 0; i < d->nlinks; i++) {
            const char *title = kk_c_plain(c, d->links[i].title ? d->links[i].title : d->links[i].url);
            char *href = g_markup_escape_text(d->links[i].url, -1);
            kk_flow_list_item(c->flow, &body, kk_c_keep(c, g_strdup_printf("<a href=\"%s\">%s</a>", href, title)));
            g_free(href);
        }
        kk_flow_list_end(c->flow);
    }
}
