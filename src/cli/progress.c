/* progress.c — see progress.h. */
#define _POSIX_C_SOURCE 200809L
#include "cli/progress.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

struct kk_progress {
    FILE *out;
    size_t total, done, failed;
    bool enabled, shown;
    double start, last_draw;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

kk_progress *kk_progress_new(FILE *out, size_t total, bool enabled)
{
    kk_progress *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->out = out;
    p->total = total;
    p->enabled = enabled && total > 0;
    p->start = now();
    p->last_draw = -1;
    return p;
}

double kk_progress_seconds(const kk_progress *p)
{
    return p ? now() - p->start : 0;
}

static void draw(kk_progress *p)
{
    double t = now(), el = t - p->start;
    if (p->shown && p->done < p->total && t - p->last_draw < 0.1)
        return;
    p->last_draw = t;
    enum { WIDTH = 20 };
    char bar[WIDTH + 1];
    size_t fill = p->total ? p->done * WIDTH / p->total : WIDTH;
    for (size_t i = 0; i < WIDTH; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[WIDTH] = '\0';
    double rate = el > 0 ? (double)p->done / el : 0;
    char eta[32] = "-:--";
    if (rate > 0) {
        long s = (long)((double)(p->total - p->done) / rate + 0.5);
        snprintf(eta, sizeof eta, "%ld:%02ld", s / 60, s % 60);
    }
    char failed[48] = "";
    if (p->failed)
        snprintf(failed, sizeof failed, "  %zu failed", p->failed);
    /* \r and erase-to-end: the line shrinks cleanly when numbers get shorter */
    fprintf(p->out, "\r[%s] %zu/%zu  %.1f docs/s  ETA %s%s\033[K", bar, p->done, p->total, rate, eta, failed);
    fflush(p->out);
    p->shown = true;
}

void kk_progress_step(kk_progress *p, bool failed)
{
    if (!p)
        return;
    p->done++;
    p->failed += failed;
    if (p->enabled)
        draw(p);
}

void kk_progress_clear(kk_progress *p)
{
    if (!p || !p->enabled || !p->shown)
        return;
    fputs("\r\033[K", p->out);
    fflush(p->out);
    p->shown = false;
}

void kk_progress_free(kk_progress *p)
{
    kk_progress_clear(p);
    free(p);
}
