/*
 * compose_newsletter.c — the monthly digest as a magazine-like page:
 * a coloured masthead band, the editor's intro, contents, coming meetings,
 * then the meetings and notices in two balanced columns, contacts last.
 *
 * Everything reaches the page through the public view: c->rich redacts
 * {{personal data}} (kk_compose sets it for newsletters), items that are
 * not public are never summarised, and an agenda's confidential item is
 * named only by its § number and legal basis (KuntaL 140 §, JulkL 24 §).
 */
#define _POSIX_C_SOURCE 200809L
#include "layout/compose_int.h"
#include "model/digest.h"
#include "util/text.h"

#include <stdlib.h>
#include <string.h>

#define COL_GAP 18.0
#define BAND_PAD 12.0

typedef struct nctx {
    cctx *c;
    kk_text_style kicker, mast_title, mast_sub, intro, h2, h3, meta, para, bullet, more, small;
} nctx;

static kk_text_style white(kk_text_style t)
{
    t.r = t.g = t.b = 1;
    t.indent_left = BAND_PAD;
    t.justify = false;
    return t;
}

static void styles(nctx *n)
{
    cctx *c = n->c;
    const kk_style *s = c->style;
    kk_text_style base = c->body;
    base.indent_left = 0;
    base.first_line_indent = 0;
    base.justify = false;     /* narrow columns: ragged right reads better */
    n->para = base;
    n->para.space_after = s->paragraph_space * 0.6;
    n->para.size = s->body.size - 1;
    n->bullet = n->para;
    n->intro = base;
    n->intro.size = s->body.size + 1;
    n->intro.space_before = 0;
    n->small = c->small;
    n->small.indent_left = 0;
    n->kicker = white(base);
    n->kicker.size = s->small.size + 1;
    n->kicker.bold = true;
    n->kicker.space_after = 2;
    n->mast_title = white(c->title);
    n->mast_title.size = s->title.size * 2;
    n->mast_title.bold = true;
    n->mast_title.line_spacing = 1.0;
    n->mast_title.space_before = 0;
    n->mast_title.space_after = 2;
    n->mast_sub = white(base);
    n->mast_sub.space_after = 0;
    n->h2 = c->h2;
    n->h2.indent_left = 0;
    n->h2.size = s->heading.size + 3;
    n->h2.r = s->colors.accent.r; n->h2.g = s->colors.accent.g; n->h2.b = s->colors.accent.b;
    n->h2.space_before = s->item_before + 6;
    n->h2.space_after = s->heading_after + 2;
    n->h3 = c->h2;
    n->h3.indent_left = 0;
    n->h3.size = s->heading.size + 1;
    n->h3.space_before = 0;
    n->h3.space_after = 3;
    n->meta = base;
    n->meta.size = s->small.size + 0.5;
    n->meta.bold = true;
    n->meta.r = s->colors.accent.r; n->meta.g = s->colors.accent.g; n->meta.b = s->colors.accent.b;
    n->meta.space_before = 12;
    n->meta.space_after = 1;
    n->more = n->para;
    n->more.bold = true;
    n->more.space_after = 8;
}

/* "<a href="url">label »</a>", escaped; kept by the composition. */
static const char *link_markup(cctx *c, const char *url, const char *label_markup)
{
    char *href = g_markup_escape_text(url, -1);
    char *s = g_strdup_printf("<a href=\"%s\">%s</a>", href, label_markup);
    g_free(href);
    char *copy = s ? strdup(s) : NULL;
    g_free(s);
    return kk_c_keep(c, copy);
}

static const char *join2(cctx *c, const char *a, const char *sep, const char *b)
{
    kk_buf buf = { 0 };
    kk_buf_add(&buf, a ? a : "");
    if (a && *a && b && *b)
        kk_buf_add(&buf, sep);
    kk_buf_add(&buf, b ? b : "");
    return kk_c_keep(c, kk_buf_take(&buf));
}

/* The entry heading: the document's own title, else its body (the date
 * and the kind of document stand in the line above it). */
static const char *entry_title(cctx *c, const kk_doc *d)
{
    (void)c;
    return d->title ? d->title : d->body ? d->body : d->organization;
}

/* The line above: "21.6.2017 · MUISTIO", or the body when the heading is
 * the document's own title. */
static const char *entry_kicker(cctx *c, const kk_doc *d, bool show_body)
{
    const char *date = kk_c_date(c, d->date, false);
    if (d->title && d->body && show_body)
        return join2(c, date, " · ", d->body);
    return join2(c, date, " · ", kk_c_label(c, d->kind_name));
}

static const char *period_text(cctx *c)
{
    const kk_doc *nl = c->doc;
    const char *names[] = { "from", "to" };
    const char *values[] = { kk_c_date(c, nl->period_from, false), kk_c_date(c, nl->period_to, false) };
    return kk_c_format(c, "range", names, values, 2);
}

static void heading(nctx *n, int level, const kk_text_style *st, const char *plain, const char *dest)
{
    cctx *c = n->c;
    if (!kk_flow_heading(c->flow, level, st, kk_c_plain(c, plain), kk_c_bare(c, plain), dest))
        c->ok = false;
}

static void masthead(nctx *n)
{
    cctx *c = n->c;
    const kk_doc *nl = c->doc;
    kk_composition *k = c->comp;
    const char *org = nl->organization ? nl->organization : kk_text3_get(&c->style->organization, c->lang);
    double h = 0;
    kk_c_paragraph(c, &n->kicker, kk_c_plain(c, join2(c, org, " · ", nl->unit)));
    h += kk_flow_last_height(c->flow) + n->kicker.space_after;
    if (!kk_flow_heading(c->flow, 1, &n->mast_title, kk_c_plain(c, nl->title), kk_c_bare(c, nl->title), "title"))
        c->ok = false;
    h += kk_flow_last_height(c->flow) + n->mast_title.space_after;
    const char *issue = NULL;
    if (nl->issue) {
        const char *names[] = { "issue" };
        const char *values[] = { nl->issue };
        issue = kk_c_format(c, "newsletter_issue", names, values, 1);
    }
    kk_c_paragraph(c, &n->mast_sub, kk_c_plain(c, join2(c, issue, " · ", period_text(c))));
    h += kk_flow_last_height(c->flow);
    double top = c->style->margin_top;
    k->band_top = top - BAND_PAD;
    k->band_bottom = top + h + BAND_PAD;
    k->band = c->style->colors.accent;
    /* the running header shows the issue and the period, not a single date */
    free(k->number);
    k->number = strdup(nl->issue ? nl->issue : "");
    free(k->date);
    k->date = strdup(period_text(c));
    if (!k->number || !k->date)
        c->ok = false;
}

static void intro(nctx *n)
{
    cctx *c = n->c;
    const kk_doc *nl = c->doc;
    kk_rich r = c->rich;
    r.para = &n->intro;
    kk_text_style h = n->h3;
    r.heading = &h;
    kk_flow_space(c->flow, BAND_PAD + 14);   /* clear the band */
    if (nl->intro && !kk_rich_blocks(&r, nl->intro))
        c->ok = false;
    if (nl->editor_name) {
        kk_text_style st = n->small;
        st.italic = true;
        st.space_after = 6;
        kk_c_paragraph(c, &st, kk_c_plain(c, join2(c, kk_c_label(c, "editor"), ": ", nl->editor_name)));
    }
}

static const char *dest_for(cctx *c, const char *prefix, size_t i)
{
    return kk_c_keep(c, g_strdup_printf("%s-%zu", prefix, i + 1));
}

static void contents(nctx *n, const kk_digest *dg)
{
    cctx *c = n->c;
    if (kk_digest_empty(dg))
        return;
    heading(n, 2, &n->h2, kk_c_label(c, "contents"), "contents");
    kk_text_style lab = n->para, val = n->para;
    lab.bold = true;
    lab.space_after = val.space_after = 1;
    lab.r = n->meta.r; lab.g = n->meta.g; lab.b = n->meta.b;
    const kk_digest_list *lists[] = { &dg->meetings, &dg->notices };
    for (size_t l = 0; l < 2; l++)
        for (size_t i = 0; i < lists[l]->n; i++) {
            const kk_doc *d = lists[l]->v[i].doc;
            const char *what = l == 0 ? join2(c, d->body, " – ", d->title ? d->title : "") : d->title;
            if (l == 0 && !d->title)
                what = d->body ? d->body : d->organization;
            if (!kk_flow_field(c->flow, &lab, &val, 72, kk_c_plain(c, kk_c_date(c, d->date, false)),
                               kk_c_plain(c, what)))
                c->ok = false;
        }
}

static void upcoming(nctx *n, const kk_digest *dg)
{
    cctx *c = n->c;
    if (!dg->upcoming.n)
        return;
    heading(n, 2, &n->h2, kk_c_label(c, "upcoming_meetings"), "upcoming");
    kk_text_style lab = n->para, val = n->para;
    lab.bold = true;
    lab.r = n->meta.r; lab.g = n->meta.g; lab.b = n->meta.b;
    lab.space_after = 0;
    val.space_after = 4;
    for (size_t i = 0; i < dg->upcoming.n; i++) {
        const kk_doc *d = dg->upcoming.v[i].doc;
        kk_buf b = { 0 };
        char *t = kk_rich_plain(&c->rich, entry_title(c, d));
        kk_buf_addf(&b, "<b>%s</b>", t ? t : "");
        free(t);
        const char *when = kk_c_time_range(c, d->start, d->end);
        char *pl = kk_rich_plain(&c->rich, d->place ? d->place : "");
        kk_buf_addf(&b, "\n%s%s%s", when, *when && pl && *pl ? ", " : "", pl ? pl : "");
        free(pl);
        /* The public items of the agenda; a confidential one only by its
         * § number and legal basis, as the public agenda would show it. */
        for (size_t j = 0; j < d->nitems; j++) {
            const kk_item *it = &d->items[j];
            char sec[16];
            snprintf(sec, sizeof sec, "%d", it->section);
            const char *nm[] = { "n" }, *vl[] = { sec };
            const char *s = kk_c_format(c, "section", nm, vl, 1);
            if (kk_digest_item_public(it)) {
                char *it_t = kk_rich_plain(&c->rich, it->title);
                kk_buf_addf(&b, "\n%s %s", s, it_t ? it_t : "");
                free(it_t);
            } else {
                const char *bn[] = { "basis" }, *bv[] = { it->publicity.basis ? it->publicity.basis : "" };
                char *m = kk_rich_plain(&c->rich, kk_c_format(c, "confidential_basis", bn, bv, 1));
                kk_buf_addf(&b, "\n%s %s", s, m ? m : "");
                free(m);
            }
        }
        if (d->url)
            kk_buf_addf(&b, "\n%s", link_markup(c, d->url, kk_c_plain(c, kk_c_label(c, "read_more"))));
        kk_flow_keep_begin(c->flow);
        if (!kk_flow_field(c->flow, &lab, &val, 72, kk_c_plain(c, kk_c_date(c, d->date, false)),
                           kk_c_keep(c, kk_buf_take(&b))))
            c->ok = false;
        kk_flow_keep_end(c->flow);
    }
}

/* One meeting: date · body, title, key messages (or public item
 * summaries), read more.  Kept whole in a column when it fits. */
static void meeting(nctx *n, const kk_doc *d, size_t i, bool show_body)
{
    cctx *c = n->c;
    kk_flow *f = c->flow;
    kk_flow_keep_begin(f);
    kk_flow_struct_begin(f, "Sect");
    /* The kicker, heading and first paragraph stay together even when the
     * whole entry is too tall for the column and may be split. */
    kk_flow_keep_begin(f);
    kk_c_paragraph(c, &n->meta, kk_c_plain(c, entry_kicker(c, d, show_body)));
    heading(n, 3, &n->h3, entry_title(c, d), dest_for(c, "meeting", i));
    bool any = false;
    for (size_t j = 0; j < d->key_messages.n; j++) {
        kk_c_paragraph(c, &n->para, kk_c_plain(c, d->key_messages.v[j]));
        if (!any)
            kk_flow_keep_end(f);
        any = true;
    }
    if (!any)
        kk_flow_keep_end(f);
    if (!any) {
        for (size_t j = 0; j < d->nitems; j++) {
            const kk_item *it = &d->items[j];
            if (!it->summary || !kk_digest_item_public(it))
                continue;
            char *t = kk_rich_plain(&c->rich, it->title);
            char *s = kk_rich_plain(&c->rich, it->summary);
            kk_c_paragraph(c, &n->para, kk_c_keep(c, g_strdup_printf("<b>%s.</b> %s", t ? t : "", s ? s : "")));
            free(t);
            free(s);
        }
    }
    if (d->url)
        kk_c_paragraph(c, &n->more, link_markup(c, d->url, join2(c, kk_c_plain(c, kk_c_label(c, "read_more")), " ", "»")));
    else
        kk_flow_space(f, 6);
    kk_flow_rule(f, 0.4);
    kk_flow_struct_end(f);
    kk_flow_keep_end(f);
}

static void notice(nctx *n, const kk_doc *d, size_t i)
{
    cctx *c = n->c;
    kk_flow *f = c->flow;
    kk_flow_keep_begin(f);
    kk_flow_struct_begin(f, "Sect");
    kk_flow_keep_begin(f);
    kk_c_paragraph(c, &n->meta, kk_c_plain(c, kk_c_date(c, d->date, false)));
    heading(n, 3, &n->h3, d->title ? d->title : "", dest_for(c, "notice", i));
    kk_flow_keep_end(f);
    if (d->lead)
        kk_c_paragraph(c, &n->para, kk_c_plain(c, d->lead));
    if (d->url)
        kk_c_paragraph(c, &n->more, link_markup(c, d->url, join2(c, kk_c_plain(c, kk_c_label(c, "read_more")), " ", "»")));
    kk_flow_rule(f, 0.4);
    kk_flow_struct_end(f);
    kk_flow_keep_end(f);
}

static void contacts(nctx *n)
{
    cctx *c = n->c;
    const kk_doc *nl = c->doc;
    heading(n, 2, &n->h2, kk_c_label(c, "contacts"), "contacts");
    const char *org = nl->organization ? nl->organization : kk_text3_get(&c->style->organization, c->lang);
    kk_c_paragraph(c, &n->para, kk_c_plain(c, join2(c, org, ", ", nl->unit)));
    if (nl->editor_name) {
        const char *who = kk_c_plain(c, join2(c, kk_c_label(c, "editor"), ": ", nl->editor_name));
        if (nl->editor_email) {
            const char *mail = link_markup(c, kk_c_keep(c, g_strdup_printf("mailto:%s", nl->editor_email)),
                                           kk_c_plain(c, nl->editor_email));
            who = join2(c, who, ", ", mail);
        }
        kk_c_paragraph(c, &n->para, who);
    }
}

void kk_c_newsletter(cctx *c)
{
    const kk_digest *dg = c->opts->digest;
    const kk_doc *nl = c->doc;
    nctx n = { .c = c };
    styles(&n);
    kk_text_style rh = n.h3;
    c->rich.heading = &rh;
    masthead(&n);
    intro(&n);
    contents(&n, dg);
    upcoming(&n, dg);
    heading(&n, 2, &n.h2, kk_c_label(c, "latest_documents"), "latest");
    if (!dg->meetings.n) {
        kk_c_paragraph(c, &n.para, kk_c_plain(c, kk_c_label(c, "no_new_documents")));
    } else {
        bool grouped = nl->order && !strcmp(nl->order, "by_body");
        kk_flow_columns_begin(c->flow, 2, COL_GAP);
        const char *last_body = NULL;
        for (size_t i = 0; i < dg->meetings.n; i++) {
            const kk_doc *d = dg->meetings.v[i].doc;
            if (grouped && (!last_body || strcmp(last_body, d->body ? d->body : ""))) {
                kk_text_style gh = n.h3;
                gh.r = n.meta.r; gh.g = n.meta.g; gh.b = n.meta.b;
                gh.space_before = 10;
                last_body = d->body ? d->body : "";
                /* a group heading stays with the group's first entry */
                if (!kk_flow_heading(c->flow, 3, &gh, kk_c_plain(c, last_body), NULL, NULL))
                    c->ok = false;
            }
            meeting(&n, d, i, !grouped);
        }
        kk_flow_columns_end(c->flow);
    }
    if (dg->notices.n) {
        heading(&n, 2, &n.h2, kk_c_label(c, "notices"), "notices");
        kk_flow_columns_begin(c->flow, 2, COL_GAP);
        for (size_t i = 0; i < dg->notices.n; i++)
            notice(&n, dg->notices.v[i].doc, i);
        kk_flow_columns_end(c->flow);
    }
    contacts(&n);
}
