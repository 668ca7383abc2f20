/*
 * progress.h — the one-line progress bar of a batch, on stderr.
 *
 * Promise: when enabled (stderr is a terminal and not --quiet) the line
 *     [#######.............] 120/1000  85.3 docs/s  ETA 0:11  2 failed
 * is redrawn in place (at most ten times a second, and at the end of each
 * step when the count changes), and removed again by kk_progress_clear
 * (before anything else is printed to the terminal) and kk_progress_free.
 * When disabled every call does nothing, so pipes and logs never see it.
 */
#ifndef KK_PROGRESS_H
#define KK_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct kk_progress kk_progress;

/* Caller frees.  NULL on allocation failure (callers treat it as disabled). */
kk_progress *kk_progress_new(FILE *out, size_t total, bool enabled);
void kk_progress_free(kk_progress *p);

/* One more document done (failed or not); redraws. */
void kk_progress_step(kk_progress *p, bool failed);

/* Remove the line so other output starts on a clean line; the next step
 * draws it again. */
void kk_progress_clear(kk_progress *p);

/* Seconds since kk_progress_new (monotonic; for the summary). */
double kk_progress_seconds(const kk_progress *p);

#endif
