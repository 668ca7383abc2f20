/* pdf_object_int.h — shared by pdf_object.c (values) and pdf_file.c (the
 * file); not used anywhere else. */
#ifndef KK_PDF_OBJECT_INT_H
#define KK_PDF_OBJECT_INT_H

#include "render/pdf_object.h"
#include "util/text.h"

typedef struct arena_block arena_block;

typedef struct pdf_obj {
    bool listed;         /* in use in the input's table, or added */
    bool present;        /* found where the table says (or added) */
    bool parsed, dirty, added;
    bool stream;
    int gen;
    size_t start, end;   /* "N G obj" .. after "endobj" in the input */
    size_t val_start, val_end; /* the value's text in the input */
    kk_pdf_val *val;     /* in the arena: stays put when objs grows */
    const unsigned char *data; /* a stream's stored data (input or arena) */
    size_t data_len;
} pdf_obj;

struct kk_pdf {
    const unsigned char *in;
    size_t len;
    const char *name;
    kk_diag *diag;
    arena_block *arena;
    bool oom;
    pdf_obj *objs; /* indexed by object number */
    size_t nobjs, cap;
    kk_pdf_val trailer;
    size_t header_len; /* "%PDF-1.x" and the binary comment */
    long *pages;
    size_t npages;
    bool pages_done;
};

/* Arena memory, zeroed; NULL (and p->oom) when out of memory. */
void *kk_pdf_alloc(kk_pdf *p, size_t n);
void kk_pdf_arena_free(arena_block *b);

/* Parses one value at s[*pos] (s ends at len), advancing *pos past it.
 * False (with a reason in *why) on a syntax error. */
bool kk_pdf_parse_at(kk_pdf *p, const unsigned char *s, size_t len, size_t *pos,
                     kk_pdf_val *out, const char **why);
/* Skips white space and comments. */
size_t kk_pdf_skip_ws(const unsigned char *s, size_t len, size_t pos);
/* An unsigned integer token at s[pos] (at most 10 digits, then a
 * delimiter, white space or the end): its value and end. */
bool kk_pdf_uint_at(const unsigned char *s, size_t len, size_t pos, long *v, size_t *end);
/* s[pos..] starts with the keyword kw followed by a delimiter or the end. */
bool kk_pdf_keyword_at(const unsigned char *s, size_t len, size_t pos, const char *kw);

/* A token (NULL .. NAME) whose text is copied into p's arena; null when
 * out of memory. */
kk_pdf_val kk_pdf_token_copy(kk_pdf *p, kk_pdf_kind kind, const char *s, size_t n);

/* Sorts input object numbers by where they stand in the input. */
void kk_pdf_sort_by_offset(const kk_pdf *p, long *nums, size_t n);

/* Appends v in PDF syntax. */
void kk_pdf_serialize(kk_buf *b, const kk_pdf_val *v);

#endif
