/*
 * diag_stub.c — STUB of src/util/diag.c for the layout unit tests only,
 * until the lead's real implementation exists.  Prints every diagnostic to
 * the sink's stream GCC-style and counts errors; keeps nothing.
 */
#include "util/diag.h"
#include <stdarg.h>
#include <stdlib.h>

struct kk_diag {
    FILE *out;
    size_t errors;
    kk_failure worst;
    bool quiet;
};

kk_diag *kk_diag_new(kk_diag_mode mode, FILE *out)
{
    (void)mode;
    kk_diag *d = calloc(1, sizeof *d);
    if (d)
        d->out = out ? out : stderr;
    return d;
}

void kk_diag_free(kk_diag *d) { free(d); }

void kk_diag_report(kk_diag *d, kk_severity sev, kk_failure failure, const char *file,
                    unsigned line, unsigned col, const char *fmt, ...)
{
    if (sev == KK_ERROR) {
        d->errors++;
        if (failure > d->worst)
            d->worst = failure;
    }
    if (d->quiet)
        return;
    fprintf(d->out, "%s:%u:%u: %s: ", file ? file : "kokous", line, col,
            sev == KK_ERROR ? "error" : sev == KK_WARNING ? "warning" : "note");
    va_list ap;
    va_start(ap, fmt);
    vfprintf(d->out, fmt, ap);
    va_end(ap);
    fputc('\n', d->out);
}

size_t kk_diag_error_count(const kk_diag *d) { return d->errors; }
kk_failure kk_diag_worst(const kk_diag *d) { return d->worst; }
size_t kk_diag_count(const kk_diag *d) { (void)d; return 0; }
const kk_diagnostic *kk_diag_get(const kk_diag *d, size_t i) { (void)d; (void)i; return NULL; }
void kk_diag_set_quiet(kk_diag *d, bool quiet) { d->quiet = quiet; }
