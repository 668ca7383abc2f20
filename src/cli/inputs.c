/* inputs.c — the common first half of the commands that read documents. */
#define _POSIX_C_SOURCE 200809L
#include "cli/cli.h"
#include "model/ids.h"
#include "model/resources.h"
#include "validate/validate.h"

kk_source *kk_cli_load(const kk_input *in, kk_resources *res, kk_idset *ids, kk_diag *diag)
{
    kk_source *src = kk_load_document(in->path, in->root, diag);
    if (src && !(kk_resources_check_document(res, src, diag) && kk_idset_claim(ids, src, diag))) {
        kk_source_free(src);
        src = NULL;
    }
    return src;
}
