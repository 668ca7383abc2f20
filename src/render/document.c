/* document.c — one validated document -> its output files (see render.h). */
#define _POSIX_C_SOURCE 200809L
#include "render/render.h"
#include "render/render_int.h"
#include "layout/compose.h"
#include "layout/hyphenate.h"
#include "layout/layout.h"
#include "model/document.h"
#include "model/resources.h"
#include "render/pdf_finish.h"
#include "util/fs.h"
#include "util/xml.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libxml/xmlsave.h>

#ifndef KK_VERSION
#define KK_VERSION "0.0.0"
#endif

#define NLANG 3
static const char *const langs[NLANG] = { "fi", "sv", "en" };

struct kk_renderer {
    kk_render_opts opts;
    const char *prefix;      /* before every file name; borrowed */
    kk_resources *res;
    kk_typesetter *ts[NLANG];
    kk_hyphenator *hyph[NLANG];
    size_t excerpts;
};

size_t kk_renderer_excerpts(const kk_renderer *r) { return r->excerpts; }
kk_resources *kk_renderer_resources(kk_renderer *r) { return r->res; }

void kk_renderer_set_output(kk_renderer *r, const char *dir, const char *prefix)
{
    r->opts.out_dir = dir;
    r->prefix = prefix;
}

char *kk_renderer_out_path(const kk_renderer *r, const char *id, const char *suffix)
{
    const char *prefix = r->prefix ? r->prefix : "";
    size_t len = strlen(r->opts.out_dir) + strlen(prefix) + strlen(id) + strlen(suffix) + 2;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s/%s%s%s", r->opts.out_dir, prefix, id, suffix);
    return p;
}

kk_renderer *kk_renderer_new(const kk_render_opts *opts)
{
    kk_renderer *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->opts = *opts;
    r->res = kk_resources_new(opts->styles_dir);
    if (!r->res) {
        free(r);
        return NULL;
    }
    return r;
}

void kk_renderer_free(kk_renderer *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < NLANG; i++) {
        kk_typesetter_free(r->ts[i]);
        kk_hyphenator_free(r->hyph[i]);
    }
    kk_resources_free(r->res);
    free(r);
}

static size_t lang_index(const char *lang)
{
    for (size_t i = 0; i < NLANG; i++)
        if (!strcmp(lang, langs[i]))
            return i;
    return 0;
}

/* SOURCE_DATE_EPOCH wins (reproducible builds), else the document's own
 * date and start time, read as UTC so no time zone can change the bytes. */
static long long creation_time(const kk_doc *d)
{
    long long v;
    if (kk_source_date_epoch(&v))
        return v;
    kk_date day = d->date.y ? d->date : d->period_from;
    if (!day.y)
        return 0;
    /* days from civil (Howard Hinnant's algorithm): no libc time zone */
    int y = day.y - (day.m <= 2);
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153u * (unsigned)(day.m + (day.m > 2 ? -3 : 9)) + 2) / 5 + (unsigned)day.d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    long long days = (long long)era * 146097 + doe - 719468;
    return days * 86400 + (d->start.set ? d->start.h * 3600 + d->start.min * 60 : 0);
}

static void iso_date(long long t, char *buf, size_t n)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Draw the paginated flow to memory and finish it into `path`.  With
 * `public_path`, the public version is made from the same drawing: its
 * footer, drawn once, is laid over every page (kk_pdf_finish_pair).
 * Frees the flow once it is drawn: its laid-out text is a big document's
 * largest transient, and finishing would otherwise hold both at its peak. */
static bool draw_and_finish(kk_renderer *r, const kk_doc *doc, kk_flow *flow, kk_composition *comp,
                            const kk_page_geometry *g, const kk_style *style, const kk_locale *loc,
                            const char *org, long long created, const char *path,
                            const char *public_path, kk_diag *diag)
{
    unsigned char *pdf = NULL, *overlay = NULL;
    size_t len = 0, overlay_len = 0;
    int pages = 0;
    bool ok = kk_flow_render_pdf_memory(flow, &pdf, &len, kk_compose_decorate, comp, &pages, diag);
    bool artifacts_marked = kk_flow_marks_artifacts(flow);
    kk_flow_free(flow);
    if (ok && public_path)
        ok = kk_composition_set_public(comp, style, loc, doc->language) &&
             kk_render_page_pdf_memory(g, kk_compose_decorate_public, comp, 1, pages,
                                       &overlay, &overlay_len, diag);
    if (ok) {
        kk_pdf_meta meta = { .title = kk_composition_title(comp), .author = org,
                             .subject = doc->body, .creator = "kokous " KK_VERSION,
                             .lang = doc->language, .created = created, .pdfa_part = r->opts.pdfa_part,
                             .artifacts_marked = artifacts_marked };
        ok = kk_pdf_finish_pair(pdf, len, path, overlay, overlay_len, public_path, &meta, diag);
    }
    free(pdf);
    free(overlay);
    return ok;
}

bool kk_render_pdf_files(kk_renderer *r, const kk_doc *doc, const kk_style *style, const kk_locale *loc,
                         const kk_compose_opts *copts, const char *path, const char *public_path,
                         kk_diag *diag)
{
    size_t li = lang_index(doc->language);
    if (!r->ts[li] && !(r->ts[li] = kk_typesetter_new(langs[li]))) {
        kk_sys_error(diag, path, "cannot start the typesetter (fonts?)");
        return false;
    }
    if (!r->hyph[li])
        r->hyph[li] = kk_hyphenator_new(langs[li]);
    kk_page_geometry g = kk_compose_geometry(style);
    kk_flow *flow = kk_flow_new(r->ts[li], &g, diag);
    if (!flow)
        return false;
    kk_composition *comp = kk_compose(flow, r->ts[li], doc, style, loc, r->hyph[li], copts, diag);
    bool ok = comp != NULL;
    long long created = creation_time(doc);
    char iso[32];
    iso_date(created, iso, sizeof iso);
    const char *org = doc->organization ? doc->organization : kk_text3_get(&style->organization, doc->language);
    if (ok) {
        kk_flow_set_metadata(flow, kk_composition_title(comp), org, iso);
        ok = draw_and_finish(r, doc, flow, comp, &g, style, loc, org, created, path, public_path, diag);
        flow = NULL;
    }
    kk_composition_free(comp);
    kk_flow_free(flow);
    return ok;
}

bool kk_render_pdf_file(kk_renderer *r, const kk_doc *doc, const kk_style *style, const kk_locale *loc,
                        const kk_compose_opts *copts, const char *path, kk_diag *diag)
{
    return kk_render_pdf_files(r, doc, style, loc, copts, path, NULL, diag);
}

static bool write_xml(const kk_source *src, const char *path, kk_diag *diag)
{
    int len = 0;
    xmlChar *mem = kk_source_xml(src, &len);
    bool ok = mem && kk_write_atomic(path, mem, (size_t)len, diag);
    if (!mem)
        kk_sys_error(diag, path, "out of memory");
    xmlFree(mem);
    return ok;
}

bool kk_render_document(kk_renderer *r, const kk_source *src, kk_diag *diag)
{
    kk_doc *doc = kk_doc_new(src, diag);
    if (!doc)
        return false;
    bool ok = true;
    if (doc->kind == KK_NEWSLETTER) {
        ok = kk_render_newsletter(r, doc, diag);
        kk_doc_free(doc);
        return ok;
    }
    const kk_style *style = kk_resources_document_style(r->res, src, diag);
    const kk_locale *loc = kk_resources_locale(r->res, doc->language, diag);
    if (!style || !loc) {
        kk_doc_free(doc);
        return false;
    }
    kk_compose_opts copts = { 0 };
    copts.logo_png = kk_resources_logo(r->res, style, &copts.logo_len, diag);
    char *xml = kk_renderer_out_path(r, doc->id, ".xml");
    char *pdf = kk_renderer_out_path(r, doc->id, ".pdf");
    char *pub = kk_renderer_out_path(r, doc->id, ".public.pdf");
    ok = xml && pdf && pub;
    ok = ok && write_xml(src, xml, diag);
    /* one layout for both versions when they can differ only in the footer */
    bool shared = !r->opts.skip_public && !kk_compose_public_differs(doc);
    ok = ok && kk_render_pdf_files(r, doc, style, loc, &copts, pdf, shared ? pub : NULL, diag);
    copts.public_version = true;
    ok = ok && (r->opts.skip_public || shared || kk_render_pdf_file(r, doc, style, loc, &copts, pub, diag));
    if (ok && r->opts.excerpt_section && kk_compose_has_section(doc, r->opts.excerpt_section) && kk_doc_is_meeting(doc)) {
        char suffix[32];
        snprintf(suffix, sizeof suffix, "-ote-%d.pdf", r->opts.excerpt_section);
        char *ote = kk_renderer_out_path(r, doc->id, suffix);
        copts.public_version = false;
        copts.excerpt_section = r->opts.excerpt_section;
        ok = ote && kk_render_pdf_file(r, doc, style, loc, &copts, ote, diag);
        r->excerpts += ok;
        free(ote);
    }
    free(xml);
    free(pdf);
    free(pub);
    kk_doc_free(doc);
    return ok;
}
