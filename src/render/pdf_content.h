/*
 * pdf_content.h — page content streams: marking unmarked content as artifacts.
 *
 * Cairo 1.16 cannot write /Artifact marked content (see layout/layout.h), so
 * when it draws a document (the fallback for fonts the PDF canvas cannot
 * embed) running headers, rules, table borders and repeated table headers
 * reach the finishing stage as content outside any marked-content sequence.  PDF/UA
 * wants every painted mark to be either real content (inside BDC with an
 * MCID) or an artifact.
 *
 * Promise: kk_pdf_mark_artifacts returns the content stream with every
 * painting operator (text showing, path painting other than `n`, Do, sh,
 * inline images) that is neither structure content nor an artifact
 * enclosed in "/Artifact BMC ... EMC".  Structure content is content inside
 * a BDC whose properties have an /MCID, or name a property list in the
 * resources (assumed to have one) with a tag other than /OC; other marked
 * content (optional content, /Span BMC) does not count.  Only whitespace-separated operators are inserted;
 * every original byte is kept, in order.  The inserted sequences:
 *  - open only outside structure content and artifacts, at an operator
 *    boundary that is not inside a path object (before its first operator);
 *  - nest properly with q/Q and BT/ET: a sequence opened inside a q or a
 *    text object is closed before the Q/ET that ends it, and a q/Q or BT/ET
 *    block that contains marked content is never entered with one open;
 *  - close before any BMC/BDC/EMC and at the end of the stream.
 * The result depends only on the input bytes.
 *
 * Not promised: correct nesting for content that is itself malformed
 * (unbalanced q/Q, marked content straddling q/Q); the output is then still
 * balanced in its own BMC/EMC pairs.  Content inside Form XObjects is not
 * looked at: a Do is an artifact or not as a whole (see keep_do).
 */
#ifndef KK_PDF_CONTENT_H
#define KK_PDF_CONTENT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct kk_pdf_content_stats {
    size_t operators;  /* operators seen (an inline image counts as one) */
    size_t painting;   /* painting operators outside marked content */
    size_t artifacts;  /* /Artifact sequences inserted */
} kk_pdf_content_stats;

/* Asked for each `Do` outside marked content with the XObject's resource
 * name (without the slash, not NUL-terminated); true = leave it unmarked
 * (e.g. a Form XObject carrying its own marked content).  May be NULL. */
typedef bool (*kk_pdf_keep_do_fn)(const char *name, size_t len, void *user);

/* Rewrites the content stream in[0..len).  Returns a malloc'd buffer the
 * caller frees, with its length in *out_len, or NULL when out of memory.
 * *changed (may be NULL) tells whether anything was inserted; when not,
 * the result equals the input.  stats may be NULL. */
unsigned char *kk_pdf_mark_artifacts(const unsigned char *in, size_t len,
                                     kk_pdf_keep_do_fn keep_do, void *user,
                                     size_t *out_len, bool *changed,
                                     kk_pdf_content_stats *stats);

#endif
