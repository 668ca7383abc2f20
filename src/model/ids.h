/*
 * ids.h — every document of a batch needs its own id: it names the output
 * files and the archive record.  Two documents deriving the same id (same
 * organization, body and date) would overwrite each other.
 */
#ifndef KK_IDS_H
#define KK_IDS_H

#include <stdbool.h>
#include "load/load.h"
#include "util/diag.h"

typedef struct kk_idset kk_idset;

kk_idset *kk_idset_new(void);   /* caller frees */
void kk_idset_free(kk_idset *s);

/* Record the id of a validated document; false (reported at its `id`, or
 * at 1:1 for a derived id) when an earlier document of the batch has it. */
bool kk_idset_claim(kk_idset *s, const kk_source *src, kk_diag *diag);

/* The message for a document whose id an earlier one (`earlier`, a path)
 * already has: one wording for check, build and every -j. */
void kk_idset_report(kk_diag *diag, const char *file, unsigned line, unsigned col,
                     const char *id, const char *earlier);

#endif
