/*
 * cmd_build.c — `kokous build PATH... -o DIR [-j N] [--force] [--shard K/N] [--no-public]`.
 *
 * The parent expands the inputs, keeps this shard's share, drops the
 * documents the stamp says are up to date, and hands the rest to the pool
 * (render/batch.h).  A job loads, validates and typesets one document into
 * its own staging folder DIR/.kokous-work-PID/J and sends back its
 * diagnostics as text, its id and its file list.  The parent, in input
 * order, prints the diagnostics, refuses a second document with an id
 * already taken (the batch-wide check cannot run in a worker), and renames
 * the files into DIR.  So the output and the messages are the same for
 * every -j, and a document that fails or crashes leaves nothing behind.
 */
#define _GNU_SOURCE
#include "cli/cli.h"
#include "model/ids.h"
#include "util/text.h"
#include "cli/progress.h"
#include "layout/hyphenate.h"
#include "util/embedded.h"
#include "model/document.h"
#include "model/resources.h"
#include "model/style.h"
#include "render/batch.h"
#include "render/render.h"
#include "render/stamp.h"
#include "util/fs.h"
#include "util/xml.h"
#include "validate/validate.h"

#include <dirent.h>
#include <glib.h>
#include <time.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef KK_VERSION
#define KK_VERSION "0.0.0"
#endif

/* ---- the result of one job, as it crosses the pipe ---- */

typedef struct result {
    uint32_t loaded, rendered, load_worst, render_worst, id_line, id_col;
    const char *id, *load_text, *render_text, *deps, *yaml, *env, *outputs;
} result;

static void put_u32(kk_bytes *b, uint32_t v) { kk_bytes_put(b, &v, sizeof v); }

static void put_str(kk_bytes *b, const char *s)
{
    s = s ? s : "";
    put_u32(b, (uint32_t)strlen(s));
    kk_bytes_put(b, s, strlen(s) + 1);
}

/* Decoding points into the blob (borrowed); false for a truncated one. */
static bool get_u32(const unsigned char **p, const unsigned char *end, uint32_t *v)
{
    if ((size_t)(end - *p) < sizeof *v)
        return false;
    memcpy(v, *p, sizeof *v);
    *p += sizeof *v;
    return true;
}

static bool get_str(const unsigned char **p, const unsigned char *end, const char **s)
{
    uint32_t n;
    if (!get_u32(p, end, &n) || (size_t)(end - *p) < (size_t)n + 1 || (*p)[n])
        return false;
    *s = (const char *)*p;
    *p += n + 1;
    return true;
}

static bool decode(const unsigned char *p, size_t len, result *r)
{
    const unsigned char *end = p + len;
    return get_u32(&p, end, &r->loaded) && get_u32(&p, end, &r->rendered) && get_u32(&p, end, &r->load_worst)
           && get_u32(&p, end, &r->render_worst) && get_u32(&p, end, &r->id_line) && get_u32(&p, end, &r->id_col)
           && get_str(&p, end, &r->id) && get_str(&p, end, &r->load_text) && get_str(&p, end, &r->render_text)
           && get_str(&p, end, &r->deps) && get_str(&p, end, &r->yaml) && get_str(&p, end, &r->env)
           && get_str(&p, end, &r->outputs);
}

/* ---- shared by parent and workers ---- */

typedef struct build {
    kk_render_opts opts;
    kk_input *inputs;
    size_t ninputs;
    size_t *todo;            /* input indexes to build, in order */
    size_t ntodo;
    bool *skip;              /* per input: up to date */
    char *stage;             /* DIR/.kokous-work-PID */
    char salt[512];
    /* parent only */
    kk_diag *diag;
    kk_stamp *stamp;
    bool stamp_dirty;
    kk_progress *progress;
    char **claimed;          /* ids claimed, open addressing */
    char **claimed_by;       /* the path that claimed each */
    size_t claim_cap;
    size_t next_input;       /* skipped documents before it are accounted for */
    size_t built, skipped, failed, excerpts;
    int worst;
    bool prefetch;           /* a CPU is free for hyphenating ahead */
    bool prefetched;         /* this process did: its hyphenation cache is warm */
    bool env_threaded;       /* this process hashed a stamp environment on a thread */
    bool forked;             /* jobs run in worker processes */
} build;

typedef struct worker_state {
    kk_renderer *r;
    kk_resources *res;
    kk_deps *deps;
} worker_state;

static build *current;   /* for a job whose worker state could not be made */

/* A worker's caches fill over its first thousands of documents (hyphenated
 * words, kept layouts: ~5 MB over 10,000 realistic minutes,
 * docs/performance.md); one that has grown by this much since its first
 * document is replaced by a fresh one (a fork and a cold first document,
 * ~20 ms every few thousand documents), so that a batch's peak memory does
 * not depend on its size. */
#define KK_WORKER_GROWTH ((size_t)3 << 20)

/* KOKOUS_WORKER_GROWTH (bytes) overrides it: the tests replace workers
 * after every document that way. */
static size_t worker_growth(void)
{
    const char *v = getenv("KOKOUS_WORKER_GROWTH");
    char *end;
    unsigned long long n = v && *v ? strtoull(v, &end, 10) : 0;
    return v && *v && !*end && n > 0 ? (size_t)n : KK_WORKER_GROWTH;
}

/* Reading the font configuration (FcInit: some 60 XML files and the font
 * cache) is a tenth of a one-document build.  A thread does it while this
 * one compiles the document XSD and loads the document; warm_ready() waits
 * for it before anything else touches fontconfig, and before fork(). */
static GThread *warm_thread;

static gpointer warm_up(gpointer unused)
{
    (void)unused;
    FcInit();
    return NULL;
}

static void warm_start(void)
{
    warm_thread = g_thread_try_new("kokous-warm-up", warm_up, NULL, NULL);
}

static void warm_ready(void)
{
    if (warm_thread)
        g_thread_join(warm_thread);
    warm_thread = NULL;
}

static void *worker_init(void *ctx)
{
    build *b = ctx;
    worker_state *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->r = kk_renderer_new(&b->opts);
    w->res = kk_resources_new(b->opts.styles_dir);
    w->deps = kk_deps_new(b->opts.styles_dir, b->salt);
    return w;
}

static void worker_fini(void *state)
{
    worker_state *w = state;
    if (!w)
        return;
    kk_renderer_free(w->r);
    kk_resources_free(w->res);
    kk_deps_free(w->deps);
    free(w);
}

static void collect_text(xmlNodePtr n, GPtrArray *texts)
{
    for (; n; n = n->next) {
        if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) && n->content)
            g_ptr_array_add(texts, n->content);
        else if (n->type == XML_ELEMENT_NODE)
            collect_text(n->children, texts);
    }
}

/* Hyphenation looks up every long word in a dictionary, a fifth of the time
 * of a fresh one-document build: a second thread starts on the document's
 * words (then its language's labels) while this one sets up fonts and
 * styles.  It only ever saves time (hyphenate.h). */
static void start_prefetch(const kk_source *src)
{
    xmlNodePtr root = xmlDocGetRootElement(kk_source_doc(src));
    const char *lang = kk_child_text(root, "language");
    lang = lang ? lang : "fi";
    GPtrArray *texts = g_ptr_array_new();
    collect_text(root ? root->children : NULL, texts);
    char path[64];
    snprintf(path, sizeof path, "styles/locale/%.8s.yaml", lang);
    const kk_embedded_file *labels = kk_embedded_find(path);
    if (labels)
        g_ptr_array_add(texts, (gpointer)labels->data);
    kk_hyphenate_prefetch_start(lang, (const char *const *)texts->pdata, texts->len);
    g_ptr_array_free(texts, TRUE);
}

static int by_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* What the document was made from besides its YAML (see stamp.h), one per
 * line, sorted.  Attachments count by their existence: that is all the
 * validator looks at.  Caller frees. */
static char *document_deps(const kk_input *in, const kk_doc *doc, const kk_style *st, const char *style_name)
{
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(lines, g_strdup_printf("root %s", in->root));
    g_ptr_array_add(lines, g_strdup_printf("style %s", style_name));
    if (st->logo_path)
        g_ptr_array_add(lines, g_strdup_printf("logo %s", st->logo_path));
    const kk_font *fonts[] = { &st->body, &st->heading, &st->title, &st->header, &st->small };
    for (size_t i = 0; i < 5; i++)
        g_ptr_array_add(lines, g_strdup_printf("font %s", fonts[i]->family ? fonts[i]->family : "Sans"));
    const char *slash = strrchr(in->path, '/');
    int dirlen = slash ? (int)(slash - in->path) + 1 : 0;
    for (size_t i = 0; i < doc->nitems; i++)
        for (size_t k = 0; k < doc->items[i].nattachments; k++)
            if (doc->items[i].attachments[k].file)
                g_ptr_array_add(lines, g_strdup_printf("exists %.*s%s", dirlen, in->path, doc->items[i].attachments[k].file));
    g_ptr_array_sort(lines, by_str);
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < lines->len; i++) {
        const char *l = g_ptr_array_index(lines, i);
        if (!strchr(l, '\n') && (!i || strcmp(l, g_ptr_array_index(lines, i - 1))))
            g_string_append_printf(s, "%s\n", l);
    }
    g_ptr_array_free(lines, TRUE);
    char *out = strdup(s->str);
    g_string_free(s, TRUE);
    return out;
}

/* The files a document wrote into its staging folder, "name\tsize\n",
 * sorted.  Caller frees. */
static char *list_outputs(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return strdup("");
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char **v = realloc(names, (n + 1) * sizeof *v);
        if (!v)
            break;
        names = v;
        if ((names[n] = strdup(e->d_name)))
            n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, by_str);
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < n; i++) {
        char *p = g_strdup_printf("%s/%s", dir, names[i]);
        struct stat st;
        if (stat(p, &st) == 0)
            g_string_append_printf(s, "%s\t%lld\n", names[i], (long long)st.st_size);
        g_free(p);
        free(names[i]);
    }
    free(names);
    char *out = strdup(s->str);
    g_string_free(s, TRUE);
    return out;
}

/* The stamp's environment hash of a document (kk_deps_env: its style
 * files, logo and fonts).  Matching its fonts with fontconfig is ~2 ms the
 * first time, so the first document of a process with a CPU to spare
 * computes it on a thread while it is typeset; later ones find the answers
 * in kk_deps's cache. */
typedef struct {
    kk_deps *deps;
    const char *list;    /* document_deps(); NULL: nothing to hash */
    char env[KK_HASH_HEX];
    bool ok;
    GThread *thread;
} env_job;

static gpointer env_run(gpointer data)
{
    env_job *e = data;
    e->ok = e->list && kk_deps_env(e->deps, e->list, e->env);
    return NULL;
}

static void env_start(env_job *e, kk_deps *deps, const char *list, bool threaded)
{
    e->deps = deps;
    e->list = list;
    e->thread = threaded ? g_thread_try_new("kokous-stamp", env_run, e, NULL) : NULL;
    if (!e->thread)
        env_run(e);
}

/* The hash into out ("" when there is none); the job is done with. */
static void env_finish(env_job *e, char out[KK_HASH_HEX])
{
    if (e->thread)
        g_thread_join(e->thread);
    e->thread = NULL;
    if (e->ok)
        memcpy(out, e->env, KK_HASH_HEX);
    else
        out[0] = '\0';
}

/* Fault injection for the tests (tests/groups/90-batch.sh): a worker
 * dies as a crash would, on the document whose path contains
 * KOKOUS_TEST_DIE_ON; the batch must report that one and build the rest.
 * Only in worker processes (-j2 and up): a single-process build would
 * take its own command down, as a real crash would. */
static void die_if_asked(const char *path)
{
    const char *on = getenv("KOKOUS_TEST_DIE_ON");
    if (on && *on && strstr(path, on) && current && current->forked)
        raise(SIGKILL);
}

static void worker_job(void *state, size_t j, kk_bytes *out)
{
    build *b = current;
    worker_state *w = state;
    const kk_input *in = &b->inputs[b->todo[j]];
    char *text = NULL;
    size_t tlen = 0;
    FILE *mem = open_memstream(&text, &tlen);
    kk_diag *d = mem ? kk_diag_new(KK_DIAG_TEXT, mem) : NULL;
    result r = { 0 };
    char *load_text = NULL, *id = NULL, *deps = NULL, *outputs = NULL, *stage = NULL;
    char yaml[KK_HASH_HEX] = "", env[KK_HASH_HEX] = "";
    kk_source *src = NULL;
    env_job envj = { 0 };
    if (!w || !w->r || !w->res || !w->deps || !d) {
        if (d)
            kk_sys_error(d, in->path, "out of memory, or no fonts: the typesetter did not start");
        r.load_worst = KK_FAIL_SYSTEM;
    } else {
        die_if_asked(in->path);
        src = kk_load_document(in->path, in->root, d);
        /* Only the first document of a process: after it the renderer's
         * own cache knows most words, and hyphenating every later document
         * again on the side cost a -j1 batch half again its CPU time. */
        if (src && b->prefetch && !b->prefetched) {
            start_prefetch(src);
            b->prefetched = true;
        }
        r.loaded = src && kk_resources_check_document(w->res, src, d);
    }
    kk_doc *doc = r.loaded ? kk_doc_new(src, d) : NULL;
    if (doc) {
        id = strdup(doc->id);
        xmlNodePtr root = xmlDocGetRootElement(kk_source_doc(src));
        xmlNodePtr at = kk_child(root, "id");
        kk_pos p = at ? kk_source_value_pos(src, at) : (kk_pos){ 1, 1 };
        r.id_line = p.line;
        r.id_col = p.col;
        const char *style_name = kk_child_text(root, "style");
        const kk_style *st = kk_resources_document_style(w->res, src, d);
        deps = st ? document_deps(in, doc, st, style_name ? style_name : "default") : NULL;
        warm_ready();
        kk_hash_file(in->path, yaml);
        env_start(&envj, w->deps, deps, b->prefetch && !b->env_threaded);
        b->env_threaded = true;
    }
    r.loaded = r.loaded && id;
    if (d) {
        fflush(mem);
        load_text = strndup(text ? text : "", tlen);
        r.load_worst = (uint32_t)kk_diag_worst(d);
    }
    size_t load_len = tlen;
    if (r.loaded) {
        stage = g_strdup_printf("%s/%zu", b->stage, j);
        size_t errors = kk_diag_error_count(d);
        if (mkdir(stage, 0755) != 0)
            kk_sys_error(d, b->opts.out_dir, "cannot write into the output folder: %s", strerror(errno));
        else {
            warm_ready();
            kk_renderer_set_out_dir(w->r, stage);
            r.rendered = kk_render_document(w->r, src, d) && kk_diag_error_count(d) == errors;
        }
        outputs = list_outputs(stage);
        fflush(mem);
        r.render_worst = (uint32_t)kk_diag_worst(d);
    }
    env_finish(&envj, env);
    kk_hyphenate_prefetch_stop();
    kk_doc_free(doc);
    kk_source_free(src);
    kk_diag_free(d);
    if (mem)
        fclose(mem);
    put_u32(out, r.loaded);
    put_u32(out, r.rendered);
    put_u32(out, r.load_worst);
    put_u32(out, r.render_worst);
    put_u32(out, r.id_line);
    put_u32(out, r.id_col);
    put_str(out, id);
    put_str(out, load_text);
    put_str(out, text && tlen > load_len ? text + load_len : "");
    put_str(out, deps);
    put_str(out, yaml);
    put_str(out, env);
    put_str(out, outputs);
    free(text);
    free(load_text);
    free(id);
    free(deps);
    free(outputs);
    g_free(stage);
}


/* ---- the parent's side: ids, files, stamp, in input order ---- */

/* NULL when `id` is new (and now claimed by `path`), else the earlier path. */
static const char *claim(build *b, const char *id, const char *path)
{
    size_t i = (size_t)kk_hash_bytes(id, strlen(id)) & (b->claim_cap - 1);
    for (; b->claimed[i]; i = (i + 1) & (b->claim_cap - 1))
        if (!strcmp(b->claimed[i], id))
            return b->claimed_by[i];
    b->claimed[i] = strdup(id);
    b->claimed_by[i] = strdup(path);
    return NULL;
}

static void set_worst(build *b, int w)
{
    if (w > b->worst)
        b->worst = w;
}

static void print_text(build *b, const char *text)
{
    if (!*text)
        return;
    kk_progress_clear(b->progress);
    fputs(text, stderr);
}

static bool report_duplicate(build *b, const char *path, const char *id, unsigned line, unsigned col)
{
    const char *earlier = claim(b, id, path);
    if (!earlier)
        return false;
    kk_progress_clear(b->progress);
    kk_idset_report(b->diag, path, line, col, id, earlier);
    set_worst(b, KK_FAIL_INPUT);
    return true;
}

static bool is_excerpt(const build *b, const char *name)
{
    if (!b->opts.excerpt_section)
        return false;
    char suffix[32];
    int n = snprintf(suffix, sizeof suffix, "-ote-%d.pdf", b->opts.excerpt_section);
    size_t l = strlen(name);
    return l > (size_t)n && !strcmp(name + l - (size_t)n, suffix);
}

/* Account for the up-to-date documents before input `upto`. */
static void pass_skipped(build *b, size_t upto)
{
    for (; b->next_input < upto; b->next_input++) {
        size_t i = b->next_input;
        if (!b->skip[i])
            continue;
        const kk_stamp_entry *e = kk_stamp_find(b->stamp, b->inputs[i].path);
        if (report_duplicate(b, b->inputs[i].path, e->id, e->id_line, e->id_col)) {
            b->failed++;
            kk_stamp_forget(b->stamp, b->inputs[i].path);
            b->stamp_dirty = true;
            continue;
        }
        b->skipped++;
        for (size_t k = 0; k < e->noutputs; k++)
            b->excerpts += is_excerpt(b, e->outputs[k].name);
    }
}

/* Move or delete the staged files of job j; the stamp entry of what moved. */
static bool commit_files(build *b, size_t j, const char *outputs, bool keep, kk_stamp_entry *e)
{
    char *stage = g_strdup_printf("%s/%zu", b->stage, j);
    bool ok = true;
    for (const char *p = outputs; *p;) {
        const char *tab = strchr(p, '\t'), *nl = strchr(p, '\n');
        if (!tab || !nl || tab > nl)
            break;
        char *name = g_strndup(p, (size_t)(tab - p));
        char *from = g_strdup_printf("%s/%s", stage, name);
        char *to = g_strdup_printf("%s/%s", b->opts.out_dir, name);
        if (keep && ok && rename(from, to) != 0) {
            kk_progress_clear(b->progress);
            kk_sys_error(b->diag, to, "cannot write: %s", strerror(errno));
            ok = false;
        }
        if (keep && ok) {
            kk_stamp_output *o = realloc(e->outputs, (e->noutputs + 1) * sizeof *o);
            if (o) {
                e->outputs = o;
                o[e->noutputs++] = (kk_stamp_output){ name, strtoll(tab + 1, NULL, 10) };
                name = NULL;
            }
        }
        unlink(from);
        g_free(name);
        g_free(from);
        g_free(to);
        p = nl + 1;
    }
    rmdir(stage);
    g_free(stage);
    return ok;
}

static void job_done(void *ctx, size_t j, const unsigned char *blob, size_t len)
{
    build *b = ctx;
    size_t i = b->todo[j];
    const char *path = b->inputs[i].path;
    pass_skipped(b, i);
    b->next_input = i + 1;
    result r;
    bool ok = false;
    if (!blob || !decode(blob, len, &r)) {
        kk_progress_clear(b->progress);
        kk_sys_error(b->diag, path, "kokous stopped while typesetting this document (an internal error: please "
                     "report it with this file); the other documents are not affected");
        set_worst(b, KK_FAIL_SYSTEM);
        commit_files(b, j, "", false, NULL);
    } else {
        print_text(b, r.load_text);
        set_worst(b, (int)r.load_worst);
        if (!r.loaded) {
            commit_files(b, j, r.outputs, false, NULL);
        } else if (report_duplicate(b, path, r.id, r.id_line, r.id_col)) {
            commit_files(b, j, r.outputs, false, NULL);
        } else {
            print_text(b, r.render_text);
            set_worst(b, (int)r.render_worst);
            kk_stamp_entry e = { .path = (char *)path, .id = (char *)r.id, .deps = (char *)r.deps,
                                 .id_line = r.id_line, .id_col = r.id_col };
            snprintf(e.yaml, sizeof e.yaml, "%s", r.yaml);
            snprintf(e.env, sizeof e.env, "%s", r.env);
            ok = r.rendered && commit_files(b, j, r.outputs, r.rendered, &e);
            if (!r.rendered)
                commit_files(b, j, r.outputs, false, NULL);
            if (ok && *e.yaml && *e.env)
                kk_stamp_put(b->stamp, &e);
            else
                kk_stamp_forget(b->stamp, path);
            for (size_t k = 0; k < e.noutputs; k++) {
                b->excerpts += is_excerpt(b, e.outputs[k].name);
                g_free(e.outputs[k].name);
            }
            free(e.outputs);
        }
    }
    if (!ok)
        kk_stamp_forget(b->stamp, path);
    b->stamp_dirty = true;
    b->built += ok;
    b->failed += !ok;
    kk_progress_step(b->progress, !ok);
}

/* ---- the command ---- */

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* "K/N" with 1 <= K <= N. */
static bool parse_shard(const char *s, unsigned *k, unsigned *n)
{
    char *end;
    unsigned long a = strtoul(s, &end, 10);
    if (end == s || *end != '/')
        return false;
    const char *q = end + 1;
    unsigned long c = strtoul(q, &end, 10);
    if (end == q || *end || a < 1 || c < 1 || a > c || c > 1000000)
        return false;
    *k = (unsigned)a;
    *n = (unsigned)c;
    return true;
}

/* Which shard a document belongs to: a hash of its path inside its input
 * folder, so every machine agrees wherever the folder is mounted, and a
 * document keeps its shard when others are added or removed. */
static unsigned shard_of(const kk_input *in, unsigned n)
{
    const char *rel = in->path;
    size_t rl = strlen(in->root);
    if (!strncmp(rel, in->root, rl) && (rel[rl] == '/' || (rl && in->root[rl - 1] == '/')))
        rel += rl + (rel[rl] == '/');
    return (unsigned)(kk_hash_bytes(rel, strlen(rel)) % n);
}

/* Everything that changes the bytes of every document: kokous itself (its
 * version, and the binary, so a rebuilt kokous rebuilds), and options. */
static void make_salt(build *b)
{
    struct stat st = { 0 };
    stat("/proc/self/exe", &st);
    const char *sde = getenv("SOURCE_DATE_EPOCH");
    snprintf(b->salt, sizeof b->salt, "kokous %s\nexe %lld %lld.%09ld\nexcerpt %d\npdfa %d\npublic %d\nSOURCE_DATE_EPOCH %s\n",
             KK_VERSION, (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
             b->opts.excerpt_section, b->opts.pdfa_part, !b->opts.skip_public, sde ? sde : "");
}

static bool up_to_date(const kk_stamp_entry *e, const kk_input *in, const char *out_dir, kk_deps *deps)
{
    char yaml[KK_HASH_HEX], env[KK_HASH_HEX];
    if (e)
        warm_ready();
    return e && kk_hash_file(in->path, yaml) && !strcmp(yaml, e->yaml) && kk_stamp_outputs_present(e, out_dir)
           && kk_deps_env(deps, e->deps, env) && !strcmp(env, e->env);
}

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "kokous build: %s '%s'; see 'kokous build --help'\n", msg, arg);
    return 2;
}

static void remove_stage(const char *stage)
{
    DIR *d = opendir(stage);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *p = g_strdup_printf("%s/%s", stage, e->d_name);
        DIR *sub = opendir(p);
        struct dirent *f;
        while (sub && (f = readdir(sub))) {
            char *q = g_strdup_printf("%s/%s", p, f->d_name);
            unlink(q);
            g_free(q);
        }
        if (sub)
            closedir(sub);
        rmdir(p);
        g_free(p);
    }
    if (d)
        closedir(d);
    rmdir(stage);
}

static void run(build *b, int jobs, bool force, const char *stamp_file, bool quiet)
{
    kk_deps *deps = kk_deps_new(b->opts.styles_dir, b->salt);
    b->skip = calloc(b->ninputs ? b->ninputs : 1, sizeof *b->skip);
    b->todo = calloc(b->ninputs ? b->ninputs : 1, sizeof *b->todo);
    b->claim_cap = 64;
    while (b->claim_cap < 2 * b->ninputs)
        b->claim_cap *= 2;
    b->claimed = calloc(b->claim_cap, sizeof *b->claimed);
    b->claimed_by = calloc(b->claim_cap, sizeof *b->claimed_by);
    b->stamp = kk_stamp_load(stamp_file);
    if (!deps || !b->skip || !b->todo || !b->claimed || !b->claimed_by || !b->stamp) {
        kk_sys_error(b->diag, NULL, "out of memory");
        kk_deps_free(deps);
        return;
    }
    for (size_t i = 0; i < b->ninputs; i++) {
        b->skip[i] = !force && up_to_date(kk_stamp_find(b->stamp, b->inputs[i].path), &b->inputs[i], b->opts.out_dir, deps);
        if (!b->skip[i])
            b->todo[b->ntodo++] = i;
    }
    kk_deps_free(deps);
    b->stage = g_strdup_printf("%s/.kokous-work-%ld", b->opts.out_dir, (long)getpid());
    if (b->ntodo && mkdir(b->stage, 0755) != 0) {
        kk_sys_error(b->diag, b->opts.out_dir, "cannot write into the output folder: %s", strerror(errno));
        g_free(b->stage);
        b->stage = NULL;
        return;
    }
    size_t running = (size_t)jobs < b->ntodo ? (size_t)jobs : b->ntodo;
    b->prefetch = running < (size_t)kk_batch_cpus();
    if (jobs > 1 && b->ntodo > 1) {
        warm_ready();
        FcInit();   /* before fork: the workers share one parsed font configuration */
    }
    b->forked = jobs > 1 && b->ntodo > 1;
    b->progress = kk_progress_new(stderr, b->ntodo, !quiet && isatty(STDERR_FILENO));
    current = b;
    kk_batch_ops ops = { .init = worker_init, .work = worker_job, .fini = worker_fini, .done = job_done,
                         .ctx = b, .recycle_growth = worker_growth() };
    if (b->ntodo && !kk_batch_run(b->ntodo, jobs, &ops)) {
        kk_progress_clear(b->progress);
        kk_sys_error(b->diag, NULL, "cannot start worker processes: %s", strerror(errno));
    }
    warm_ready();
    pass_skipped(b, b->ninputs);
    kk_progress_free(b->progress);
    b->progress = NULL;
    if (b->stage)
        remove_stage(b->stage);
    if (b->stamp_dirty)
        kk_stamp_save(b->stamp, stamp_file, b->diag);
    /* The parent's own fontconfig (stamp checks, the copy the workers
     * inherited) is released when no renderer ran in this process; one that
     * did keeps it, as a single-process build always has. */
    if (!b->ntodo || (jobs > 1 && b->ntodo > 1))
        FcFini();
}

int kk_cmd_build(int argc, char **argv)
{
    double start = seconds();
    build b = { 0 };
    bool quiet = false, force = false;
    int jobs = 0;
    unsigned shard_k = 0, shard_n = 0;
    char **paths = calloc((size_t)argc, sizeof *paths);
    int npaths = 0;
    if (!paths)
        return 3;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *jv = NULL;
        if (!strcmp(a, "-j") || !strcmp(a, "--jobs"))
            jv = i + 1 < argc ? argv[++i] : "";
        else if (!strncmp(a, "--jobs=", 7))
            jv = a + 7;
        else if (!strncmp(a, "-j", 2))
            jv = a + 2;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            kk_usage(stdout, "build");
            free(paths);
            return 0;
        } else if (jv) {
            char *end;
            long v = strtol(jv, &end, 10);
            if (!*jv || *end || v < 1 || v > 1024) {
                free(paths);
                return usage_error("-j needs a number of workers from 1 to 1024, not", jv);
            }
            jobs = (int)v;
        } else if (!strcmp(a, "--shard") && i + 1 < argc) {
            if (!parse_shard(argv[++i], &shard_k, &shard_n)) {
                free(paths);
                return usage_error("--shard needs K/N with 1 <= K <= N, not", argv[i]);
            }
        } else if ((!strcmp(a, "-o") || !strcmp(a, "--output")) && i + 1 < argc) {
            b.opts.out_dir = argv[++i];
        } else if (!strcmp(a, "--excerpt") && i + 1 < argc && atoi(argv[i + 1]) > 0) {
            b.opts.excerpt_section = atoi(argv[++i]);
        } else if (!strcmp(a, "--styles") && i + 1 < argc) {
            b.opts.styles_dir = argv[++i];
        } else if (!strcmp(a, "--pdfa") && i + 1 < argc && (!strcmp(argv[i + 1], "1b") || !strcmp(argv[i + 1], "2b"))) {
            b.opts.pdfa_part = argv[++i][0] - '0';
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            quiet = true;
        } else if (!strcmp(a, "--force")) {
            force = true;
        } else if (!strcmp(a, "--no-public")) {
            b.opts.skip_public = true;
        } else if (a[0] == '-' && a[1]) {
            free(paths);
            return usage_error("unknown or incomplete option", a);
        } else {
            paths[npaths++] = argv[i];
        }
    }
    if (!npaths || !b.opts.out_dir) {
        fprintf(stderr, "kokous build: give PATH... and -o DIR; see 'kokous build --help'\n");
        free(paths);
        return 2;
    }
    if (!jobs)
        jobs = kk_batch_cpus();
    warm_start();
    b.diag = kk_diag_new(KK_DIAG_TEXT, stderr);
    if (!b.diag || !kk_mkdirs(b.opts.out_dir, b.diag)) {
        warm_ready();
        int rc = b.diag ? kk_exit_code(b.diag) : 3;
        kk_diag_free(b.diag);
        free(paths);
        return rc ? rc : 3;
    }
    kk_collect_inputs(paths, npaths, &b.inputs, &b.ninputs, b.diag);
    size_t found = b.ninputs;
    if (shard_n) {
        size_t kept = 0;
        for (size_t i = 0; i < b.ninputs; i++) {
            if (shard_of(&b.inputs[i], shard_n) == shard_k - 1)
                b.inputs[kept++] = b.inputs[i];
            else {
                free(b.inputs[i].path);
                free(b.inputs[i].root);
            }
        }
        b.ninputs = kept;
    }
    make_salt(&b);
    char *stamp_file = shard_n ? g_strdup_printf("%s/.kokous-stamp-%u-of-%u", b.opts.out_dir, shard_k, shard_n)
                               : g_strdup_printf("%s/.kokous-stamp", b.opts.out_dir);
    run(&b, jobs, force, stamp_file, quiet);
    warm_ready();
    if (b.opts.excerpt_section && !b.excerpts && b.ninputs)
        kk_diag_report(b.diag, KK_WARNING, KK_FAIL_NONE, NULL, 0, 0, "no document has § %d: no excerpt written", b.opts.excerpt_section);
    if (!quiet) {
        char shard[64] = "";
        if (shard_n)
            snprintf(shard, sizeof shard, " (shard %u/%u of %zu)", shard_k, shard_n, found);
        printf("built %zu, skipped %zu, failed %zu of %zu document%s%s into %s in %.2f s%s\n", b.built, b.skipped,
               b.failed, b.ninputs, b.ninputs == 1 ? "" : "s", shard, b.opts.out_dir, seconds() - start,
               b.failed ? " (see the errors above)" : "");
    }
    set_worst(&b, kk_exit_code(b.diag));
    int rc = b.worst;
    if (rc == 0 && found == 0) {
        fprintf(stderr, "kokous build: no *.yaml or *.yml files found\n");
        rc = 1;
    }
    for (size_t i = 0; b.claimed && i < b.claim_cap; i++) {
        free(b.claimed[i]);
        free(b.claimed_by[i]);
    }
    free(b.claimed);
    free(b.claimed_by);
    g_free(stamp_file);
    g_free(b.stage);
    free(b.skip);
    free(b.todo);
    kk_stamp_free(b.stamp);
    kk_inputs_free(b.inputs, b.ninputs);
    kk_diag_free(b.diag);
    free(paths);
    return rc;
}
