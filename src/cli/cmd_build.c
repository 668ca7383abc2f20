/*
 * cmd_build.c — `kokous build PATH... -o DIR [-j N] [--force] [--shard K/N] [--no-public]`.
 *
 * The parent expands the inputs, keeps this shard's share, drops the
 * documents the stamp says are up to date, and hands the rest to the pool
 * (render/batch.h).  A job (build_worker.c) loads, validates and typesets
 * one document into the staging folder DIR/.kokous-work-PID, its files
 * named "J." + name (J: the job's number), and sends
 * back its diagnostics as text, its id and its file list.  The parent, in input
 * order, prints the diagnostics, refuses a second document with an id
 * already taken (the batch-wide check cannot run in a worker), and renames
 * the files into DIR.  So the output and the messages are the same for
 * every -j, and a document that fails or crashes leaves nothing behind.
 */
#define _GNU_SOURCE
#include "cli/build_int.h"
#include "cli/cli.h"
#include "model/ids.h"
#include "util/text.h"
#include "util/fs.h"

#include <dirent.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef KK_VERSION
#define KK_VERSION "0.0.0"
#endif


/* ---- the result of one job, as it crosses the pipe ---- */

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

bool kk_build_decode(const unsigned char *p, size_t len, result *r)
{
    const unsigned char *end = p + len;
    return get_u32(&p, end, &r->loaded) && get_u32(&p, end, &r->rendered) && get_u32(&p, end, &r->load_worst)
           && get_u32(&p, end, &r->render_worst) && get_u32(&p, end, &r->id_line) && get_u32(&p, end, &r->id_col)
           && get_str(&p, end, &r->id) && get_str(&p, end, &r->load_text) && get_str(&p, end, &r->render_text)
           && get_str(&p, end, &r->deps) && get_str(&p, end, &r->yaml) && get_str(&p, end, &r->env)
           && get_str(&p, end, &r->outputs);
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

char *kk_build_stage_prefix(size_t j)
{
    return g_strdup_printf("%zu.", j);
}

/* Move or delete the staged files of job j; the stamp entry of what moved. */
static bool commit_files(build *b, size_t j, const char *outputs, bool keep, kk_stamp_entry *e)
{
    char *prefix = kk_build_stage_prefix(j);
    bool ok = true;
    for (const char *p = outputs; *p;) {
        const char *tab = strchr(p, '\t'), *nl = strchr(p, '\n');
        if (!tab || !nl || tab > nl)
            break;
        char *name = g_strndup(p, (size_t)(tab - p));
        char *from = g_strdup_printf("%s/%s%s", b->stage, prefix, name);
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
        if (!keep || !ok)
            unlink(from);
        g_free(name);
        g_free(from);
        g_free(to);
        p = nl + 1;
    }
    g_free(prefix);
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
    if (!blob || !kk_build_decode(blob, len, &r)) {
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
        kk_build_warm_ready();
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
        if (sub) {
            closedir(sub);
            rmdir(p);
        } else {
            unlink(p);   /* a job's staged file */
        }
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
        kk_build_warm_ready();
        FcInit();   /* before fork: the workers share one parsed font configuration */
    }
    b->forked = jobs > 1 && b->ntodo > 1;
    b->progress = kk_progress_new(stderr, b->ntodo, !quiet && isatty(STDERR_FILENO));
    kk_batch_ops ops = kk_build_worker_ops(b);
    ops.done = job_done;
    if (b->ntodo && !kk_batch_run(b->ntodo, jobs, &ops)) {
        kk_progress_clear(b->progress);
        kk_sys_error(b->diag, NULL, "cannot start worker processes: %s", strerror(errno));
    }
    kk_build_warm_ready();
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
    kk_build_warm_start();
    b.diag = kk_diag_new(KK_DIAG_TEXT, stderr);
    if (!b.diag || !kk_mkdirs(b.opts.out_dir, b.diag)) {
        kk_build_warm_ready();
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
    kk_build_warm_ready();
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
