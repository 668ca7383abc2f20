/*
 * batch.h — a pool of worker processes for a batch of independent jobs.
 *
 * Promise: kk_batch_run calls ops->work(state, i, out) once for every job
 * i in [0, n) — in `jobs` forked worker processes, or in this process when
 * jobs <= 1 or n <= 1 — and calls ops->done(ctx, i, result, len) in this
 * (the parent) process in increasing i, whatever order the workers finish
 * in, so what the parent prints is the same for every `jobs`.
 *
 * Each worker calls ops->init once before its first job and ops->fini after
 * its last: that is where a worker makes its renderer, so fontconfig and
 * Pango start once per worker, not once per job (replacement workers start
 * from a state the spawner has warmed: see ops->warm).  Workers take the next
 * job when they finish one (a long document does not hold up the others).
 *
 * A worker that dies (crash, abort, OOM kill) costs only the job it was
 * running: done() gets result NULL for that job and a new worker takes the
 * remaining ones.  A result is a byte blob the worker builds in a kk_bytes
 * and that crosses a pipe: it holds no pointers.  The blob passed to done()
 * is borrowed for the call.
 *
 * Processes rather than threads: GLib, fontconfig and Cairo keep global
 * caches behind locks, a crash in one document must not take the batch
 * down, and memory that a long run fragments is given back when the worker
 * exits.  Call kk_batch_run before this process starts threads.
 */
#ifndef KK_BATCH_H
#define KK_BATCH_H

#include <stdbool.h>
#include <stddef.h>

/* A growable byte buffer; zero-initialise, free with kk_bytes_free. */
typedef struct kk_bytes { unsigned char *data; size_t len, cap; } kk_bytes;

bool kk_bytes_put(kk_bytes *b, const void *data, size_t len);   /* false on OOM */
void kk_bytes_free(kk_bytes *b);

typedef struct kk_batch_ops {
    /* Per-worker state (or NULL, which is also fine for work()). */
    void *(*init)(void *ctx);
    /* Do job i, append its result to `out`. */
    void (*work)(void *state, size_t i, kk_bytes *out);
    void (*fini)(void *state);
    /* Optional, in the spawner, once, when a first worker is to be
     * replaced: makes a state from init() ready for work (fonts open,
     * caches filled) without doing any job; every replacement the spawner
     * forks starts from it.  The first workers, and any worker forked by
     * the parent (no spawner), start cold. */
    void (*warm)(void *state);
    /* In the parent, in increasing i.  `res` NULL: the worker died on i. */
    void (*done)(void *ctx, size_t i, const unsigned char *res, size_t len);
    void *ctx;
    /* A worker whose resident memory has grown by more than this many
     * bytes since its first job exits after the job, and a fresh one takes
     * over (0 = never): bounds what a long run can leak or fragment.
     * Workers are forked by a spawner process forked when the batch
     * starts, so a fresh worker starts as small as the first one did, not
     * with the parent's bookkeeping of every document so far. */
    size_t recycle_growth;
} kk_batch_ops;

/* False only when the pool itself fails (fork or pipe impossible even for
 * one worker): then the jobs not yet done were not done, and done() was
 * not called for them. */
bool kk_batch_run(size_t n, int jobs, const kk_batch_ops *ops);

/* The number of CPUs this process may run on (at least 1). */
int kk_batch_cpus(void);

#endif
