/*
 * build_int.h — shared by the two halves of `kokous build`: the parent's
 * (cmd_build.c: inputs, shards, stamp, ids and files, in input order) and
 * the workers' (build_worker.c: one document a job, in a worker process or
 * in this one; render/batch.h runs them).
 */
#ifndef KK_BUILD_INT_H
#define KK_BUILD_INT_H

#include "cli/progress.h"
#include "load/inputs.h"
#include "render/batch.h"
#include "render/render.h"
#include "render/stamp.h"
#include "util/diag.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The result of one job, as it crosses the pipe: the strings point into
 * the blob (kk_build_decode). */
typedef struct result {
    uint32_t loaded, rendered, load_worst, render_worst, id_line, id_col;
    const char *id, *load_text, *render_text, *deps, *yaml, *env, *outputs;
} result;

/* Reads a worker's result blob; false for a truncated one. */
bool kk_build_decode(const unsigned char *p, size_t len, result *r);

typedef struct build {
    kk_render_opts opts;
    kk_input *inputs;
    size_t ninputs;
    size_t *todo;            /* input indexes to build, in order */
    size_t ntodo;
    bool *skip;              /* per input: up to date */
    char *stage;             /* DIR/.kokous-work-PID: every job's files, named
                              * kk_build_stage_prefix(j) + name */
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

/* "J.": what job j's staged files are named with (cmd_build.c).  Caller
 * frees (g_free). */
char *kk_build_stage_prefix(size_t j);

/* The pool's calls for `b` (init, work, fini, ctx, recycle growth); the
 * caller adds done.  Jobs read b's inputs, todo list, stage and options. */
kk_batch_ops kk_build_worker_ops(build *b);

/* fontconfig's set-up on a thread while the document XSD compiles and the
 * first document loads (build_worker.c); ready waits for it, and must come
 * before anything else touches fontconfig, and before fork(). */
void kk_build_warm_start(void);
void kk_build_warm_ready(void);

#endif
