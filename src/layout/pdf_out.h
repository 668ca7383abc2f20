/*
 * pdf_out.h — internal to the layout stage: a PDF file written object by
 * object into memory, for the page writer (canvas_pdf.c) and the fonts it
 * embeds (pdf_font.c).
 *
 * Promise: objects are numbered by kk_pdf_out_reserve (1, 2, ...) and may
 * be written in any order, each exactly once; kk_pdf_out_finish writes the
 * classic cross-reference table and trailer.  A reserved number never
 * written becomes a free entry.  Streams are written as given (the
 * finishing stage compresses every plain stream once).  Same calls give
 * the same bytes.
 *
 * Errors: out of memory is sticky (kk_pdf_out_failed) and makes
 * kk_pdf_out_finish return NULL; no call reports on its own.
 */
#ifndef KK_PDF_OUT_H
#define KK_PDF_OUT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct kk_pdf_out kk_pdf_out;

/* Caller frees with kk_pdf_out_free. */
kk_pdf_out *kk_pdf_out_new(void);
void kk_pdf_out_free(kk_pdf_out *w);

/* A new object number. */
long kk_pdf_out_reserve(kk_pdf_out *w);
/* "num 0 obj" ... "endobj" around what is written in between. */
void kk_pdf_out_begin(kk_pdf_out *w, long num);
void kk_pdf_out_end(kk_pdf_out *w);
void kk_pdf_out_printf(kk_pdf_out *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A whole object holding data[0..len) (a dictionary, an array ...). */
void kk_pdf_out_object(kk_pdf_out *w, long num, const char *data, size_t len);
/* A whole stream object: "<< dict /Length len >> stream ... endstream";
 * dict holds the other entries ("/Length1 1234", "" for none). */
void kk_pdf_out_stream(kk_pdf_out *w, long num, const char *dict, const void *data, size_t len);

bool kk_pdf_out_failed(const kk_pdf_out *w);

/* Cross-reference table and trailer (/Root root, /Info info when > 0);
 * the file in a new buffer (caller frees), NULL when memory ran out.
 * w can only be freed afterwards. */
unsigned char *kk_pdf_out_finish(kk_pdf_out *w, long root, long info, size_t *len);

#endif
