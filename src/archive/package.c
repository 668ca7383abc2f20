/* package.c — one archive information package from validated documents
 * (see archive.h): the folder layout, the renderings, the file list with
 * sizes and checksums, and the atomic rename at the end. */
#define _XOPEN_SOURCE 700
#include "archive/archive_int.h"
#include "render/render.h"
#include "util/embedded.h"
#include "util/fs.h"
#include "util/hash.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <libxml/tree.h>

char *kk_arc_join(const char *dir, const char *rel)
{
    size_t len = strlen(dir) + strlen(rel) + 2;
    char *p = malloc(len);
    if (p)
        snprintf(p, len, "%s/%s", dir, rel);
    return p;
}

unsigned char *kk_arc_read_file(const char *path, size_t *len, kk_diag *diag)
{
    /* no size limit of its own: a package holds what the documents made */
    unsigned char *buf = kk_read_file(path, (size_t)1 << 40, len);
    if (!buf)
        kk_sys_error(diag, path, "cannot read: %s", strerror(errno));
    return buf;
}

bool kk_arc_add_file(kk_arc_package *p, const char *rel, kk_arc_where where, const char *mime,
                     const char *group, int doc, const char *ext, kk_diag *diag)
{
    char *full = kk_arc_join(p->dir, rel);
    size_t len = 0;
    unsigned char *data = full ? kk_arc_read_file(full, &len, diag) : NULL;
    free(full);
    if (!data)
        return false;
    if (p->nfiles == p->capfiles) {
        size_t cap = p->capfiles ? 2 * p->capfiles : 64;
        kk_arc_file *v = realloc(p->files, cap * sizeof *v);
        if (!v) {
            free(data);
            kk_sys_error(diag, rel, "out of memory");
            return false;
        }
        p->files = v;
        p->capfiles = cap;
    }
    kk_arc_file *f = &p->files[p->nfiles];
    memset(f, 0, sizeof *f);
    f->path = strdup(rel);
    f->where = where;
    f->mime = mime;
    f->group = group;
    f->doc = doc;
    f->ext = ext;
    f->size = len;
    bool ok = f->path && kk_sha256_hex(data, len, f->sha256);
    free(data);
    if (!ok) {
        free(f->path);
        kk_sys_error(diag, rel, "cannot compute SHA-256");
        return false;
    }
    p->nfiles++;
    return true;
}

xmlTextWriterPtr kk_arc_writer_new(xmlBufferPtr *buf)
{
    *buf = xmlBufferCreate();
    xmlTextWriterPtr w = *buf ? xmlNewTextWriterMemory(*buf, 0) : NULL;
    if (!w) {
        xmlBufferFree(*buf);
        *buf = NULL;
        return NULL;
    }
    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterSetIndentString(w, BAD_CAST "  ");
    xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL);
    return w;
}

bool kk_arc_writer_end(xmlTextWriterPtr w, xmlBufferPtr buf, const char *dir, const char *rel, kk_diag *diag)
{
    /* a negative answer anywhere before shows up as a short or failed end */
    bool ok = xmlTextWriterEndDocument(w) >= 0;
    xmlFreeTextWriter(w);
    char *path = kk_arc_join(dir, rel);
    if (!ok || !path)
        kk_sys_error(diag, rel, "cannot write the XML (out of memory?)");
    ok = ok && path && kk_write_atomic(path, xmlBufferContent(buf), (size_t)xmlBufferLength(buf), diag);
    free(path);
    xmlBufferFree(buf);
    return ok;
}

void kk_arc_date(kk_date d, char *buf, size_t n)
{
    snprintf(buf, n, "%04d-%02d-%02d", d.y, d.m, d.d);
}

/* ---- terms (schema/archive-terms.txt) ---- */

struct kk_arc_terms {
    char *text;                    /* owned copy, split in place */
    const char **keys, **values;
    size_t n;
    char scratch[128];
};

kk_arc_terms *kk_arc_terms_load(kk_diag *diag)
{
    const kk_embedded_file *f = kk_embedded_find("schema/archive-terms.txt");
    kk_arc_terms *t = calloc(1, sizeof *t);
    if (!f || !t || !(t->text = strdup(f->data))) {
        kk_sys_error(diag, "schema/archive-terms.txt", f ? "out of memory" : "missing from the build");
        kk_arc_terms_free(t);
        return NULL;
    }
    size_t lines = 1;
    for (const char *c = t->text; *c; c++)
        lines += *c == '\n';
    t->keys = calloc(lines, sizeof *t->keys);
    t->values = calloc(lines, sizeof *t->values);
    if (!t->keys || !t->values) {
        kk_sys_error(diag, NULL, "out of memory");
        kk_arc_terms_free(t);
        return NULL;
    }
    for (char *line = t->text; line && *line;) {
        char *next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        char *eq = strstr(line, " = ");
        if (line[0] != '#' && eq) {
            *eq = 0;
            t->keys[t->n] = line;
            t->values[t->n++] = eq + 3;
        }
        line = next;
    }
    return t;
}

void kk_arc_terms_free(kk_arc_terms *t)
{
    if (!t)
        return;
    free(t->text);
    free(t->keys);
    free(t->values);
    free(t);
}

static const char *lookup(const kk_arc_terms *t, const char *key)
{
    for (size_t i = 0; t && i < t->n; i++)
        if (!strcmp(t->keys[i], key))
            return t->values[i];
    return NULL;
}

const char *kk_arc_term(const kk_arc_terms *t, const char *key)
{
    const char *v = lookup(t, key);
    return v ? v : key;
}

const char *kk_arc_term2(const kk_arc_terms *t, const char *prefix, const char *key)
{
    char k[128];
    snprintf(k, sizeof k, "%s.%s", prefix, key ? key : "");
    const char *v = lookup(t, k);
    return v ? v : key ? key : prefix;
}

/* ---- dates, ids ---- */

static long long days_from_civil(int yy, int m, int d)
{
    int y = yy - (m <= 2);
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153u * (unsigned)(m + (m > 2 ? -3 : 9)) + 2) / 5 + (unsigned)d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (long long)era * 146097 + doe - 719468;
}

static kk_date doc_date(const kk_doc *d)
{
    return d->date.y ? d->date : d->period_from;
}

static int date_cmp(kk_date a, kk_date b)
{
    return a.y != b.y ? a.y - b.y : a.m != b.m ? a.m - b.m : a.d - b.d;
}

/* SOURCE_DATE_EPOCH (reproducible builds), else the newest document date
 * at midnight UTC: never the clock. */
static long long package_time(const kk_arc_doc *docs, size_t n)
{
    long long v;
    if (kk_source_date_epoch(&v))
        return v;
    kk_date newest = { 0, 0, 0 };
    for (size_t i = 0; i < n; i++)
        if (date_cmp(doc_date(docs[i].doc), newest) > 0)
            newest = doc_date(docs[i].doc);
    return newest.y ? days_from_civil(newest.y, newest.m, newest.d) * 86400 : 0;
}

static char *derive_id(kk_arc_doc *docs, size_t n)
{
    char buf[256] = "";
    const char *org = docs[0].doc->organization, *body = docs[0].doc->body;
    kk_date lo = doc_date(docs[0].doc), hi = lo;
    for (size_t i = 1; i < n; i++) {
        const kk_doc *d = docs[i].doc;
        if (org && (!d->organization || strcmp(org, d->organization)))
            org = NULL;
        if (body && (!d->body || strcmp(body, d->body)))
            body = NULL;
        if (date_cmp(doc_date(d), lo) < 0)
            lo = doc_date(d);
        if (date_cmp(doc_date(d), hi) > 0)
            hi = doc_date(d);
    }
    kk_slug_append(buf, sizeof buf, org ? org : "kokous");
    if (body) {
        kk_slug_append(buf, sizeof buf, "-");
        kk_slug_append(buf, sizeof buf, body);
    }
    char day[16];
    kk_arc_date(lo, day, sizeof day);
    strncat(buf, "-", sizeof buf - strlen(buf) - 1);
    strncat(buf, day, sizeof buf - strlen(buf) - 1);
    if (date_cmp(lo, hi)) {
        kk_arc_date(hi, day, sizeof day);
        strncat(buf, "--", sizeof buf - strlen(buf) - 1);
        strncat(buf, day, sizeof buf - strlen(buf) - 1);
    }
    return strdup(buf);
}

static int by_id(const void *a, const void *b)
{
    return strcmp(((const kk_arc_doc *)a)->doc->id, ((const kk_arc_doc *)b)->doc->id);
}

static void free_docs(kk_arc_doc *docs, size_t n)
{
    for (size_t i = 0; docs && i < n; i++) {
        kk_doc_free(docs[i].doc);
        free(docs[i].title);
        free(docs[i].reasons);
    }
    free(docs);
}

static kk_arc_doc *model_docs(kk_source *const *srcs, size_t n, kk_diag *diag)
{
    kk_arc_doc *docs = calloc(n ? n : 1, sizeof *docs);
    for (size_t i = 0; docs && i < n; i++) {
        docs[i].src = srcs[i];
        if (!(docs[i].doc = kk_doc_new(srcs[i], diag))) {
            free_docs(docs, i);
            return NULL;
        }
    }
    if (!docs)
        kk_sys_error(diag, NULL, "out of memory");
    else
        qsort(docs, n, sizeof *docs, by_id);
    return docs;
}

char *kk_archive_package_id(kk_source *const *srcs, size_t n)
{
    kk_diag *quiet = kk_diag_new(KK_DIAG_COLLECT, NULL);
    kk_arc_doc *docs = quiet && n ? model_docs(srcs, n, quiet) : NULL;
    char *id = docs ? derive_id(docs, n) : NULL;
    free_docs(docs, n);
    kk_diag_free(quiet);
    return id;
}

/* ---- publicity and case files ---- */

static int publicity_rank(const char *cls)
{
    return !cls || !strcmp(cls, "public") ? 0 : !strcmp(cls, "partly_confidential") ? 1 : 2;
}

static void append_reason(kk_arc_doc *a, const char *basis)
{
    if (!basis || (a->reasons && strstr(a->reasons, basis)))
        return;
    size_t len = (a->reasons ? strlen(a->reasons) + 2 : 0) + strlen(basis) + 1;
    char *r = malloc(len);
    if (!r)
        return;
    snprintf(r, len, "%s%s%s", a->reasons ? a->reasons : "", a->reasons ? "; " : "", basis);
    free(a->reasons);
    a->reasons = r;
}

/* The document's own class, raised to "partly confidential" when one of its
 * items is secret: the official version holds the secret text. */
static void classify(kk_arc_doc *a)
{
    static const char *const names[] = { "public", "partly_confidential", "confidential" };
    int rank = publicity_rank(a->doc->publicity.cls);
    append_reason(a, a->doc->publicity.basis);
    a->secret_until = a->doc->publicity.until;
    for (size_t i = 0; i < a->doc->nitems; i++) {
        const kk_publicity *p = &a->doc->items[i].publicity;
        if (publicity_rank(p->cls) > 0) {
            if (rank == 0)
                rank = 1;
            append_reason(a, p->basis);
            if (date_cmp(p->until, a->secret_until) > 0)
                a->secret_until = p->until;
        }
    }
    a->publicity = names[rank];
}

static char *make_title(const kk_arc_doc *a, const kk_arc_terms *t)
{
    const kk_doc *d = a->doc;
    if (d->title)
        return strdup(d->title);
    char buf[512];
    kk_date day = doc_date(d);
    snprintf(buf, sizeof buf, "%s: %s %d.%d.%d", kk_arc_term2(t, "type", d->kind_name),
             d->body ? d->body : d->organization, day.d, day.m, day.y);
    return strdup(buf);
}

typedef struct { char key[600]; size_t doc; } case_key;

static int by_key(const void *a, const void *b)
{
    return strcmp(((const case_key *)a)->key, ((const case_key *)b)->key);
}

/* A case file per meeting (organization, body, date), and one per notice or
 * newsletter, in date order. */
static bool assign_casefiles(kk_arc_package *p)
{
    case_key *k = calloc(p->ndocs, sizeof *k);
    if (!k)
        return false;
    for (size_t i = 0; i < p->ndocs; i++) {
        const kk_doc *d = p->docs[i].doc;
        char day[16];
        kk_arc_date(doc_date(d), day, sizeof day);
        if (kk_doc_is_meeting(d))
            snprintf(k[i].key, sizeof k[i].key, "%s|m|%.250s|%.250s", day, d->organization, d->body ? d->body : "");
        else
            snprintf(k[i].key, sizeof k[i].key, "%s|d|%.250s", day, d->id);
        k[i].doc = i;
    }
    qsort(k, p->ndocs, sizeof *k, by_key);
    int c = -1;
    for (size_t i = 0; i < p->ndocs; i++) {
        if (i == 0 || strcmp(k[i].key, k[i - 1].key))
            c++;
        p->docs[k[i].doc].casefile = c;
    }
    p->ncasefiles = c + 1;
    free(k);
    return true;
}

/* ---- the files ---- */

static const char *const schema_files[] = {
    "schema/kokous.xsd", "schema/external/mets.xsd", "schema/external/DILCISExtensionMETS.xsd",
    "schema/external/xlink.xsd", "schema/external/premis-v2-3.xsd", "schema/external/Sahke2_2019_03.xsd",
    "schema/external/csip-wrapper.xsd", "schema/external/catalog.xml", "schema/external/README.md",
    "schema/external/LICENSE-E-ARK-CSIP", "schema/external/LICENCE-dpres-xml-schemas.rst",
};

static const char *mime_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot)
        return "text/plain";
    if (!strcmp(dot, ".xsd") || !strcmp(dot, ".xml"))
        return "application/xml";
    if (!strcmp(dot, ".md"))
        return "text/markdown";
    return "text/plain";
}

static bool copy_embedded(kk_arc_package *p, const char *from, const char *to, const char *group, kk_diag *diag)
{
    const kk_embedded_file *f = kk_embedded_find(from);
    if (!f) {
        kk_sys_error(diag, from, "missing from the build (Makefile EMBED)");
        return false;
    }
    char *path = kk_arc_join(p->dir, to);
    bool ok = path && kk_write_atomic(path, f->data, f->len, diag);
    free(path);
    return ok && kk_arc_add_file(p, to, KK_ARC_ROOT, mime_of(to), group, -1, NULL, diag);
}

static bool write_canonical_xml(kk_arc_package *p, size_t i, kk_diag *diag)
{
    char rel[512];
    snprintf(rel, sizeof rel, "representations/source/data/%s.xml", p->docs[i].doc->id);
    int len = 0;
    xmlChar *mem = kk_source_xml(p->docs[i].src, &len);
    char *path = kk_arc_join(p->dir, rel);
    bool ok = mem && path && kk_write_atomic(path, mem, (size_t)len, diag);
    if (!mem || !path)
        kk_sys_error(diag, rel, "out of memory");
    xmlFree(mem);
    free(path);
    return ok && kk_arc_add_file(p, rel, KK_ARC_REP_SOURCE, "application/xml", "Data", (int)i, "xml", diag);
}

static bool copy_source(kk_arc_package *p, size_t i, kk_diag *diag)
{
    char rel[512];
    snprintf(rel, sizeof rel, "representations/source/data/%s.yaml", p->docs[i].doc->id);
    size_t len;
    unsigned char *data = kk_arc_read_file(kk_source_path(p->docs[i].src), &len, diag);
    char *path = kk_arc_join(p->dir, rel);
    bool ok = data && path && kk_write_atomic(path, data, len, diag);
    free(data);
    free(path);
    return ok && kk_arc_add_file(p, rel, KK_ARC_REP_SOURCE, "application/yaml", "Data", (int)i, "yaml", diag);
}

static bool render_docs(kk_arc_package *p, const kk_archive_opts *opts, kk_diag *diag)
{
    char *data = kk_arc_join(p->dir, "representations/pdfa/data");
    kk_render_opts ro = { .out_dir = data, .pdfa_part = p->pdfa_part, .styles_dir = opts->styles_dir,
                          .skip_public = true };
    kk_renderer *r = data ? kk_renderer_new(&ro) : NULL;
    bool ok = r != NULL;
    if (!ok)
        kk_sys_error(diag, NULL, "out of memory");
    for (size_t i = 0; ok && i < p->ndocs; i++) {
        const kk_doc *d = p->docs[i].doc;
        /* a newsletter is archived as its definition (source representation);
         * its digest is a communication, not a record of the meeting */
        if (d->kind != KK_NEWSLETTER)
            ok = kk_render_document(r, p->docs[i].src, diag);
        char rel[512];
        /* the renderer writes the canonical XML beside the PDF; the package
         * keeps it with the source instead */
        snprintf(rel, sizeof rel, "%s/%s.xml", data, d->id);
        unlink(rel);
        if (ok && d->kind != KK_NEWSLETTER) {
            snprintf(rel, sizeof rel, "representations/pdfa/data/%s.pdf", d->id);
            ok = kk_arc_add_file(p, rel, KK_ARC_REP_PDFA, "application/pdf", "Data", (int)i, "pdf", diag);
        }
        ok = ok && write_canonical_xml(p, i, diag) && copy_source(p, i, diag);
    }
    kk_renderer_free(r);
    free(data);
    return ok;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static void remove_tree(const char *dir)
{
    if (dir)
        nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Put the finished folder `tmp` at `target`: an older package of the same
 * id is moved aside first and removed only after the new one is in place. */
static bool move_into_place(const char *tmp, const char *target, const char *out_dir, kk_diag *diag)
{
    struct stat st;
    char *old = NULL;
    if (lstat(target, &st) == 0) {
        old = kk_arc_join(out_dir, ".old.XXXXXX");
        if (!old || !mkdtemp(old) || rename(target, old) != 0) {
            kk_sys_error(diag, target, "cannot replace the existing package: %s", strerror(errno));
            if (old)
                rmdir(old);
            free(old);
            return false;
        }
    }
    bool ok = rename(tmp, target) == 0;
    if (!ok) {
        kk_sys_error(diag, target, "cannot rename the package into place: %s", strerror(errno));
        if (old)
            rename(old, target);
    } else {
        remove_tree(old);
    }
    free(old);
    return ok;
}

static bool fill_package(kk_arc_package *p, const kk_archive_opts *opts, kk_diag *diag)
{
    static const char *const dirs[] = {
        "metadata/descriptive", "metadata/preservation", "representations/pdfa/data",
        "representations/source/data", "schemas", "documentation",
    };
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
        char *d = kk_arc_join(p->dir, dirs[i]);
        bool ok = d && kk_mkdirs(d, diag);
        free(d);
        if (!ok)
            return false;
    }
    if (!render_docs(p, opts, diag))
        return false;
    for (size_t i = 0; i < sizeof schema_files / sizeof *schema_files; i++) {
        char to[256];
        snprintf(to, sizeof to, "schemas/%s", strrchr(schema_files[i], '/') + 1);
        if (!copy_embedded(p, schema_files[i], to, "Schemas", diag))
            return false;
    }
    return copy_embedded(p, "docs/archive.md", "documentation/archive.md", "Documentation", diag)
        && kk_arc_write_sahke2(p, diag) && kk_arc_write_premis(p, diag)
        && kk_arc_write_rep_mets(p, KK_ARC_REP_PDFA, diag) && kk_arc_write_rep_mets(p, KK_ARC_REP_SOURCE, diag)
        && kk_arc_write_root_mets(p, diag);
}

static void free_package(kk_arc_package *p)
{
    free_docs(p->docs, p->ndocs);
    for (size_t i = 0; i < p->nfiles; i++)
        free(p->files[i].path);
    free(p->files);
    kk_arc_terms_free(p->terms);
    free(p->id);
    free(p->dir);
}

static bool valid_id(const char *id)
{
    if (!id || !*id || strlen(id) > 120 || id[0] == '.' || id[0] == '-')
        return false;
    for (const char *c = id; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || strchr("-_.", *c)))
            return false;
    return true;
}

char *kk_archive_build(kk_source *const *srcs, size_t n, const kk_archive_opts *opts, kk_diag *diag)
{
    kk_arc_package p = { 0 };
    p.pdfa_part = opts->pdfa_part ? opts->pdfa_part : 2;
    if (!n || !(p.terms = kk_arc_terms_load(diag)) || !(p.docs = model_docs(srcs, n, diag))) {
        free_package(&p);
        return NULL;
    }
    p.ndocs = n;
    p.id = opts->id ? strdup(opts->id) : derive_id(p.docs, n);
    if (!valid_id(p.id)) {
        kk_diag_report(diag, KK_ERROR, KK_FAIL_USAGE, NULL, 0, 0,
                       "package id '%s' is not usable as a file name (letters, digits, '-', '_', '.')",
                       p.id ? p.id : "");
        free_package(&p);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        classify(&p.docs[i]);
        p.docs[i].title = make_title(&p.docs[i], p.terms);
    }
    p.created = package_time(p.docs, n);
    time_t tt = (time_t)p.created;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(p.created_iso, sizeof p.created_iso, "%Y-%m-%dT%H:%M:%SZ", &tm);
    strftime(p.created_day, sizeof p.created_day, "%Y-%m-%d", &tm);
    char *result = NULL;
    char name[200];
    snprintf(name, sizeof name, ".%s.XXXXXX", p.id);
    bool ok = assign_casefiles(&p) && kk_mkdirs(opts->out_dir, diag) && (p.dir = kk_arc_join(opts->out_dir, name));
    if (ok && !mkdtemp(p.dir)) {
        kk_sys_error(diag, opts->out_dir, "cannot create a temporary folder: %s", strerror(errno));
        free(p.dir);
        p.dir = NULL;
        ok = false;
    }
    /* mkdtemp makes the folder private; a finished package is as readable
     * as the files kk_write_atomic writes */
    if (ok && chmod(p.dir, 0755) != 0) {
        kk_sys_error(diag, p.dir, "cannot set permissions: %s", strerror(errno));
        ok = false;
    }
    ok = ok && fill_package(&p, opts, diag);
    /* the signed manifest covers every file, so it is made last */
    ok = ok && (!opts->sign || kk_sign_manifest(p.dir, opts->sign, diag));
    if (ok) {
        char target_name[200];
        snprintf(target_name, sizeof target_name, "%s%s", p.id, opts->tar ? ".tar" : "");
        result = kk_arc_join(opts->out_dir, target_name);
        if (opts->tar) {
            char *tmp = result ? kk_temp_beside(result, diag) : NULL;
            ok = tmp && kk_arc_tar_write(p.dir, p.id, tmp, p.created, diag) && chmod(tmp, 0644) == 0;
            if (ok && rename(tmp, result) != 0) {
                kk_sys_error(diag, result, "cannot rename the package into place: %s", strerror(errno));
                ok = false;
            }
            if (tmp && !ok)
                unlink(tmp);
            free(tmp);
        } else {
            ok = result && move_into_place(p.dir, result, opts->out_dir, diag);
        }
    }
    if (!ok || opts->tar)
        remove_tree(p.dir);
    if (!ok) {
        free(result);
        result = NULL;
    }
    free_package(&p);
    return result;
}
