/* diag.c — see diag.h. */
#define _POSIX_C_SOURCE 200809L
#include "util/diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct kk_diag {
    kk_diag_mode mode;
    FILE *out;
    bool quiet;
    size_t errors;
    kk_failure worst;
    kk_diagnostic *items;
    size_t n, cap;
};

static const char *severity_name(kk_severity s)
{
    switch (s) {
    case KK_ERROR: return "error";
    case KK_WARNING: return "warning";
    default: return "note";
    }
}

kk_diag *kk_diag_new(kk_diag_mode mode, FILE *out)
{
    kk_diag *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->mode = mode;
    d->out = out ? out : stderr;
    return d;
}

void kk_diag_free(kk_diag *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n; i++) {
        free(d->items[i].file);
        free(d->items[i].message);
    }
    free(d->items);
    free(d);
}

static void print_text(FILE *out, const kk_diagnostic *g)
{
    if (g->file && g->line)
        fprintf(out, "%s:%u:%u: %s: %s\n", g->file, g->line, g->col,
                severity_name(g->severity), g->message);
    else if (g->file)
        fprintf(out, "%s: %s: %s\n", g->file, severity_name(g->severity), g->message);
    else
        fprintf(out, "kokous: %s: %s\n", severity_name(g->severity), g->message);
}

void kk_diag_report(kk_diag *d, kk_severity sev, kk_failure failure,
                    const char *file, unsigned line, unsigned col,
                    const char *fmt, ...)
{
    char *msg = NULL;
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (len >= 0 && (msg = malloc((size_t)len + 1))) {
        va_start(ap, fmt);
        vsnprintf(msg, (size_t)len + 1, fmt, ap);
        va_end(ap);
    }
    kk_diagnostic g = {
        .file = file ? strdup(file) : NULL, .line = line, .col = line ? col : 0,
        .severity = sev, .failure = sev == KK_ERROR ? failure : KK_FAIL_NONE,
        .message = msg ? msg : strdup("(out of memory while formatting a message)"),
    };
    if (sev == KK_ERROR) {
        d->errors++;
        if (failure > d->worst)
            d->worst = failure;
    }
    if (d->mode == KK_DIAG_TEXT) {
        if (!d->quiet)
            print_text(d->out, &g);
        free(g.file);
        free(g.message);
        return;
    }
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 16;
        kk_diagnostic *items = realloc(d->items, cap * sizeof *items);
        if (!items) {
            free(g.file);
            free(g.message);
            return;
        }
        d->items = items;
        d->cap = cap;
    }
    d->items[d->n++] = g;
}

size_t kk_diag_error_count(const kk_diag *d) { return d->errors; }
kk_failure kk_diag_worst(const kk_diag *d) { return d->worst; }
size_t kk_diag_count(const kk_diag *d) { return d->n; }
const kk_diagnostic *kk_diag_get(const kk_diag *d, size_t i) { return i < d->n ? &d->items[i] : NULL; }
void kk_diag_set_quiet(kk_diag *d, bool quiet) { d->quiet = quiet; }
