/*
 * inputs.h — which files are documents.  A PATH is a file, or a folder
 * searched recursively for *.yaml and *.yml (hidden entries skipped), in
 * sorted order so that nothing downstream depends on how the file system
 * lists a folder.  Each file comes with the folder its attachments must
 * stay inside.
 */
#ifndef KK_INPUTS_H
#define KK_INPUTS_H

#include <stdbool.h>
#include <stddef.h>
#include "util/diag.h"

typedef struct kk_input { char *path; char *root; } kk_input;

/* Expand `paths` into `*out` (caller frees with kk_inputs_free, also on
 * false).  Unreadable paths are reported; the rest are still listed. */
bool kk_collect_inputs(char *const *paths, int npaths, kk_input **out, size_t *n, kk_diag *diag);
void kk_inputs_free(kk_input *v, size_t n);

#endif
