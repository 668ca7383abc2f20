/*
 * render.h — stage 5: a validated document becomes its output files.
 *
 * Promise: for a meeting document or notice, kk_render_document writes
 *   DIR/<id>.xml          canonical XML
 *   DIR/<id>.pdf          official PDF (tagged, finished: /Lang, XMP, /ID)
 *   DIR/<id>.public.pdf   public web version (KuntaL 140 §)
 *   DIR/<id>-ote-N.pdf    excerpt of § N, when asked
 * each complete or not at all (temporary file + rename).  Dates in the
 * files come from SOURCE_DATE_EPOCH when set, else from the document, never
 * from the clock: the same input gives byte-identical files.
 */
#ifndef KK_RENDER_H
#define KK_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include "load/load.h"
#include "util/diag.h"

typedef struct kk_renderer kk_renderer;   /* one per process or thread */

typedef struct kk_render_opts {
    const char *out_dir;
    int excerpt_section;      /* 0 = none */
    int pdfa_part;            /* 0 plain, 1 PDF/A-1b, 2 PDF/A-2b */
    const char *styles_dir;   /* --styles, may be NULL */
    bool skip_public;         /* no <id>.public.pdf (the archive keeps only the official version) */
} kk_render_opts;

/* Caller frees.  NULL on allocation failure. */
kk_renderer *kk_renderer_new(const kk_render_opts *opts);
void kk_renderer_free(kk_renderer *r);

/* How many excerpts were written so far (--excerpt in a batch: only the
 * documents that have § N get one). */
size_t kk_renderer_excerpts(const kk_renderer *r);

/* Send the next documents' files to `dir` instead of opts.out_dir, each
 * name starting with `prefix` (NULL: none): a batch worker's staging folder
 * and its job's number.  Borrowed: both must outlive their use. */
void kk_renderer_set_output(kk_renderer *r, const char *dir, const char *prefix);

/* Write the files of one validated document.  False after reporting. */
bool kk_render_document(kk_renderer *r, const kk_source *src, kk_diag *diag);

#endif
