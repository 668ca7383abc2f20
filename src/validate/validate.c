/* validate.c — see validate.h. */
#define _POSIX_C_SOURCE 200809L
#include "validate/validate.h"

#include <stdlib.h>
#include <string.h>

bool kk_validate_document(const kk_schema *s, const kk_source *src,
                          const char *input_root, kk_diag *diag)
{
    /* The rules trust the XSD's types, so they run only on a tree that
     * passed it: one clear error beats a cascade. */
    if (!kk_schema_validate(s, src, diag))
        return false;
    return kk_rules_check(src, input_root, diag);
}

kk_source *kk_load_document(const char *path, const char *input_root, kk_diag *diag)
{
    const kk_schema *s = kk_schema_builtin(KK_SCHEMA_DOCUMENT, diag);
    if (!s)
        return NULL;
    kk_source *src = kk_source_load(path, NULL, s, diag);
    if (src && !kk_validate_document(s, src, input_root, diag)) {
        kk_source_free(src);
        src = NULL;
    }
    return src;
}
