/*
 * load.h — stage 1: a YAML file becomes a libxml2 tree.
 *
 * Promise: one YAML document per file is read with libyaml's event API and
 * turned into an XML tree in the kokous namespace (KK_NS) without changing
 * what the user wrote: every scalar reaches the XML as its exact text (YAML
 * 1.1 booleans, sexagesimal times and dates are NOT resolved; the schema
 * types them).  Every element remembers where its key and its value stand in
 * the YAML, so later stages can point errors back at line:col.
 *
 * Mapping rules (the canonical XML, see docs/format.md):
 *   - the root element is named by the document's `kind` value (documents),
 *     or by the caller (`style`, `locale` files); `kind` itself is not a child;
 *   - a mapping key K becomes a child element <K>; a scalar its text;
 *   - a sequence under K becomes <K> with one child per entry, named by the
 *     schema's item name for K (e.g. participants/participant);
 *   - children are put in the schema's canonical key order.
 * Duplicate keys, a second document, aliases beyond a small budget, too deep
 * nesting, oversize files, invalid UTF-8, NUL bytes and tabs used as
 * indentation are reported as errors at their position.
 */
#ifndef KK_LOAD_H
#define KK_LOAD_H

#include <stdbool.h>
#include <libxml/tree.h>
#include "util/diag.h"

#define KK_NS "urn:kokous:1"

typedef struct kk_schema kk_schema;   /* validate/schema.h */

typedef struct kk_pos { unsigned line, col; } kk_pos;

/* A loaded file: the tree plus its positions.  Opaque. */
typedef struct kk_source kk_source;

/* Read and convert `path`.  `root_name` names the root element for files
 * without a `kind` key (styles, locales); NULL means "take it from kind".
 * `schema` supplies list item names and key order (may be NULL: then list
 * entries are named `entry` and keys keep their YAML order).
 * Returns NULL after reporting to `diag` when the file cannot be read or is
 * not well-formed YAML in the supported subset.  Caller frees with
 * kk_source_free. */
kk_source *kk_source_load(const char *path, const char *root_name,
                          const kk_schema *schema, kk_diag *diag);

/* The same from memory; `name` is used in messages. */
kk_source *kk_source_load_buffer(const char *name, const char *data, size_t len,
                                 const char *root_name, const kk_schema *schema,
                                 kk_diag *diag);

void kk_source_free(kk_source *src);

/* The canonical XML as bytes: the one serialization that `kokous xml`,
 * `build` and `archive` write.  Caller frees with xmlFree; NULL when memory
 * runs out. */
xmlChar *kk_source_xml(const kk_source *src, int *len);

/* Borrowed: valid until kk_source_free. */
xmlDocPtr kk_source_doc(const kk_source *src);
const char *kk_source_path(const kk_source *src);
/* The YAML bytes the tree was made from (*len of them, NUL-terminated):
 * what the build's stamp hashes, so that it hashes what was read. */
const char *kk_source_text(const kk_source *src, size_t *len);

/* Where the element's key stands (for "unknown/missing key" errors) and
 * where its value starts (for "bad value" errors).  Any node of the tree may
 * be passed (text and attribute nodes answer for their element); a node
 * without a recorded position answers the nearest ancestor's. */
kk_pos kk_source_key_pos(const kk_source *src, const xmlNode *node);
kk_pos kk_source_value_pos(const kk_source *src, const xmlNode *node);

/* Position of a character offset inside a scalar's value, for errors found
 * inside rich text (e.g. raw HTML on the 3rd line of a block scalar).
 * `line_in_value` is 0-based. Best effort for folded and quoted scalars. */
kk_pos kk_source_pos_in_value(const kk_source *src, const xmlNode *node,
                              unsigned line_in_value, unsigned col_in_line);

/* Report an error at a node's key or value position. */
void kk_source_error_at_key(const kk_source *src, kk_diag *d, const xmlNode *node,
                            const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void kk_source_error_at_value(const kk_source *src, kk_diag *d, const xmlNode *node,
                              const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#endif
