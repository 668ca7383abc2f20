/*
 * validate.h — stage 2: is this document acceptable?
 *
 * Promise: kk_validate runs the XSD (schema.h) and then the rules the XSD
 * cannot say (rules.c: times in order, § numbers, votes, signatures,
 * deputies, publicity bases, attachment paths, rich text ...).  Every problem
 * is reported once at its YAML line:col; a document that passes is a valid
 * canonical XML tree the later stages may trust without re-checking.
 */
#ifndef KK_VALIDATE_H
#define KK_VALIDATE_H

#include <stdbool.h>
#include "load/load.h"
#include "validate/schema.h"

/* Validate a loaded document.  `input_root` is the folder attachments must
 * stay inside (NULL: the document's own folder). */
bool kk_validate_document(const kk_schema *s, const kk_source *src,
                          const char *input_root, kk_diag *diag);

/* Rules only (called by kk_validate_document after the XSD passed). */
bool kk_rules_check(const kk_source *src, const char *input_root, kk_diag *diag);

/* Load + validate one document file: the common first half of every
 * command.  NULL (after reporting) when invalid.  Caller frees. */
kk_source *kk_load_document(const char *path, const char *input_root, kk_diag *diag);

#endif
