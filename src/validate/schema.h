/*
 * schema.h — the XML schemas kokous reads its inputs against.
 *
 * Promise: the XSD is the single source of truth for structure and value
 * types.  Besides validating, the schema tells the loader two things the XML
 * mapping needs: the item name of every list key (the one element a list's
 * xs:sequence declares, e.g. participants -> participant) and the canonical
 * key order (the order in which the XSD first declares each element name).
 * The XSDs ship inside the binary (see the schema folder), so kokous works from
 * any directory.
 */
#ifndef KK_SCHEMA_H
#define KK_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include "load/load.h"
#include "util/diag.h"

typedef enum { KK_SCHEMA_DOCUMENT, KK_SCHEMA_STYLE, KK_SCHEMA_LOCALE } kk_schema_id;

/* The built-in schema `id`, parsed once per process and cached; NULL after
 * reporting when the embedded XSD is broken (an internal error).  Borrowed:
 * freed by kk_schema_cleanup(). Not thread-safe on first call. */
const kk_schema *kk_schema_builtin(kk_schema_id id, kk_diag *diag);
void kk_schema_cleanup(void);

/* The XSD text itself (for `kokous schema`); borrowed, NUL-terminated. */
const char *kk_schema_builtin_text(kk_schema_id id, size_t *len);

/* Item element name of list key `key`, or NULL when `key` holds no list. Borrowed. */
const char *kk_schema_item_name(const kk_schema *s, const char *key);

/* Canonical position of `key` among siblings; unknown keys sort last. */
int kk_schema_key_rank(const kk_schema *s, const char *key);

/* Whether `name` is a global (root) element, and the roots as "a, b, c". */
bool kk_schema_is_root(const kk_schema *s, const char *name);
const char *kk_schema_root_list(const kk_schema *s);

/* Validate the tree of `src`; each problem reported at its YAML position
 * with a message for a secretary.  True when valid. */
bool kk_schema_validate(const kk_schema *s, const kk_source *src, kk_diag *diag);

#endif
