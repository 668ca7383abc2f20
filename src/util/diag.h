/*
 * diag.h — the one error-reporting path of kokous.
 *
 * Every stage reports problems to a kk_diag sink and signals failure through
 * its return value (false or NULL).  A diagnostic carries the file, the YAML
 * line and column it points at (0 when there is no position, e.g. an I/O
 * error), a severity and a message written for a meeting secretary: what is
 * wrong and how to fix it.  The sink prints them GCC-style
 *     file:line:col: error: message
 * or collects them for `--format json`.
 */
#ifndef KK_DIAG_H
#define KK_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum { KK_ERROR, KK_WARNING, KK_NOTE } kk_severity;

/* Kinds of failure, mapped to the process exit code by the CLI. */
typedef enum {
    KK_FAIL_NONE = 0,
    KK_FAIL_INPUT = 1,    /* the document (or style) is invalid */
    KK_FAIL_USAGE = 2,    /* the command line is wrong */
    KK_FAIL_SYSTEM = 3    /* I/O or internal error */
} kk_failure;

typedef struct kk_diagnostic {
    char *file;           /* owned */
    unsigned line, col;   /* 1-based; 0 = no position */
    kk_severity severity;
    kk_failure failure;   /* what kind of failure an error is */
    char *message;        /* owned, no trailing newline */
} kk_diagnostic;

typedef enum { KK_DIAG_TEXT, KK_DIAG_JSON, KK_DIAG_COLLECT } kk_diag_mode;

typedef struct kk_diag kk_diag;   /* opaque */

/* A new sink.  TEXT prints each diagnostic to `out` at once; JSON and
 * COLLECT keep them (kk_diag_get) until kk_diag_free.  Caller owns it. */
kk_diag *kk_diag_new(kk_diag_mode mode, FILE *out);
void kk_diag_free(kk_diag *d);

/* Report.  `file` may be NULL.  The format is printf-style. */
void kk_diag_report(kk_diag *d, kk_severity sev, kk_failure failure,
                    const char *file, unsigned line, unsigned col,
                    const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* Shorthands for the common cases. */
#define kk_error(d, file, line, col, ...) \
    kk_diag_report((d), KK_ERROR, KK_FAIL_INPUT, (file), (line), (col), __VA_ARGS__)
#define kk_sys_error(d, file, ...) \
    kk_diag_report((d), KK_ERROR, KK_FAIL_SYSTEM, (file), 0, 0, __VA_ARGS__)

/* Number of errors reported so far, and the worst failure kind. */
size_t kk_diag_error_count(const kk_diag *d);
kk_failure kk_diag_worst(const kk_diag *d);

/* Collected diagnostics (JSON/COLLECT modes); pointer valid until free. */
size_t kk_diag_count(const kk_diag *d);
const kk_diagnostic *kk_diag_get(const kk_diag *d, size_t i);

/* Suppress printing (--quiet); errors are still counted. */
void kk_diag_set_quiet(kk_diag *d, bool quiet);

#endif
