/*
 * sign.h — stage 6: digital signatures of finished files.
 *
 * Promises:
 * - kk_sign_pdf appends one PAdES baseline B-B signature (/SubFilter
 *   /ETSI.CAdES.detached; CMS SignedData, SHA-256, signingCertificateV2)
 *   to a PDF as an incremental update.  Not one byte of the input is
 *   changed, so every earlier signature stays valid; the update uses the
 *   same kind of cross-reference section (table or stream) as the file it
 *   extends and keeps the trailer /ID, so a PDF/A-2b input stays PDF/A-2b.
 *   The signature field is named after the role ("chair", "secretary",
 *   "checker", "checker_2", ...), is invisible (the visible note is drawn at
 *   typesetting time from the document's `signatures`) and is listed in the
 *   AcroForm with /SigFlags 3.
 * - The output is written to a temporary file and renamed: on any failure
 *   (wrong password, expired certificate, key that does not match the
 *   certificate, input that is not a PDF) nothing is written and the input
 *   is untouched.
 * - All cryptography is OpenSSL's (CMS_sign/CMS_verify, PKCS12_parse,
 *   PEM readers); this stage only places bytes.
 * - kk_sign_verify_pdf checks every signature of a PDF: the byte range
 *   starts at 0 and ends at the end of a revision, the gap is exactly the
 *   /Contents string, the CMS digest and signature verify, and every later
 *   revision only adds signatures (catalog, AcroForm and page /Annots may
 *   grow by signature fields; nothing else may change).
 * - kk_sign_manifest / kk_verify_manifest: the signed manifest of an archive
 *   package in the form of the Finnish national digital preservation
 *   service (dpres-signature): the file `signature.sig` in the package root,
 *   an S/MIME multipart/signed message whose content is one line
 *   `path:sha256:hex` per file of the package (sorted, `/`-separated,
 *   relative to the package root).  Check it with
 *       openssl smime -verify -in signature.sig -CAfile ca.pem
 *
 * Errors go to the kk_diag sink: KK_FAIL_USAGE for a bad key, password or
 * certificate, KK_FAIL_INPUT for a file that is not a PDF or a failing
 * signature, KK_FAIL_SYSTEM for I/O.
 */
#ifndef KK_SIGN_H
#define KK_SIGN_H

#include <stdbool.h>
#include <time.h>
#include "util/diag.h"

/* Where the signer's key and certificates come from.  `key` is a PEM
 * private key (optionally encrypted, optionally followed by the
 * certificate) or a PKCS#12 file (.p12/.pfx: key, certificate and chain).
 * `cert` and `chain` are PEM files (the chain may hold several
 * certificates).  The password is read from the first line of
 * `password_file` or from the environment variable `password_env`, never
 * from the command line.  All strings borrowed; NULL = not given. */
typedef struct kk_sign_key_opts {
    const char *key, *cert, *chain;
    const char *password_file, *password_env;
} kk_sign_key_opts;

typedef struct kk_sign_opts {
    kk_sign_key_opts keys;
    const char *role;       /* "chair", "secretary" or "checker" */
    const char *name;       /* the signer's name, UTF-8 (the /Name entry) */
    time_t when;            /* the claimed signing time (/M) */
} kk_sign_opts;

/* Sign `in` and write the result to `out` (which may be `in`: the file is
 * then replaced atomically).  Reports and returns false on failure; `out`
 * is then untouched. */
bool kk_sign_pdf(const char *in, const char *out, const kk_sign_opts *o, kk_diag *diag);

/* Print every signature of `path` to stdout (field, signer, role, time,
 * coverage, later changes, result).  True when the file has at least one
 * signature and all of them are valid; false after reporting otherwise.
 * Certificates are checked against the trust anchors of the file named by
 * the environment variable KOKOUS_CA_FILE when set (see also
 * kk_sign_verify_pdf_ca); otherwise only integrity is checked. */
bool kk_sign_verify_pdf(const char *path, kk_diag *diag);

/* The same with an explicit CA file (PEM, trust anchors); NULL = none. */
bool kk_sign_verify_pdf_ca(const char *path, const char *ca_file, kk_diag *diag);

/* The manifest file name inside a package. */
#define KK_SIGN_MANIFEST_FILE "signature.sig"

/* Write `package_dir`/signature.sig over every regular file below
 * `package_dir` (except signature.sig itself).  Call it last, after every
 * other file of the package is final.  False after reporting. */
bool kk_sign_manifest(const char *package_dir, const kk_sign_key_opts *keys, kk_diag *diag);

/* Check `package_dir`/signature.sig: the S/MIME signature and that every
 * listed file exists with the listed SHA-256 and that no file is missing
 * from the list.  Prints a summary to stdout.  False after reporting.
 * Trust anchors as for kk_sign_verify_pdf (KOKOUS_CA_FILE). */
bool kk_verify_manifest(const char *package_dir, kk_diag *diag);
bool kk_verify_manifest_ca(const char *package_dir, const char *ca_file, kk_diag *diag);

#endif
