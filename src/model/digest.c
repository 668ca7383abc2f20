/* digest.c — gathering a newsletter's documents (see digest.h). */
#define _XOPEN_SOURCE 700 /* realpath */
#include "model/digest.h"
#include "load/inputs.h"
#include "validate/validate.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct names { char **v; size_t n, cap; } names;

static bool names_add(names *l, const char *s)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 32;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return false;
        l->v = v;
        l->cap = cap;
    }
    return (l->v[l->n] = strdup(s)) != NULL && ++l->n;
}

static void names_free(names *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
}

static char *join(const char *dir, const char *name)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s%s%s", dir, *dir && dir[strlen(dir) - 1] != '/' ? "/" : "", name);
    return p;
}

static bool list_add(kk_digest_list *l, kk_digest_entry e)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        kk_digest_entry *v = realloc(l->v, cap * sizeof *v);
        if (!v)
            return false;
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = e;
    return true;
}

static void entry_free(kk_digest_entry *e)
{
    kk_doc_free(e->doc);
    kk_source_free(e->src);
    free(e->path);
}

static void list_free(kk_digest_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        entry_free(&l->v[i]);
    free(l->v);
}

void kk_digest_free(kk_digest *d)
{
    if (!d)
        return;
    list_free(&d->meetings);
    list_free(&d->upcoming);
    list_free(&d->notices);
    free(d);
}

bool kk_digest_empty(const kk_digest *d)
{
    return !d->meetings.n && !d->upcoming.n && !d->notices.n;
}

bool kk_digest_item_public(const kk_item *it)
{
    return !it->publicity.cls || !strcmp(it->publicity.cls, "public");
}

static int date_cmp(kk_date a, kk_date b)
{
    if (a.y != b.y) return a.y < b.y ? -1 : 1;
    if (a.m != b.m) return a.m < b.m ? -1 : 1;
    if (a.d != b.d) return a.d < b.d ? -1 : 1;
    return 0;
}

/* Names compared without surrounding blanks. */
static bool same_name(const char *a, const char *b)
{
    while (*a == ' ') a++;
    while (*b == ' ') b++;
    size_t na = strlen(a), nb = strlen(b);
    while (na && a[na - 1] == ' ') na--;
    while (nb && b[nb - 1] == ' ') nb--;
    return na == nb && !memcmp(a, b, na);
}

static bool body_wanted(const kk_doc *nl, const char *body)
{
    if (!nl->bodies.n)
        return true;
    for (size_t i = 0; i < nl->bodies.n; i++)
        if (body && same_name(nl->bodies.v[i], body))
            return true;
    return false;
}

/* ---- sorting (qsort with a context: the newsletter, via a static) ----
 * qsort is not stable; every comparison ends on source index and path,
 * which are unique per entry, so the order is total. */

static _Thread_local const kk_doc *sort_nl;
static _Thread_local int sort_dir;

static size_t body_rank(const char *body)
{
    const kk_doc *nl = sort_nl;
    for (size_t i = 0; i < nl->bodies.n; i++)
        if (body && same_name(nl->bodies.v[i], body))
            return i;
    return nl->bodies.n;
}

static int tie(const kk_digest_entry *a, const kk_digest_entry *b)
{
    if (a->source_index != b->source_index)
        return a->source_index < b->source_index ? -1 : 1;
    return strcmp(a->path, b->path);
}

static int by_date(const void *pa, const void *pb)
{
    const kk_digest_entry *a = pa, *b = pb;
    int c = date_cmp(a->doc->date, b->doc->date) * sort_dir;
    return c ? c : tie(a, b);
}

static int by_body(const void *pa, const void *pb)
{
    const kk_digest_entry *a = pa, *b = pb;
    if (sort_nl->bodies.n) {
        size_t ra = body_rank(a->doc->body), rb = body_rank(b->doc->body);
        if (ra != rb)
            return ra < rb ? -1 : 1;
    }
    int c = strcmp(a->doc->body ? a->doc->body : "", b->doc->body ? b->doc->body : "");
    if (c)
        return c;
    c = date_cmp(a->doc->date, b->doc->date);
    return c ? c : tie(a, b);
}

/* ---- gathering ---- */

static bool seen_before(names *seen, const char *path)
{
    char real[PATH_MAX];
    const char *key = realpath(path, real) ? real : path;
    for (size_t i = 0; i < seen->n; i++)
        if (!strcmp(seen->v[i], key))
            return true;
    names_add(seen, key);
    return false;
}

/* Load one source file with its errors kept aside: they become one warning. */
static bool take(kk_digest *dg, const kk_doc *nl, const char *path, const char *root,
                 size_t source_index, kk_diag *diag)
{
    kk_diag *quiet = kk_diag_new(KK_DIAG_COLLECT, NULL);
    if (!quiet)
        return false;
    kk_source *src = kk_load_document(path, root, quiet);
    if (!src) {
        const kk_diagnostic *first = NULL;
        for (size_t i = 0; i < kk_diag_count(quiet) && !first; i++)
            if (kk_diag_get(quiet, i)->severity == KK_ERROR)
                first = kk_diag_get(quiet, i);
        kk_diag_report(diag, KK_WARNING, KK_FAIL_NONE, path, first ? first->line : 0,
                       first ? first->col : 0,
                       "not in the newsletter: the document is invalid (%s); run 'kokous check %s'",
                       first ? first->message : "unreadable", path);
        dg->skipped++;
        kk_diag_free(quiet);
        return true;
    }
    kk_diag_free(quiet);
    dg->files++;
    kk_doc *doc = kk_doc_new(src, diag);
    if (!doc) {
        kk_source_free(src);
        return false;
    }
    kk_digest_entry e = { src, doc, strdup(path), source_index };
    kk_digest_list *to = NULL;
    bool in_period = doc->date.y && date_cmp(doc->date, nl->period_from) >= 0
                     && date_cmp(doc->date, nl->period_to) <= 0;
    bool secret = doc->publicity.cls && !strcmp(doc->publicity.cls, "confidential");
    if (!e.path || secret || doc->kind == KK_NEWSLETTER)
        to = NULL;
    else if (doc->kind == KK_NOTICE)
        to = in_period ? &dg->notices : NULL;
    else if (!body_wanted(nl, doc->body))
        to = NULL;
    else if (doc->kind == KK_AGENDA)
        to = date_cmp(doc->date, nl->period_from) >= 0 ? &dg->upcoming : NULL;
    else
        to = in_period ? &dg->meetings : NULL;
    if (!to || !list_add(to, e)) {
        bool oom = to != NULL || !e.path;
        entry_free(&e);
        if (oom) {
            kk_sys_error(diag, path, "out of memory");
            return false;
        }
    }
    return true;
}

/* An agenda is no longer "coming" when its meeting is already reported. */
static void drop_reported_agendas(kk_digest *dg)
{
    size_t w = 0;
    for (size_t i = 0; i < dg->upcoming.n; i++) {
        kk_digest_entry *a = &dg->upcoming.v[i];
        bool reported = false;
        for (size_t j = 0; j < dg->meetings.n && !reported; j++) {
            const kk_doc *m = dg->meetings.v[j].doc;
            reported = !date_cmp(m->date, a->doc->date) && m->body && a->doc->body
                       && same_name(m->body, a->doc->body);
        }
        if (reported)
            entry_free(a);
        else
            dg->upcoming.v[w++] = *a;
    }
    dg->upcoming.n = w;
}

kk_digest *kk_digest_gather(const kk_doc *nl, const char *nl_path, kk_diag *diag)
{
    kk_digest *dg = calloc(1, sizeof *dg);
    if (!dg) {
        kk_sys_error(diag, nl_path, "out of memory");
        return NULL;
    }
    char *base = strdup(nl_path);
    char *slash = base ? strrchr(base, '/') : NULL;
    if (slash)
        slash[slash == base ? 1 : 0] = '\0';
    const char *dir = slash ? base : ".";
    names seen = { 0 };
    bool ok = base != NULL;
    seen_before(&seen, nl_path);      /* never itself */
    size_t nsrc = nl->sources.n ? nl->sources.n : 1;
    for (size_t s = 0; ok && s < nsrc; s++) {
        const char *rel = nl->sources.n ? nl->sources.v[s] : ".";
        char *p = rel[0] == '/' ? strdup(rel) : join(dir, rel);
        struct stat st;
        kk_input *files = NULL;
        size_t nfiles = 0;
        if (!p) {
            ok = false;
        } else if (stat(p, &st) != 0) {
            kk_error(diag, nl_path, 0, 0, "source '%s' does not exist (looked for %s); "
                     "sources are relative to the newsletter's folder", rel, p);
            ok = false;
        } else if (S_ISDIR(st.st_mode)) {
            ok = kk_collect_inputs(&p, 1, &files, &nfiles, diag);
            for (size_t i = 0; ok && i < nfiles; i++)
                if (!seen_before(&seen, files[i].path))
                    ok = take(dg, nl, files[i].path, p, s, diag);
        } else if (!seen_before(&seen, p)) {
            ok = take(dg, nl, p, dir, s, diag);
        }
        kk_inputs_free(files, nfiles);
        free(p);
    }
    names_free(&seen);
    free(base);
    if (!ok) {
        kk_digest_free(dg);
        return NULL;
    }
    drop_reported_agendas(dg);
    sort_nl = nl;
    bool newest = nl->order && !strcmp(nl->order, "newest_first");
    bool grouped = nl->order && !strcmp(nl->order, "by_body");
    sort_dir = newest ? -1 : 1;
    if (dg->meetings.n)
        qsort(dg->meetings.v, dg->meetings.n, sizeof *dg->meetings.v, grouped ? by_body : by_date);
    if (dg->notices.n)
        qsort(dg->notices.v, dg->notices.n, sizeof *dg->notices.v, by_date);
    sort_dir = 1;
    if (dg->upcoming.n)
        qsort(dg->upcoming.v, dg->upcoming.n, sizeof *dg->upcoming.v, by_date);
    sort_nl = NULL;
    return dg;
}
