/*
 * newsletter_html.c — the e-mail twin: one self-contained HTML file that
 * mail clients render.  Layout tables with inline CSS only (clients drop
 * <style> and external sheets), no scripts, no external resources; the
 * logo, when the style has one, is a data: URI.  The markup is HTML4-era
 * tags written as well-formed XML (void elements closed, only the five XML
 * entities), so both `xmllint --html` and an XML parser accept it.  Same
 * content, order and links as the PDF; every text is escaped and passes
 * through the public view (kk_nl_public).
 */
#define _POSIX_C_SOURCE 200809L
#include "render/render_int.h"
#include "util/text.h"

#include <cmark.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

typedef struct hctx {
    kk_buf b;
    kk_nl_words w;
    char accent[8], heading[8], text[8], muted[8], link[8];
    const char *font;
} hctx;

static void esc(kk_buf *b, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        switch (*p) {
        case '&': kk_buf_add(b, "&amp;"); break;
        case '<': kk_buf_add(b, "&lt;"); break;
        case '>': kk_buf_add(b, "&gt;"); break;
        case '"': kk_buf_add(b, "&quot;"); break;
        case '\'': kk_buf_add(b, "&#39;"); break;
        default: kk_buf_addn(b, p, 1);
        }
    }
}

/* Escape a string this function frees. */
static void esc_owned(kk_buf *b, char *s)
{
    esc(b, s);
    free(s);
}

static void hex(char out[8], kk_rgb c)
{
    snprintf(out, 8, "#%02X%02X%02X", (int)(c.r * 255 + 0.5) & 255, (int)(c.g * 255 + 0.5) & 255,
             (int)(c.b * 255 + 0.5) & 255);
}

static void h2(hctx *h, const char *id, const char *text)
{
    kk_buf_addf(&h->b, "<tr><td style=\"padding:20px 28px 4px 28px;\"><h2 id=\"%s\" style=\"margin:0;"
                "font-family:%s;font-size:20px;line-height:1.3;color:%s;border-bottom:2px solid %s;"
                "padding-bottom:4px;\">", id, h->font, h->accent, h->accent);
    esc(&h->b, text);
    kk_buf_add(&h->b, "</h2></td></tr>\n");
}

static void open_cell(hctx *h)
{
    kk_buf_addf(&h->b, "<tr><td style=\"padding:8px 28px;font-family:%s;font-size:15px;line-height:1.5;"
                "color:%s;\">\n", h->font, h->text);
}

static void close_cell(hctx *h) { kk_buf_add(&h->b, "</td></tr>\n"); }

static void link(hctx *h, const char *url, const char *label)
{
    kk_buf_add(&h->b, "<a href=\"");
    esc(&h->b, url);
    kk_buf_addf(&h->b, "\" style=\"color:%s;font-weight:bold;text-decoration:underline;\">", h->link);
    esc(&h->b, label);
    kk_buf_add(&h->b, "</a>");
}

/* "Lue lisää »" under an entry. */
static void read_more(hctx *h, const char *url)
{
    kk_buf_add(&h->b, "<p style=\"margin:0;\">");
    link(h, url, kk_nl_label(&h->w, "read_more"));
    kk_buf_add(&h->b, " &#187;</p>\n");
}

static void para(hctx *h, const char *style, char *owned_text)
{
    kk_buf_addf(&h->b, "<p style=\"margin:0 0 10px 0;%s\">", style);
    esc_owned(&h->b, owned_text);
    kk_buf_add(&h->b, "</p>\n");
}

static void kicker(hctx *h, char *owned_text)
{
    kk_buf_addf(&h->b, "<p style=\"margin:14px 0 2px 0;font-size:12px;font-weight:bold;"
                "letter-spacing:0.5px;color:%s;\">", h->accent);
    esc_owned(&h->b, owned_text);
    kk_buf_add(&h->b, "</p>\n");
}

static void h3(hctx *h, const char *id, char *owned_text)
{
    kk_buf_addf(&h->b, "<h3 id=\"%s\" style=\"margin:0 0 6px 0;font-size:17px;line-height:1.3;color:%s;\">",
                id, h->heading);
    esc_owned(&h->b, owned_text);
    kk_buf_add(&h->b, "</h3>\n");
}

static void rule(hctx *h)
{
    kk_buf_add(&h->b, "<div style=\"border-top:1px solid #D0D5DD;margin:12px 0 0 0;font-size:1px;"
               "line-height:1px;\">&#160;</div>\n");
}

static void masthead(hctx *h, const kk_doc *nl, const unsigned char *logo, size_t logo_len)
{
    const kk_style *s = h->w.style;
    const char *org = nl->organization ? nl->organization : kk_text3_get(&s->organization, h->w.lang);
    if (logo && logo_len) {
        gchar *b64 = g_base64_encode(logo, logo_len);
        int px = (int)(s->logo_width > 0 ? s->logo_width * 96 / 72 : 150);
        kk_buf_addf(&h->b, "<tr><td style=\"padding:16px 28px 12px 28px;background:#FFFFFF;\">"
                    "<img src=\"data:image/png;base64,%s\" width=\"%d\" alt=\"", b64 ? b64 : "", px);
        esc(&h->b, org);
        kk_buf_add(&h->b, "\" style=\"display:block;border:0;height:auto;\" /></td></tr>\n");
        g_free(b64);
    }
    kk_buf_addf(&h->b, "<tr><td style=\"background:%s;padding:22px 28px;font-family:%s;color:#FFFFFF;\">\n",
                h->accent, h->font);
    kk_buf_add(&h->b, "<p style=\"margin:0 0 4px 0;font-size:13px;font-weight:bold;color:#FFFFFF;\">");
    esc(&h->b, org);
    if (nl->unit) {
        kk_buf_add(&h->b, " · ");
        esc(&h->b, nl->unit);
    }
    kk_buf_add(&h->b, "</p>\n<h1 style=\"margin:0 0 6px 0;font-size:30px;line-height:1.2;color:#FFFFFF;\">");
    esc_owned(&h->b, kk_nl_public(&h->w, nl->title));
    kk_buf_add(&h->b, "</h1>\n<p style=\"margin:0;font-size:15px;color:#FFFFFF;\">");
    char *issue = kk_nl_issue(&h->w);
    if (issue) {
        esc(&h->b, issue);
        kk_buf_add(&h->b, " · ");
    }
    free(issue);
    esc_owned(&h->b, kk_nl_period(&h->w));
    kk_buf_add(&h->b, "</p>\n</td></tr>\n");
}

static void intro(hctx *h, const kk_doc *nl)
{
    if (!nl->intro && !nl->editor_name)
        return;
    open_cell(h);
    if (nl->intro) {
        char *md = kk_nl_public(&h->w, nl->intro);
        /* Raw HTML was refused by the validator; SAFE also drops
         * javascript: and similar link targets. */
        char *html = md ? cmark_markdown_to_html(md, strlen(md), CMARK_OPT_SAFE) : NULL;
        kk_buf_add(&h->b, "<div style=\"font-size:16px;\">");
        kk_buf_add(&h->b, html ? html : "");
        kk_buf_add(&h->b, "</div>\n");
        free(html);
        free(md);
    }
    if (nl->editor_name) {
        kk_buf_addf(&h->b, "<p style=\"margin:8px 0 0 0;font-style:italic;color:%s;\">", h->muted);
        esc(&h->b, kk_nl_label(&h->w, "editor"));
        kk_buf_add(&h->b, ": ");
        esc_owned(&h->b, kk_nl_public(&h->w, nl->editor_name));
        kk_buf_add(&h->b, "</p>\n");
    }
    close_cell(h);
}

static void contents(hctx *h, const kk_digest *dg)
{
    if (kk_digest_empty(dg))
        return;
    h2(h, "contents", kk_nl_label(&h->w, "contents"));
    open_cell(h);
    kk_buf_add(&h->b, "<table role=\"presentation\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" width=\"100%\">\n");
    const kk_digest_list *lists[] = { &dg->meetings, &dg->notices };
    const char *prefix[] = { "meeting", "notice" };
    for (size_t l = 0; l < 2; l++)
        for (size_t i = 0; i < lists[l]->n; i++) {
            const kk_doc *d = lists[l]->v[i].doc;
            kk_buf_addf(&h->b, "<tr><td valign=\"top\" style=\"padding:2px 12px 2px 0;white-space:nowrap;"
                        "font-weight:bold;color:%s;\">", h->accent);
            esc_owned(&h->b, kk_nl_date(&h->w, d->date));
            kk_buf_addf(&h->b, "</td><td style=\"padding:2px 0;\"><a href=\"#%s-%zu\" style=\"color:%s;\">",
                        prefix[l], i + 1, h->link);
            if (l == 0 && d->body) {
                esc_owned(&h->b, kk_nl_public(&h->w, d->body));
                if (d->title)
                    kk_buf_add(&h->b, " – ");
            }
            if (l == 1 || d->title)
                esc_owned(&h->b, kk_nl_public(&h->w, d->title));
            kk_buf_add(&h->b, "</a></td></tr>\n");
        }
    kk_buf_add(&h->b, "</table>\n");
    close_cell(h);
}

static void upcoming(hctx *h, const kk_digest *dg)
{
    if (!dg->upcoming.n)
        return;
    h2(h, "upcoming", kk_nl_label(&h->w, "upcoming_meetings"));
    open_cell(h);
    for (size_t i = 0; i < dg->upcoming.n; i++) {
        const kk_doc *d = dg->upcoming.v[i].doc;
        kicker(h, kk_nl_date(&h->w, d->date));
        kk_buf_add(&h->b, "<p style=\"margin:0 0 4px 0;\"><strong>");
        esc_owned(&h->b, kk_nl_entry_title(&h->w, d));
        kk_buf_add(&h->b, "</strong><br />");
        if (d->start.set)
            esc_owned(&h->b, kk_locale_time_range(h->w.loc, d->start.h, d->start.min,
                                                   d->end.set ? d->end.h : -1, d->end.min));
        if (d->place) {
            if (d->start.set)
                kk_buf_add(&h->b, ", ");
            esc_owned(&h->b, kk_nl_public(&h->w, d->place));
        }
        kk_buf_add(&h->b, "</p>\n");
        if (d->nitems) {
            kk_buf_add(&h->b, "<ul style=\"margin:0 0 6px 0;padding-left:20px;\">\n");
            for (size_t j = 0; j < d->nitems; j++) {
                const kk_item *it = &d->items[j];
                char sec[16];
                snprintf(sec, sizeof sec, "%d", it->section);
                const char *nm[] = { "n" }, *vl[] = { sec };
                kk_buf_add(&h->b, "<li>");
                esc_owned(&h->b, kk_style_format(h->w.style, h->w.loc, h->w.lang, "section", nm, vl, 1));
                kk_buf_add(&h->b, " ");
                if (kk_digest_item_public(it)) {
                    esc_owned(&h->b, kk_nl_public(&h->w, it->title));
                } else {
                    const char *bn[] = { "basis" }, *bv[] = { it->publicity.basis ? it->publicity.basis : "" };
                    esc_owned(&h->b, kk_style_format(h->w.style, h->w.loc, h->w.lang, "confidential_basis", bn, bv, 1));
                }
                kk_buf_add(&h->b, "</li>\n");
            }
            kk_buf_add(&h->b, "</ul>\n");
        }
        if (d->url) {
            kk_buf_add(&h->b, "<p style=\"margin:0 0 8px 0;\">");
            link(h, d->url, kk_nl_label(&h->w, "read_more"));
            kk_buf_add(&h->b, "</p>\n");
        }
    }
    close_cell(h);
}

static void meetings(hctx *h, const kk_doc *nl, const kk_digest *dg)
{
    h2(h, "latest", kk_nl_label(&h->w, "latest_documents"));
    open_cell(h);
    if (!dg->meetings.n)
        para(h, "", strdup(kk_nl_label(&h->w, "no_new_documents")));
    bool grouped = nl->order && !strcmp(nl->order, "by_body");
    const char *last_body = NULL;
    for (size_t i = 0; i < dg->meetings.n; i++) {
        const kk_doc *d = dg->meetings.v[i].doc;
        if (grouped && (!last_body || strcmp(last_body, d->body ? d->body : ""))) {
            last_body = d->body ? d->body : "";
            kk_buf_addf(&h->b, "<h3 style=\"margin:18px 0 0 0;font-size:18px;color:%s;\">", h->accent);
            esc_owned(&h->b, kk_nl_public(&h->w, d->body));
            kk_buf_add(&h->b, "</h3>\n");
        }
        kicker(h, kk_nl_kicker(&h->w, d, !grouped));
        char id[48];
        snprintf(id, sizeof id, "meeting-%zu", i + 1);
        h3(h, id, kk_nl_entry_title(&h->w, d));
        bool any = false;
        for (size_t j = 0; j < d->key_messages.n; j++, any = true)
            para(h, "", kk_nl_public(&h->w, d->key_messages.v[j]));
        for (size_t j = 0; !any && j < d->nitems; j++) {
            const kk_item *it = &d->items[j];
            if (!it->summary || !kk_digest_item_public(it))
                continue;
            kk_buf_add(&h->b, "<p style=\"margin:0 0 10px 0;\"><strong>");
            esc_owned(&h->b, kk_nl_public(&h->w, it->title));
            kk_buf_add(&h->b, ".</strong> ");
            esc_owned(&h->b, kk_nl_public(&h->w, it->summary));
            kk_buf_add(&h->b, "</p>\n");
        }
        if (d->url)
            read_more(h, d->url);
        rule(h);
    }
    close_cell(h);
}

static void notices(hctx *h, const kk_digest *dg)
{
    if (!dg->notices.n)
        return;
    h2(h, "notices", kk_nl_label(&h->w, "notices"));
    open_cell(h);
    for (size_t i = 0; i < dg->notices.n; i++) {
        const kk_doc *d = dg->notices.v[i].doc;
        kicker(h, kk_nl_date(&h->w, d->date));
        char id[48];
        snprintf(id, sizeof id, "notice-%zu", i + 1);
        h3(h, id, kk_nl_public(&h->w, d->title));
        if (d->lead)
            para(h, "", kk_nl_public(&h->w, d->lead));
        if (d->url)
            read_more(h, d->url);
        rule(h);
    }
    close_cell(h);
}

static void contacts(hctx *h, const kk_doc *nl)
{
    h2(h, "contacts", kk_nl_label(&h->w, "contacts"));
    open_cell(h);
    const char *org = nl->organization ? nl->organization : kk_text3_get(&h->w.style->organization, h->w.lang);
    kk_buf_add(&h->b, "<p style=\"margin:0 0 6px 0;\">");
    esc(&h->b, org);
    if (nl->unit) {
        kk_buf_add(&h->b, ", ");
        esc(&h->b, nl->unit);
    }
    kk_buf_add(&h->b, "</p>\n");
    if (nl->editor_name) {
        kk_buf_add(&h->b, "<p style=\"margin:0 0 6px 0;\">");
        esc(&h->b, kk_nl_label(&h->w, "editor"));
        kk_buf_add(&h->b, ": ");
        esc_owned(&h->b, kk_nl_public(&h->w, nl->editor_name));
        if (nl->editor_email) {
            kk_buf_add(&h->b, ", ");
            char *mailto = g_strdup_printf("mailto:%s", nl->editor_email);
            link(h, mailto, nl->editor_email);
            g_free(mailto);
        }
        kk_buf_add(&h->b, "</p>\n");
    }
    close_cell(h);
}

char *kk_newsletter_html(const kk_doc *nl, const kk_digest *dg, const kk_style *style,
                         const kk_locale *loc, const unsigned char *logo_png, size_t logo_len)
{
    hctx h = { .w = { nl, style, loc, nl->language } };
    hex(h.accent, style->colors.accent);
    hex(h.heading, style->colors.heading);
    hex(h.text, style->colors.text);
    hex(h.muted, style->colors.muted);
    hex(h.link, style->colors.link);
    /* the style's family first, then what every mail client has */
    char *font = g_strdup_printf("'%s', Arial, Helvetica, sans-serif",
                                 style->body.family ? style->body.family : "Noto Sans");
    kk_buf fb = { 0 };
    esc(&fb, font);
    g_free(font);
    char *fonts = kk_buf_take(&fb);
    h.font = fonts ? fonts : "Arial, sans-serif";
    kk_buf_add(&h.b, "<!DOCTYPE html>\n<html lang=\"");
    esc(&h.b, nl->language);
    kk_buf_add(&h.b, "\">\n<head>\n<meta charset=\"utf-8\" />\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n<title>");
    esc_owned(&h.b, kk_nl_public(&h.w, nl->title));
    char *issue = kk_nl_issue(&h.w);
    if (issue) {
        kk_buf_add(&h.b, " – ");
        esc(&h.b, issue);
    }
    free(issue);
    kk_buf_addf(&h.b, "</title>\n</head>\n<body style=\"margin:0;padding:0;background:#EEF1F5;\">\n"
                "<table role=\"presentation\" width=\"100%%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" "
                "style=\"background:#EEF1F5;\">\n<tr><td align=\"center\" style=\"padding:16px 8px;\">\n"
                "<table role=\"presentation\" width=\"640\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" "
                "style=\"width:100%%;max-width:640px;background:#FFFFFF;font-family:%s;color:%s;\">\n",
                h.font, h.text);
    masthead(&h, nl, logo_png, logo_len);
    intro(&h, nl);
    contents(&h, dg);
    upcoming(&h, dg);
    meetings(&h, nl, dg);
    notices(&h, dg);
    contacts(&h, nl);
    kk_buf_add(&h.b, "<tr><td style=\"padding:16px 28px 24px 28px;\">&#160;</td></tr>\n"
               "</table>\n</td></tr>\n</table>\n</body>\n</html>\n");
    free(fonts);
    return kk_buf_take(&h.b);
}
