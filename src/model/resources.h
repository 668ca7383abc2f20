/*
 * resources.h — styles and locales by name, loaded once per process.
 *
 * Promise: a style named NAME is read from the first of: the folder given
 * to kk_resources_new (--styles DIR), ./styles/NAME.yaml, the styles built
 * into the binary.  It goes through the same loader and XSD as documents
 * (schema/style.xsd), so a bad style gets file:line:col errors, and its
 * `extends` chain is resolved (loops refused); a file whose bytes are a
 * built-in one skips the XSD, which the tests run on every built-in file.
 * Locales (fi, sv, en) are built in.  Results are cached per styles folder
 * and shared by every kk_resources of that folder in the process; the cache
 * owns them.  Not thread-safe.
 */
#ifndef KK_RESOURCES_H
#define KK_RESOURCES_H

#include "model/locale.h"
#include "model/style.h"
#include "load/load.h"
#include "util/diag.h"

typedef struct kk_resources kk_resources;

/* `styles_dir` may be NULL.  Caller frees. */
kk_resources *kk_resources_new(const char *styles_dir);
void kk_resources_free(kk_resources *r);

/* The style NAME, or NULL after reporting (a missing style is reported at
 * `where_file`:`line`:`col`, the document's `style` key).  Borrowed. */
const kk_style *kk_resources_style(kk_resources *r, const char *name, kk_diag *diag,
                                   const char *where_file, unsigned line, unsigned col);

/* Whether the style and language a document names can be found (and the
 * style is valid).  Errors point at the document's `style` key. */
bool kk_resources_check_document(kk_resources *r, const kk_source *src, kk_diag *diag);

/* The style a document names (default "default"); NULL after reporting. */
const kk_style *kk_resources_document_style(kk_resources *r, const kk_source *src, kk_diag *diag);

/* The locale for "fi", "sv" or "en"; NULL after reporting.  Borrowed. */
const kk_locale *kk_resources_locale(kk_resources *r, const char *lang, kk_diag *diag);

/* The bytes of the style's logo (PNG), from disk or built in; NULL when the
 * style has none or it cannot be read (reported as a warning).  Borrowed. */
const unsigned char *kk_resources_logo(kk_resources *r, const kk_style *s, size_t *len, kk_diag *diag);

#endif
