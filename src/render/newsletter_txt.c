/*
 * newsletter_txt.c — the plain-text alternative of the e-mail: the same
 * content and order as the PDF, lines wrapped at 72 characters (links are
 * never broken), underlined headings, links written out in full.
 */
#define _POSIX_C_SOURCE 200809L
#include "render/render_int.h"
#include "util/text.h"

#include <stdlib.h>
#include <string.h>

#define WIDTH 72

static size_t u8len(const char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

/* Append `text` wrapped to WIDTH with `indent` spaces; newlines in the
 * text end paragraphs.  Words are split on spaces only. */
static void wrap(kk_buf *b, const char *text, int indent)
{
    const char *p = text ? text : "";
    while (*p) {
        size_t col = 0;
        bool line_start = true;
        while (*p && *p != '\n') {
            while (*p == ' ')
                p++;
            const char *w = p;
            while (*p && *p != ' ' && *p != '\n')
                p++;
            size_t n = (size_t)(p - w), len = u8len(w, n);
            if (!n)
                break;
            if (!line_start && col + 1 + len > WIDTH) {
                kk_buf_add(b, "\n");
                line_start = true;
                col = 0;
            }
            if (line_start) {
                for (int i = 0; i < indent; i++)
                    kk_buf_add(b, " ");
                col = (size_t)indent;
            } else {
                kk_buf_add(b, " ");
                col++;
            }
            kk_buf_addn(b, w, n);
            col += len;
            line_start = false;
        }
        kk_buf_add(b, "\n");
        if (*p == '\n')
            p++;
    }
}

static void heading(kk_buf *b, const char *text, char under)
{
    kk_buf_addf(b, "\n%s\n", text);
    size_t n = u8len(text, strlen(text));
    for (size_t i = 0; i < n; i++)
        kk_buf_addn(b, &under, 1);
    kk_buf_add(b, "\n\n");
}

static void owned(kk_buf *b, const char *fmt, char *s)
{
    kk_buf_addf(b, fmt, s ? s : "");
    free(s);
}

char *kk_newsletter_txt(const kk_doc *nl, const kk_digest *dg, const kk_style *style,
                        const kk_locale *loc)
{
    kk_nl_words w = { nl, style, loc, nl->language };
    kk_buf b = { 0 };
    const char *org = nl->organization ? nl->organization : kk_text3_get(&style->organization, w.lang);
    kk_buf_addf(&b, "%s%s%s\n", org ? org : "", nl->unit ? " · " : "", nl->unit ? nl->unit : "");
    char *title = kk_nl_public(&w, nl->title);
    char *issue = kk_nl_issue(&w), *period = kk_nl_period(&w);
    kk_buf_addf(&b, "\n%s\n", title ? title : "");
    kk_buf_addf(&b, "%s%s%s\n", issue ? issue : "", issue ? " · " : "", period ? period : "");
    for (size_t i = 0; i < WIDTH; i++)
        kk_buf_add(&b, "=");
    kk_buf_add(&b, "\n\n");
    free(title);
    free(issue);
    if (nl->intro) {
        char *intro = kk_nl_public(&w, nl->intro);
        /* CommonMark reads as plain text; rewrap its paragraphs */
        kk_buf para = { 0 };
        const char *p = intro ? intro : "";
        while (*p) {
            const char *e = strstr(p, "\n\n");
            size_t n = e ? (size_t)(e - p) : strlen(p);
            char *one = strndup(p, n);
            for (char *q = one; q && *q; q++)
                if (*q == '\n')
                    *q = ' ';
            if (one && *one)
                wrap(&para, one, 0), kk_buf_add(&para, "\n");
            free(one);
            p += n;
            while (*p == '\n')
                p++;
        }
        owned(&b, "%s", kk_buf_take(&para));
        free(intro);
    }
    if (nl->editor_name) {
        char *ed = kk_nl_public(&w, nl->editor_name);
        kk_buf_addf(&b, "%s: %s\n", kk_nl_label(&w, "editor"), ed ? ed : "");
        free(ed);
    }
    if (!kk_digest_empty(dg)) {
        heading(&b, kk_nl_label(&w, "contents"), '-');
        const kk_digest_list *lists[] = { &dg->meetings, &dg->notices };
        for (size_t l = 0; l < 2; l++)
            for (size_t i = 0; i < lists[l]->n; i++) {
                const kk_doc *d = lists[l]->v[i].doc;
                owned(&b, "%-10s  ", kk_nl_date(&w, d->date));
                char *t = l == 0 && !d->title ? kk_nl_public(&w, d->body) : kk_nl_entry_title(&w, d);
                if (l == 0 && d->title && d->body) {
                    char *body = kk_nl_public(&w, d->body);
                    kk_buf_addf(&b, "%s – ", body ? body : "");
                    free(body);
                }
                owned(&b, "%s\n", t);
            }
    }
    if (dg->upcoming.n) {
        heading(&b, kk_nl_label(&w, "upcoming_meetings"), '-');
        for (size_t i = 0; i < dg->upcoming.n; i++) {
            const kk_doc *d = dg->upcoming.v[i].doc;
            owned(&b, "%s  ", kk_nl_date(&w, d->date));
            owned(&b, "%s\n", kk_nl_entry_title(&w, d));
            kk_buf line = { 0 };
            if (d->start.set)
                owned(&line, "%s", kk_locale_time_range(loc, d->start.h, d->start.min,
                                                        d->end.set ? d->end.h : -1, d->end.min));
            if (d->place)
                owned(&line, d->start.set ? ", %s" : "%s", kk_nl_public(&w, d->place));
            char *ln = kk_buf_take(&line);
            wrap(&b, ln, 4);
            free(ln);
            for (size_t j = 0; j < d->nitems; j++) {
                const kk_item *it = &d->items[j];
                char sec[16];
                snprintf(sec, sizeof sec, "%d", it->section);
                const char *nm[] = { "n" }, *vl[] = { sec };
                char *s = kk_style_format(style, loc, w.lang, "section", nm, vl, 1);
                char *t;
                if (kk_digest_item_public(it)) {
                    t = kk_nl_public(&w, it->title);
                } else {
                    const char *bn[] = { "basis" }, *bv[] = { it->publicity.basis ? it->publicity.basis : "" };
                    t = kk_style_format(style, loc, w.lang, "confidential_basis", bn, bv, 1);
                }
                kk_buf one = { 0 };
                kk_buf_addf(&one, "%s %s", s ? s : "", t ? t : "");
                char *o = kk_buf_take(&one);
                wrap(&b, o, 4);
                free(o);
                free(s);
                free(t);
            }
            if (d->url)
                kk_buf_addf(&b, "    %s: %s\n", kk_nl_label(&w, "read_more"), d->url);
            kk_buf_add(&b, "\n");
        }
    }
    heading(&b, kk_nl_label(&w, "latest_documents"), '-');
    if (!dg->meetings.n)
        kk_buf_addf(&b, "%s\n", kk_nl_label(&w, "no_new_documents"));
    bool grouped = nl->order && !strcmp(nl->order, "by_body");
    const char *last_body = NULL;
    for (size_t i = 0; i < dg->meetings.n; i++) {
        const kk_doc *d = dg->meetings.v[i].doc;
        char *body = kk_nl_public(&w, d->body);
        if (grouped && (!last_body || strcmp(last_body, d->body ? d->body : ""))) {
            last_body = d->body ? d->body : "";
            kk_buf_addf(&b, "[%s]\n\n", body ? body : "");
        }
        free(body);
        owned(&b, "%s\n", kk_nl_kicker(&w, d, !grouped));
        char *t = kk_nl_entry_title(&w, d);
        wrap(&b, t, 0);
        free(t);
        kk_buf_add(&b, "\n");
        bool any = false;
        for (size_t j = 0; j < d->key_messages.n; j++) {
            char *m = kk_nl_public(&w, d->key_messages.v[j]);
            wrap(&b, m, 2);
            kk_buf_add(&b, "\n");
            free(m);
            any = true;
        }
        for (size_t j = 0; !any && j < d->nitems; j++) {
            const kk_item *it = &d->items[j];
            if (!it->summary || !kk_digest_item_public(it))
                continue;
            char *it_t = kk_nl_public(&w, it->title), *s = kk_nl_public(&w, it->summary);
            kk_buf one = { 0 };
            kk_buf_addf(&one, "%s. %s", it_t ? it_t : "", s ? s : "");
            char *o = kk_buf_take(&one);
            wrap(&b, o, 2);
            kk_buf_add(&b, "\n");
            free(o);
            free(it_t);
            free(s);
        }
        if (d->url)
            kk_buf_addf(&b, "%s: %s\n", kk_nl_label(&w, "read_more"), d->url);
        kk_buf_add(&b, "\n");
    }
    if (dg->notices.n) {
        heading(&b, kk_nl_label(&w, "notices"), '-');
        for (size_t i = 0; i < dg->notices.n; i++) {
            const kk_doc *d = dg->notices.v[i].doc;
            owned(&b, "%s\n", kk_nl_date(&w, d->date));
            char *t = kk_nl_public(&w, d->title);
            wrap(&b, t, 0);
            free(t);
            kk_buf_add(&b, "\n");
            if (d->lead) {
                char *l = kk_nl_public(&w, d->lead);
                wrap(&b, l, 2);
                kk_buf_add(&b, "\n");
                free(l);
            }
            if (d->url)
                kk_buf_addf(&b, "%s: %s\n", kk_nl_label(&w, "read_more"), d->url);
            kk_buf_add(&b, "\n");
        }
    }
    heading(&b, kk_nl_label(&w, "contacts"), '-');
    kk_buf_addf(&b, "%s%s%s\n", org ? org : "", nl->unit ? ", " : "", nl->unit ? nl->unit : "");
    if (nl->editor_name) {
        char *ed = kk_nl_public(&w, nl->editor_name);
        kk_buf_addf(&b, "%s: %s%s%s\n", kk_nl_label(&w, "editor"), ed ? ed : "",
                    nl->editor_email ? ", " : "", nl->editor_email ? nl->editor_email : "");
        free(ed);
    }
    free(period);
    return kk_buf_take(&b);
}
