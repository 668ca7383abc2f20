/*
 * diag_stub.c — TEST STUB of src/util/diag.h, only so that unit tests of
 * single stages can link before the real src/util/diag.c exists.  It keeps
 * every diagnostic (any mode), prints in TEXT mode, and nothing more: no
 * JSON output.  Do not link it into kokous; the lead provides diag.c.
 */
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

kk_diag *kk_diag_new(kk_diag_mode mode, FILE *out)
{
    kk_diag *d = calloc(1, sizeof *d);
    if (d) {
        d->mode = mode;
        d->out = out;
    }
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

static char *dup_or_null(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

void kk_diag_report(kk_diag *d, kk_severity sev, kk_failure failure,
                    const char *file, unsigned line, unsigned col,
                    const char *fmt, ...)
{
    if (!d)
        return;
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = malloc(len > 0 ? (size_t)len + 1 : 1);
    if (!msg)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, len > 0 ? (size_t)len + 1 : 1, fmt, ap);
    va_end(ap);

    if (sev == KK_ERROR) {
        d->errors++;
        if (failure > d->worst)
            d->worst = failure;
    }
    static const char *const names[] = {"error", "warning", "note"};
    if (d->mode == KK_DIAG_TEXT && d->out && !d->quiet)
        fprintf(d->out, "%s:%u:%u: %s: %s\n", file ? file : "kokous", line,
                col, names[sev], msg);

    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 8;
        kk_diagnostic *p = realloc(d->items, cap * sizeof *p);
        if (!p) {
            free(msg);
            return;
        }
        d->items = p;
        d->cap = cap;
    }
    d->items[d->n++] = (kk_diagnostic){dup_or_null(file), line, col, sev,
                                       failure, msg};
}

size_t kk_diag_error_count(const kk_diag *d) { return d ? d->errors : 0; }
kk_failure kk_diag_worst(const kk_diag *d) { return d ? d->worst : KK_FAIL_NONE; }
size_t kk_diag_count(const kk_diag *d) { return d ? d->n : 0; }

const kk_diagnostic *kk_diag_get(const kk_diag *d, size_t i)
{
    return d && i < d->n ? &d->items[i] : NULL;
}

void kk_diag_set_quiet(kk_diag *d, bool quiet)
{
    if (d)
        d->quiet = quiet;
}
