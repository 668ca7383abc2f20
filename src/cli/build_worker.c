/*
 * build_worker.c — the workers' half of `kokous build` (build_int.h): a
 * job loads, validates and typesets one document into the staging folder
 * DIR/.kokous-work-PID (its files named "J." + name) and sends back its
 * diagnostics as text,
 * its id, its stamp facts and its file list, in a blob the parent reads
 * with kk_build_decode.  Also the start-up work done beside the first
 * document: fontconfig, hyphenating its words ahead, hashing its stamp
 * environment.
 */
#define _GNU_SOURCE
#include "cli/build_int.h"
#include "util/fs.h"
#include "util/text.h"
#include "layout/hyphenate.h"
#include "util/embedded.h"
#include "model/document.h"
#include "model/resources.h"
#include "util/xml.h"
#include "validate/validate.h"

#include <dirent.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <glib.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The result blob, field by field as kk_build_decode reads them. */
static void put_u32(kk_bytes *b, uint32_t v) { kk_bytes_put(b, &v, sizeof v); }

static void put_str(kk_bytes *b, const char *s)
{
    s = s ? s : "";
    put_u32(b, (uint32_t)strlen(s));
    kk_bytes_put(b, s, strlen(s) + 1);
}

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
 * one compiles the document XSD and loads the document; kk_build_warm_ready() waits
 * for it before anything else touches fontconfig, and before fork(). */
static GThread *warm_thread;

static gpointer warm_up(gpointer unused)
{
    (void)unused;
    FcInit();
    return NULL;
}

void kk_build_warm_start(void)
{
    warm_thread = g_thread_try_new("kokous-warm-up", warm_up, NULL, NULL);
}

void kk_build_warm_ready(void)
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

/* The files a job wrote into the staging folder (their names begin with
 * its prefix), "name\tsize\n" with the prefix taken off, sorted.  Caller
 * frees. */
static char *list_outputs(const char *dir, const char *prefix)
{
    size_t plen = strlen(prefix);
    DIR *d = opendir(dir);
    if (!d)
        return strdup("");
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || strncmp(e->d_name, prefix, plen) != 0)
            continue;
        char **v = realloc(names, (n + 1) * sizeof *v);
        if (!v)
            break;
        names = v;
        if ((names[n] = strdup(e->d_name + plen)))
            n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, by_str);
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < n; i++) {
        char *p = g_strdup_printf("%s/%s%s", dir, prefix, names[i]);
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
    char *load_text = NULL, *id = NULL, *deps = NULL, *outputs = NULL, *prefix = NULL;
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
        kk_build_warm_ready();
        size_t yaml_len;
        const char *yaml_text = kk_source_text(src, &yaml_len);
        kk_sha256_hex(yaml_text, yaml_len, yaml);
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
        /* every job's files in the one staging folder, named "J." + name:
         * a folder per job cost two directory operations a document */
        prefix = kk_build_stage_prefix(j);
        size_t errors = kk_diag_error_count(d);
        kk_build_warm_ready();
        kk_renderer_set_output(w->r, b->stage, prefix);
        r.rendered = kk_render_document(w->r, src, d) && kk_diag_error_count(d) == errors;
        outputs = list_outputs(b->stage, prefix);
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
    g_free(prefix);
}

#define KK_WARM_DOCUMENTS 8

/* In the spawner (batch.h): the batch's first KK_WARM_DOCUMENTS typeset
 * once into a folder of the staging area that nobody reads (the parent
 * removes the whole area when the batch ends), their messages dropped.
 * Every replacement worker then starts with its fonts open, Voikko
 * loaded, the schema compiled and the caches holding those documents'
 * words and texts, most of a batch's vocabulary: a replacement that had to
 * hyphenate and shape its words anew would grow to the limit again soon.
 * The workers that get these documents build them again, for real; what
 * the caches hold changes no byte of any output (the tests that turn them
 * off). */
static void worker_warm(void *state)
{
    build *b = current;
    worker_state *w = state;
    FILE *sink = fopen("/dev/null", "w");
    kk_diag *d = sink ? kk_diag_new(KK_DIAG_TEXT, sink) : NULL;
    char *stage = g_strdup_printf("%s/warm-up", b->stage);
    size_t n = w->r && w->res && d && mkdir(stage, 0755) == 0 ? b->ntodo : 0;
    for (size_t j = 0; j < n && j < KK_WARM_DOCUMENTS; j++) {
        const kk_input *in = &b->inputs[b->todo[j]];
        kk_source *src = kk_load_document(in->path, in->root, d);
        if (src && kk_resources_check_document(w->res, src, d)) {
            kk_renderer_set_output(w->r, stage, NULL);
            kk_render_document(w->r, src, d);
        }
        kk_source_free(src);
    }
    g_free(stage);
    kk_diag_free(d);
    if (sink)
        fclose(sink);
}

kk_batch_ops kk_build_worker_ops(build *b)
{
    current = b;
    return (kk_batch_ops){ .init = worker_init, .work = worker_job, .fini = worker_fini, .warm = worker_warm,
                           .ctx = b, .recycle_growth = worker_growth() };
}

