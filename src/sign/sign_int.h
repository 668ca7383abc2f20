/* sign_int.h — shared by the files of src/sign; not a public header. */
#ifndef KK_SIGN_INT_H
#define KK_SIGN_INT_H

#include "sign/sign.h"
#include <stddef.h>
#include <openssl/cms.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

/* ---- keys.c ---- */

/* A signer: all three owned; free with kk_sign_keys_free. */
typedef struct kk_sign_keys {
    EVP_PKEY *key;
    X509 *cert;
    STACK_OF(X509) *chain;   /* may be empty, never NULL after loading */
} kk_sign_keys;

/* Load and check the signer: the password opens the key, the key matches
 * the certificate, the certificate is valid at `when` and allows digital
 * signatures.  False after reporting (KK_FAIL_USAGE). */
bool kk_sign_keys_load(const kk_sign_key_opts *o, time_t when, kk_sign_keys *out, kk_diag *diag);
void kk_sign_keys_free(kk_sign_keys *k);

/* A store with the certificates of a PEM file as trust anchors (any
 * purpose).  NULL after reporting.  Caller frees with X509_STORE_free. */
X509_STORE *kk_sign_trust_store(const char *ca_file, kk_diag *diag);

/* The CA file to use: `explicit_file`, else $KOKOUS_CA_FILE, else NULL. */
const char *kk_sign_ca_file(const char *explicit_file);

/* The signer's common name (or the whole subject) as UTF-8.  Caller frees. */
char *kk_sign_subject(X509 *cert);

/* The last OpenSSL error as text (static buffer; for messages). */
const char *kk_sign_ssl_error(void);

/* ---- pdf_sign.c ---- */

/* A whole file (at most 512 MiB).  NULL after reporting.  Caller frees. */
unsigned char *kk_sign_read_file(const char *path, size_t *len, kk_diag *diag);

/* ---- cms.c ---- */

/* A detached CAdES SignedData (DER) over `data`.  Caller frees with
 * OPENSSL_free.  NULL after reporting. */
unsigned char *kk_cms_sign_detached(const kk_sign_keys *k, const unsigned char *data, size_t len,
                                    size_t *out_len, kk_diag *diag);

typedef struct kk_cms_check {
    bool parsed;            /* DER read */
    bool digest_ok;         /* content digest and signature value verify */
    bool cert_checked;      /* a trust store was given */
    bool cert_ok;           /* ... and the chain verifies to it */
    bool has_signing_cert_v2;
    char *signer;           /* owned; NULL when unknown */
    char error[160];        /* why not, for the listing */
} kk_cms_check;

/* Check a detached SignedData `der` over `data`; `store` may be NULL.
 * Fills `r` (caller frees r->signer).  Never reports: the caller lists. */
void kk_cms_verify_detached(const unsigned char *der, size_t der_len, const unsigned char *data,
                            size_t len, X509_STORE *store, kk_cms_check *r);

/* ---- pdf_incremental.c ---- */

#include <qpdf/qpdf-c.h>
#include "util/text.h"

/* A PDF opened by libqpdf from memory (`data` must outlive it), warnings
 * silenced.  NULL after reporting.  Caller frees with qpdf_cleanup. */
qpdf_data kk_pdf_open(const char *name, const unsigned char *data, size_t len, kk_diag *diag);

/* What the incremental update must know of the file it extends.  Strings
 * are PDF syntax ("/Key value ..." or array items), all owned. */
typedef struct kk_pdf_prev {
    size_t len;                 /* bytes of the file */
    bool needs_eol;             /* the file does not end with an EOL */
    size_t startxref;
    bool xref_stream;           /* the last cross-reference section is a stream */
    int size;                   /* trailer /Size */
    int root_id, root_gen;
    char *root_other;           /* catalog entries except /AcroForm */
    int acro_id, acro_gen;      /* 0: the AcroForm is absent or direct */
    char *acro_other;           /* AcroForm entries except /Fields, /SigFlags, /NeedAppearances */
    char *fields;               /* the /Fields items */
    char **names; size_t nnames;/* the /T of every field */
    int page_id, page_gen;      /* the page that gets the widget (the first) */
    char *page_other;           /* its entries except /Annots */
    int annots_id, annots_gen;  /* 0: /Annots absent or direct */
    char *annots;               /* the /Annots items */
    char *trailer_extra;        /* "/Info .. /ID [..]" */
} kk_pdf_prev;

/* Read `data` (a whole PDF named `name`).  False after reporting
 * (KK_FAIL_INPUT: not a PDF, encrypted, damaged). */
bool kk_pdf_prev_read(kk_pdf_prev *p, const char *name, const unsigned char *data, size_t len, kk_diag *diag);
void kk_pdf_prev_free(kk_pdf_prev *p);

/* The signature to add. */
typedef struct kk_pdf_sig_spec {
    const char *field;          /* ASCII field name */
    const char *role, *name;    /* UTF-8: /Reason, /Name */
    time_t when;                /* /M */
    size_t contents_bytes;      /* room for the DER signature */
} kk_pdf_sig_spec;

/* The bytes to append to the file: the signature dictionary with a zeroed
 * /Contents and a /ByteRange placeholder, the field/widget, its empty
 * appearance, the AcroForm, the catalog or page when they change, the
 * cross-reference section and trailer.  `*contents_at` is the offset (in
 * the whole file) of the '<' of /Contents, `*byterange_at` of the first
 * digit of the placeholder (3 x 10 digits).  False when memory runs out. */
bool kk_pdf_update_build(const kk_pdf_prev *p, const kk_pdf_sig_spec *s, kk_buf *out,
                         size_t *contents_at, size_t *byterange_at);

/* ---- verify_changes.c ---- */

/* Whether the file `data[0..len)` differs from its revision `data[0..end)`
 * only by added signatures; `why` (size `wl`) says what else changed. */
bool kk_pdf_only_signatures_after(const unsigned char *data, size_t end, size_t len, char *why, size_t wl);

#endif
