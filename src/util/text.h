/*
 * text.h — small string helpers shared by the stages.
 */
#ifndef KK_TEXT_H
#define KK_TEXT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Levenshtein distance of two ASCII keys (for "did you mean"). */
size_t kk_edit_distance(const char *a, const char *b);

/* From `candidates` (NULL-terminated), the closest to `word` if it is close
 * enough to be a likely typo, else NULL.  Borrowed from candidates. */
const char *kk_closest(const char *word, const char *const *candidates);

/* A 64-bit FNV-1a-style hash of data[0..n).  Its values must never
 * change: `build --shard` assigns documents to machines by it. */
uint64_t kk_hash_bytes(const void *data, size_t n);

/* A growable string.  kk_buf_take hands the heap string to the caller. */
typedef struct kk_buf { char *s; size_t len, cap; bool oom; } kk_buf;
void kk_buf_add(kk_buf *b, const char *s);
void kk_buf_addn(kk_buf *b, const char *s, size_t n);
/* Room for n more bytes, to write in place (NULL when memory ran out);
 * kk_buf_commit then counts the bytes written (at most n). */
char *kk_buf_room(kk_buf *b, size_t n);
void kk_buf_commit(kk_buf *b, size_t n);
void kk_buf_addf(kk_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same with a va_list (ap is used up); false when fmt could not be
 * formatted (out of memory is b->oom, as always). */
bool kk_buf_vaddf(kk_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Append with the XML (and Pango markup) specials & < > " ' escaped. */
void kk_buf_add_escaped(kk_buf *b, const char *s, size_t n);
/* Append UTF-8 as a PDF text string: (printable ASCII, escaped) or
 * <FEFF...> UTF-16BE hex; invalid UTF-8 becomes U+FFFD. */
void kk_buf_add_pdf_text(kk_buf *b, const char *utf8);
char *kk_buf_take(kk_buf *b);   /* NULL if allocation failed; resets b */
void kk_buf_free(kk_buf *b);

#endif
