/* newsletter.c — a newsletter's three files: PDF, e-mail HTML, plain text. */
#define _POSIX_C_SOURCE 200809L
#include "render/render_int.h"
#include "layout/richtext.h"
#include "util/fs.h"
#include "util/text.h"

#include <stdlib.h>
#include <string.h>

const char *kk_nl_label(const kk_nl_words *w, const char *key)
{
    return kk_style_label(w->style, w->loc, w->lang, key);
}

char *kk_nl_public(const kk_nl_words *w, const char *text)
{
    kk_rich r = { .redact = true, .placeholder = kk_nl_label(w, "personal_data_removed") };
    return kk_rich_personal(&r, text ? text : "");
}

char *kk_nl_date(const kk_nl_words *w, kk_date d)
{
    return d.y ? kk_locale_date(w->loc, d.y, d.m, d.d, false) : strdup("");
}

char *kk_nl_period(const kk_nl_words *w)
{
    char *a = kk_nl_date(w, w->nl->period_from), *b = kk_nl_date(w, w->nl->period_to);
    const char *names[] = { "from", "to" };
    const char *values[] = { a, b };
    char *s = a && b ? kk_style_format(w->style, w->loc, w->lang, "range", names, values, 2) : NULL;
    free(a);
    free(b);
    return s;
}

char *kk_nl_issue(const kk_nl_words *w)
{
    if (!w->nl->issue)
        return NULL;
    const char *names[] = { "issue" };
    const char *values[] = { w->nl->issue };
    return kk_style_format(w->style, w->loc, w->lang, "newsletter_issue", names, values, 1);
}

char *kk_nl_entry_title(const kk_nl_words *w, const kk_doc *d)
{
    return kk_nl_public(w, d->title ? d->title : d->body ? d->body : d->organization);
}

char *kk_nl_kicker(const kk_nl_words *w, const kk_doc *d, bool show_body)
{
    char *date = kk_nl_date(w, d->date);
    char *what = d->title && d->body && show_body ? kk_nl_public(w, d->body)
                                                  : strdup(kk_nl_label(w, d->kind_name));
    kk_buf b = { 0 };
    kk_buf_addf(&b, "%s · %s", date ? date : "", what ? what : "");
    free(date);
    free(what);
    return kk_buf_take(&b);
}

static bool write_text(const char *path, char *text, kk_diag *diag)
{
    if (!path || !text) {
        kk_sys_error(diag, path, "out of memory");
        free(text);
        return false;
    }
    bool ok = kk_write_atomic(path, text, strlen(text), diag);
    free(text);
    return ok;
}

bool kk_render_newsletter(kk_renderer *r, const kk_doc *nl, kk_diag *diag)
{
    kk_resources *res = kk_renderer_resources(r);
    const kk_style *style = kk_resources_document_style(res, nl->src, diag);
    const kk_locale *loc = kk_resources_locale(res, nl->language, diag);
    if (!style || !loc)
        return false;
    kk_digest *dg = kk_digest_gather(nl, kk_source_path(nl->src), diag);
    if (!dg)
        return false;
    kk_compose_opts copts = { .digest = dg };
    copts.logo_png = kk_resources_logo(res, style, &copts.logo_len, diag);
    char *pdf = kk_renderer_out_path(r, nl->id, ".pdf");
    char *html = kk_renderer_out_path(r, nl->id, ".html");
    char *txt = kk_renderer_out_path(r, nl->id, ".txt");
    bool ok = pdf && html && txt;
    if (!ok)
        kk_sys_error(diag, kk_source_path(nl->src), "out of memory");
    ok = ok && kk_render_pdf_file(r, nl, style, loc, &copts, pdf, diag);
    ok = ok && write_text(html, kk_newsletter_html(nl, dg, style, loc, copts.logo_png, copts.logo_len), diag);
    ok = ok && write_text(txt, kk_newsletter_txt(nl, dg, style, loc), diag);
    free(pdf);
    free(html);
    free(txt);
    kk_digest_free(dg);
    return ok;
}
