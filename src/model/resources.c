/* resources.c — see resources.h. */
#define _POSIX_C_SOURCE 200809L
#include "model/resources.h"
#include "load/load.h"
#include "util/embedded.h"
#include "util/fs.h"
#include "validate/schema.h"
#include "util/xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_CACHED 32
#define MAX_EXTENDS 8

typedef struct cached_style { char *name; kk_style *style; } cached_style;
typedef struct cached_locale { char *lang; kk_locale *locale; } cached_locale;
typedef struct cached_logo { char *path; unsigned char *data; size_t len; } cached_logo;

/* What has been read for one styles folder.  Every kk_resources of the same
 * folder in the process shares it (a batch job checks a document's style
 * and then renders with it: without sharing, each file was read and
 * validated twice); the last kk_resources_free frees it. */
typedef struct store {
    char *styles_dir;
    cached_style styles[MAX_CACHED];
    size_t nstyles;
    cached_locale locales[4];
    size_t nlocales;
    cached_logo logos[MAX_CACHED];
    size_t nlogos;
    size_t refs;
    struct store *next;
} store;

static store *stores;   /* process-wide; kokous reads resources from one thread */

struct kk_resources {
    store *s;
};

static bool same_dir(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

static void store_free(store *st)
{
    for (size_t i = 0; i < st->nstyles; i++) {
        free(st->styles[i].name);
        kk_style_free(st->styles[i].style);
    }
    for (size_t i = 0; i < st->nlocales; i++) {
        free(st->locales[i].lang);
        kk_locale_free(st->locales[i].locale);
    }
    for (size_t i = 0; i < st->nlogos; i++) {
        free(st->logos[i].path);
        free(st->logos[i].data);
    }
    free(st->styles_dir);
    free(st);
}

kk_resources *kk_resources_new(const char *styles_dir)
{
    kk_resources *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    for (store *st = stores; st && !r->s; st = st->next)
        if (same_dir(st->styles_dir, styles_dir))
            r->s = st;
    if (!r->s) {
        store *st = calloc(1, sizeof *st);
        if (!st || (styles_dir && !(st->styles_dir = strdup(styles_dir)))) {
            free(st);
            free(r);
            return NULL;
        }
        st->next = stores;
        stores = st;
        r->s = st;
    }
    r->s->refs++;
    return r;
}

void kk_resources_free(kk_resources *r)
{
    if (!r)
        return;
    store *st = r->s;
    free(r);
    if (--st->refs)
        return;
    for (store **p = &stores; *p; p = &(*p)->next)
        if (*p == st) {
            *p = st->next;
            break;
        }
    store_free(st);
}

static bool file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* Load a style or locale file from disk or the built-in copy.  `dir` gets
 * the folder the file is in (for relative logo paths).  `trusted` says the
 * bytes are those of a built-in file, which the tests validate against the
 * XSD (tests/groups/12-builtin-data.sh): compiling the XSD to check them
 * again cost every run more than reading them. */
static kk_source *load_data(const kk_resources *r, const char *sub, const char *name,
                            kk_schema_id sid, const char *root, char *dir, size_t dircap,
                            bool *trusted, kk_diag *diag)
{
    *trusted = false;
    const kk_schema *s = kk_schema_builtin(sid, diag);
    if (!s)
        return NULL;
    char path[1024], builtin[256];
    snprintf(builtin, sizeof builtin, "styles/%s%s.yaml", sub, name);
    const kk_embedded_file *f = kk_embedded_find(builtin);
    const char *dirs[] = { r->s->styles_dir, "styles" };
    for (size_t i = 0; i < 2; i++) {
        if (!dirs[i])
            continue;
        snprintf(path, sizeof path, "%s/%s%s.yaml", dirs[i], sub, name);
        if (file_exists(path)) {
            snprintf(dir, dircap, "%s/%s", dirs[i], sub);
            size_t len = 0;
            unsigned char *b = f ? kk_read_file(path, f->len, &len) : NULL;
            if (b && len == f->len && !memcmp(b, f->data, len)) {
                *trusted = true;
                kk_source *src = kk_source_load_buffer(path, (const char *)b, len, root, s, diag);
                free(b);
                return src;
            }
            free(b);
            return kk_source_load(path, root, s, diag);
        }
    }
    if (!f)
        return NULL;
    snprintf(dir, dircap, "styles/%s", sub);
    *trusted = true;
    return kk_source_load_buffer(builtin, f->data, f->len, root, s, diag);
}

static bool valid_name(const char *name)
{
    if (!*name || strlen(name) > 64)
        return false;
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-' || *c == '_'))
            return false;
    return true;
}

/* kk_style_check_page, reported at the first of its keys set by the
 * nearest style file of the chain (else at the top of the nearest one). */
static bool page_fits(const kk_style *style, kk_source *const *chain, size_t n, kk_diag *diag)
{
    const char *const *keys;
    char why[320];
    if (kk_style_check_page(style, &keys, why, sizeof why))
        return true;
    const kk_source *at = chain[0];
    kk_pos pos = { 1, 1 };
    xmlNodePtr node = NULL;
    for (size_t i = 0; i < n && !node; i++) {
        xmlNodePtr page = kk_child(xmlDocGetRootElement(kk_source_doc(chain[i])), "page");
        for (const char *const *k = keys; page && !node && *k; k++)
            if ((node = kk_child(page, *k))) {
                at = chain[i];
                pos = kk_source_value_pos(at, node);
            }
    }
    kk_error(diag, kk_source_path(at), pos.line, pos.col, "%s", why);
    return false;
}

const kk_style *kk_resources_style(kk_resources *r, const char *name, kk_diag *diag,
                                   const char *where_file, unsigned line, unsigned col)
{
    store *st = r->s;
    for (size_t i = 0; i < st->nstyles; i++)
        if (!strcmp(st->styles[i].name, name))
            return st->styles[i].style;
    /* the chain, nearest first: name, its parent, ... */
    kk_source *chain[MAX_EXTENDS];
    char dirs[MAX_EXTENDS][1024];
    size_t n = 0;
    const char *want = name;
    bool ok = true;
    const kk_schema *s = kk_schema_builtin(KK_SCHEMA_STYLE, diag);
    while (ok && want && s) {
        if (!valid_name(want) || n == MAX_EXTENDS) {
            kk_error(diag, n ? kk_source_path(chain[n - 1]) : where_file, n ? 1 : line, n ? 1 : col,
                     n == MAX_EXTENDS ? "styles extend each other in a loop or too deeply (at `%s`)" : "no style named \"%s\"", want);
            ok = false;
            break;
        }
        size_t errors = kk_diag_error_count(diag);
        bool trusted;
        kk_source *src = load_data(r, "", want, KK_SCHEMA_STYLE, "style", dirs[n], sizeof dirs[n], &trusted, diag);
        if (!src) {
            if (kk_diag_error_count(diag) == errors)
                kk_error(diag, n ? kk_source_path(chain[n - 1]) : where_file, n ? 1 : line, n ? 1 : col,
                         "no style named \"%s\": put it in styles/%s.yaml (built-in styles: default, uusimaa, popsote, lappi)", want, want);
            ok = false;
            break;
        }
        if (!trusted && !kk_schema_validate(s, src, diag)) {
            kk_source_free(src);
            ok = false;
            break;
        }
        chain[n++] = src;
        want = kk_style_extends(kk_source_doc(src));
        for (size_t i = 0; want && i < n; i++) {
            const char *p = kk_source_path(chain[i]);
            char expect[128];
            snprintf(expect, sizeof expect, "%s.yaml", want);
            size_t lp = strlen(p), le = strlen(expect);
            if (lp >= le && !strcmp(p + lp - le, expect) && (lp == le || p[lp - le - 1] == '/')) {
                kk_error(diag, kk_source_path(src), 1, 1, "style `extends: %s` makes a loop; remove it", want);
                ok = false;
                want = NULL;
            }
        }
    }
    kk_style *style = NULL;
    if (ok && n > 0) {
        style = kk_style_from_xml(kk_source_doc(chain[n - 1]), dirs[n - 1]);
        for (size_t i = n - 1; style && i-- > 0;)
            if (!kk_style_merge(style, kk_source_doc(chain[i]), dirs[i])) {
                kk_style_free(style);
                style = NULL;
            }
        if (!style)
            kk_sys_error(diag, name, "out of memory while reading the style");
        else if (!page_fits(style, chain, n, diag)) {
            kk_style_free(style);
            style = NULL;
        }
    }
    for (size_t i = 0; i < n; i++)
        kk_source_free(chain[i]);
    if (style && st->nstyles < MAX_CACHED) {
        char *copy = strdup(name);
        if (copy) {
            st->styles[st->nstyles++] = (cached_style){ copy, style };
            return style;
        }
    }
    kk_style_free(style);   /* cache full or OOM: do not leak */
    return NULL;
}

const kk_locale *kk_resources_locale(kk_resources *r, const char *lang, kk_diag *diag)
{
    store *st = r->s;
    for (size_t i = 0; i < st->nlocales; i++)
        if (!strcmp(st->locales[i].lang, lang))
            return st->locales[i].locale;
    if (st->nlocales == 4 || !valid_name(lang))
        return NULL;
    char dir[1024];
    bool trusted = false;
    const kk_schema *s = kk_schema_builtin(KK_SCHEMA_LOCALE, diag);
    kk_source *src = s ? load_data(r, "locale/", lang, KK_SCHEMA_LOCALE, "locale", dir, sizeof dir, &trusted, diag) : NULL;
    kk_locale *loc = NULL;
    if (src && (trusted || kk_schema_validate(s, src, diag)))
        loc = kk_locale_from_xml(kk_source_doc(src));
    else if (!src)
        kk_sys_error(diag, lang, "no labels for language \"%s\"", lang);
    kk_source_free(src);
    char *copy = loc ? strdup(lang) : NULL;
    if (!copy) {
        kk_locale_free(loc);
        return NULL;
    }
    st->locales[st->nlocales++] = (cached_locale){ copy, loc };
    return loc;
}

const unsigned char *kk_resources_logo(kk_resources *r, const kk_style *s, size_t *len, kk_diag *diag)
{
    if (!s->logo_path)
        return NULL;
    store *st = r->s;
    for (size_t i = 0; i < st->nlogos; i++)
        if (!strcmp(st->logos[i].path, s->logo_path)) {
            *len = st->logos[i].len;
            return st->logos[i].data;
        }
    unsigned char *data = kk_read_file(s->logo_path, 16u << 20, len);
    if (!data) {
        /* a built-in style's logo is built in too */
        const kk_embedded_file *f = kk_embedded_find_file(s->logo_path);
        if (f && (data = malloc(f->len))) {
            memcpy(data, f->data, f->len);
            *len = f->len;
        }
    }
    if (!data) {
        kk_diag_report(diag, KK_WARNING, KK_FAIL_NONE, s->logo_path, 0, 0, "cannot read the logo; the documents are made without it");
        return NULL;
    }
    char *copy = st->nlogos < MAX_CACHED ? strdup(s->logo_path) : NULL;
    if (!copy) {
        free(data);
        return NULL;
    }
    st->logos[st->nlogos++] = (cached_logo){ copy, data, *len };
    return data;
}

const kk_style *kk_resources_document_style(kk_resources *r, const kk_source *src, kk_diag *diag)
{
    xmlNodePtr root = xmlDocGetRootElement(kk_source_doc(src));
    xmlNodePtr at = kk_child(root, "style");
    kk_pos p = at ? kk_source_value_pos(src, at) : (kk_pos){ 1, 1 };
    const char *name = kk_text(at);
    return kk_resources_style(r, name ? name : "default", diag, kk_source_path(src), p.line, p.col);
}

bool kk_resources_check_document(kk_resources *r, const kk_source *src, kk_diag *diag)
{
    const char *lang = kk_child_text(xmlDocGetRootElement(kk_source_doc(src)), "language");
    return kk_resources_document_style(r, src, diag) && kk_resources_locale(r, lang ? lang : "fi", diag);
}
