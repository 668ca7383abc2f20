/*
 * pdf_object.h — internal to the render stage: a PDF as the layout stage
 * writes it (its PDF canvas, or Cairo), read and rewritten object by object, so that finishing it (pdf_finish.c)
 * costs a parse of the small dictionaries and a write, not a round trip
 * through a general PDF library.
 *
 * Promise: kk_pdf_read accepts a PDF with one classic cross-reference
 * table and no object streams (what the PDF canvas and Cairo 1.16 write); anything else is refused with a
 * reason.  Objects listed in the table but not found where it says are
 * reported as warnings and read as null (Cairo 1.16 lists a never-written
 * object for a link outside any structure).  Values are parsed once, on
 * demand; objects that are never edited are written back byte for byte.
 * kk_pdf_write writes only the objects reachable from the trailer, in the
 * input's order, then the new ones, with a content-derived /ID, either as
 * a classic table or with object streams and a cross-reference stream.
 * Same input and edits give the same bytes.
 *
 * Ownership: every kk_pdf_val belongs to its kk_pdf (an arena freed by
 * kk_pdf_free); callers never free values.  The input buffer is borrowed
 * and must outlive the kk_pdf.  Strings passed in are copied.
 */
#ifndef KK_PDF_OBJECT_H
#define KK_PDF_OBJECT_H

#include <stdbool.h>
#include <stddef.h>

#include "util/diag.h"

typedef enum {
    KK_PDF_NULL, KK_PDF_BOOL, KK_PDF_NUMBER, KK_PDF_STRING, KK_PDF_NAME,
    KK_PDF_ARRAY, KK_PDF_DICT, KK_PDF_REF
} kk_pdf_kind;

typedef struct kk_pdf_val kk_pdf_val;
struct kk_pdf_val {
    kk_pdf_kind kind;
    union {
        /* NULL .. NAME: the token as written: "null", "true", "12.5",
         * "(text)", "<FEFF00E4>", "/Type" */
        struct { const char *s; size_t len; } tok;
        /* ARRAY: the items; DICT: key, value, key, value ... (keys NAME) */
        struct { kk_pdf_val *v; size_t n, cap; } list;
        struct { long num; int gen; } ref;
    } u;
};

typedef struct kk_pdf kk_pdf;

/* Reads data[0..len) (borrowed).  NULL after reporting against `name`. */
kk_pdf *kk_pdf_read(const unsigned char *data, size_t len, const char *name, kk_diag *diag);
void kk_pdf_free(kk_pdf *p);

/* The trailer dictionary (edits to it are written). */
kk_pdf_val *kk_pdf_trailer(kk_pdf *p);

/* The value of object `num` (a stream's dictionary for a stream), or NULL
 * when there is no such object.  kk_pdf_edit also marks it to be written
 * from the edited value. */
kk_pdf_val *kk_pdf_get(kk_pdf *p, long num);
kk_pdf_val *kk_pdf_edit(kk_pdf *p, long num);

/* v itself, or the object it refers to (NULL for a dangling reference). */
kk_pdf_val *kk_pdf_resolve(kk_pdf *p, kk_pdf_val *v);
/* The object number v refers to, 0 when v is not a reference. */
long kk_pdf_ref_num(const kk_pdf_val *v);
/* Resolves dict[key] (dict may be NULL or not a dict): NULL when absent. */
kk_pdf_val *kk_pdf_lookup(kk_pdf *p, kk_pdf_val *dict, const char *key);

bool kk_pdf_is_dict(const kk_pdf_val *v);
bool kk_pdf_is_array(const kk_pdf_val *v);
/* v is the name `name` ("/Type"). */
bool kk_pdf_is_name(const kk_pdf_val *v, const char *name);
/* An integer's value; false when v is not an integer. */
bool kk_pdf_int(const kk_pdf_val *v, long long *out);
/* A text string as UTF-8 (caller frees); NULL when v is not a string or
 * memory runs out. */
char *kk_pdf_text_utf8(const kk_pdf_val *v);

/* dict[key] without resolving, NULL when absent. */
kk_pdf_val *kk_pdf_dict_get(kk_pdf_val *dict, const char *key);
/* Sets or replaces dict[key]; false when out of memory. */
bool kk_pdf_dict_set(kk_pdf *p, kk_pdf_val *dict, const char *key, kk_pdf_val v);
void kk_pdf_dict_remove(kk_pdf_val *dict, const char *key);
/* Inserts v before item `at` (at = n appends); false when out of memory. */
bool kk_pdf_array_insert(kk_pdf *p, kk_pdf_val *arr, size_t at, kk_pdf_val v);

/* New values (their text lives in p's arena).  A value that failed to
 * allocate is null; kk_pdf_oom tells whether that ever happened. */
kk_pdf_val kk_pdf_new_int(kk_pdf *p, long long n);
kk_pdf_val kk_pdf_new_name(kk_pdf *p, const char *name);
kk_pdf_val kk_pdf_new_text(kk_pdf *p, const char *utf8);
kk_pdf_val kk_pdf_new_ref(long num);
/* Parses PDF syntax, e.g. "<< /Nums [ 0 << /S /D >> ] >>". */
kk_pdf_val kk_pdf_new_parsed(kk_pdf *p, const char *pdf);
bool kk_pdf_oom(const kk_pdf *p);

/* A new indirect object holding v; its number, 0 when out of memory. */
long kk_pdf_add(kk_pdf *p, kk_pdf_val v);

/* Stream objects.  kk_pdf_stream_data gives the data as stored (borrowed,
 * valid until the stream is replaced); kk_pdf_stream_decode inflates a
 * Flate stream or copies an unfiltered one (caller frees; NULL for other
 * filters, corrupt data or more than `max` bytes). */
bool kk_pdf_is_stream(kk_pdf *p, long num);
bool kk_pdf_stream_data(kk_pdf *p, long num, const unsigned char **data, size_t *len);
unsigned char *kk_pdf_stream_decode(kk_pdf *p, long num, size_t max, size_t *len);
/* Replaces the data of stream `num` with a copy of data[0..len), Flate-
 * compressed when `compress`; /Length, /Filter and /DecodeParms follow. */
bool kk_pdf_stream_replace(kk_pdf *p, long num, const unsigned char *data, size_t len,
                           bool compress);
/* Flate-compresses every stream stored without a filter, except XMP
 * metadata (which PDF/A wants readable as it is).  False when out of memory. */
bool kk_pdf_compress_plain_streams(kk_pdf *p);
/* A new stream object with dictionary `dict` (NULL = empty) and the data. */
long kk_pdf_add_stream(kk_pdf *p, kk_pdf_val *dict, const unsigned char *data, size_t len,
                       bool compress);

/* Copies v, a value of `src`, into `dst` as *out: every object it refers
 * to (and theirs) becomes a new object of dst, streams with their data as
 * stored.  src may be freed afterwards.  False when out of memory. */
bool kk_pdf_import(kk_pdf *dst, kk_pdf *src, kk_pdf_val *v, kk_pdf_val *out);

/* The pages in order (object numbers, borrowed), walking the page tree. */
const long *kk_pdf_pages(kk_pdf *p, size_t *count);

typedef struct kk_pdf_write_opts {
    const char *version;  /* "1.4" to rewrite the header's version, NULL to keep */
    bool object_streams;  /* small objects in compressed object streams */
} kk_pdf_write_opts;

/* The finished file in a new buffer (caller frees), NULL when out of memory. */
unsigned char *kk_pdf_write(kk_pdf *p, const kk_pdf_write_opts *o, size_t *len);

#endif
