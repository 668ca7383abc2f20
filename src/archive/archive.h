/*
 * archive.h — stage 6: validated documents become one archive information
 * package, and a package can be checked again later.
 *
 * Promise of kk_archive_build: one E-ARK CSIP/SIP 2.x package
 *   OUT/<id>/            (or OUT/<id>.tar, plain ustar, with opts->tar)
 *     METS.xml                              root METS (OBJID, TYPE, PROFILE,
 *                                           csip:CONTENTINFORMATIONTYPE, SIP)
 *     metadata/descriptive/sahke2.xml       SÄHKE2 2019.03: a CaseFile per
 *                                           meeting, a Record per document
 *     metadata/preservation/premis.xml      PREMIS 2.3: objects, events, agent
 *     representations/pdfa/METS.xml         official PDFs, PDF/A-2b (or 1b)
 *     representations/pdfa/data/<id>.pdf
 *     representations/source/METS.xml       what the PDFs were made from
 *     representations/source/data/<id>.yaml the YAML as written
 *     representations/source/data/<id>.xml  its canonical XML
 *     schemas/                              every XSD the package uses, with
 *                                           a catalog and the licences
 *     documentation/archive.md              what the package holds
 * Every file except the root METS.xml is listed in exactly one METS file
 * with its SIZE, SHA-256 CHECKSUM, MIMETYPE and CREATED date.  Only official
 * versions go in; confidential records are kept and marked (SÄHKE2
 * Restriction, PREMIS rights statement), never dropped.  The package is built
 * in a temporary folder beside the target and renamed into place at the
 * end: a failure leaves nothing half-written.  The same input and the same
 * SOURCE_DATE_EPOCH give the same bytes (dates from SOURCE_DATE_EPOCH, else
 * the newest document date; ordering is by document id everywhere).
 *
 * Promise of kk_archive_verify: every problem of a package (a folder or a
 * .tar) is reported with the file it concerns: checksum or size mismatch, a
 * listed file missing, a file present but not listed, METS / SÄHKE2 /
 * PREMIS / canonical XML invalid against their schemas (validated offline:
 * the package's schemas/, else the copies built into kokous).
 */
#ifndef KK_ARCHIVE_H
#define KK_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include "load/load.h"
#include "sign/sign.h"
#include "util/diag.h"

typedef struct kk_archive_opts {
    const char *out_dir;      /* created if missing */
    const char *id;           /* package id; NULL = derived from the documents */
    int pdfa_part;            /* 1 or 2 (0 means 2) */
    bool tar;                 /* write OUT/<id>.tar instead of a folder */
    const char *styles_dir;   /* --styles, may be NULL */
    const kk_sign_key_opts *sign;  /* --sign: sign the manifest (signature.sig); NULL = no */
} kk_archive_opts;

/* Package the validated documents `srcs` (borrowed; at least one).  Returns
 * the path of the package written (caller frees), NULL after reporting. */
char *kk_archive_build(kk_source *const *srcs, size_t n, const kk_archive_opts *opts, kk_diag *diag);

/* The package id the documents would get: lowercase slug of the
 * organization, the body when all share one, and the date or date range.
 * Caller frees; NULL when memory runs out. */
char *kk_archive_package_id(kk_source *const *srcs, size_t n);

/* Check a package folder or .tar.  True only when every check holds; each
 * problem is reported to `diag` naming its file. */
bool kk_archive_verify(const char *path, kk_diag *diag);

#endif
