/*
 * cms.c — detached CAdES SignedData through OpenSSL's CMS API.
 * CMS_CADES (OpenSSL 3.0) makes CMS_add1_signer add the ESS
 * signingCertificateV2 attribute that PAdES baseline signatures need.
 */
#define _POSIX_C_SOURCE 200809L
#include "sign/sign_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>

unsigned char *kk_cms_sign_detached(const kk_sign_keys *k, const unsigned char *data, size_t len,
                                    size_t *out_len, kk_diag *diag)
{
    const unsigned flags = CMS_BINARY | CMS_DETACHED | CMS_PARTIAL | CMS_CADES | CMS_NOSMIMECAP;
    unsigned char *der = NULL;
    BIO *in = BIO_new_mem_buf(data, (int)len);
    CMS_ContentInfo *cms = in ? CMS_sign(NULL, NULL, k->chain, NULL, flags) : NULL;
    bool ok = cms && CMS_add1_signer(cms, k->cert, k->key, EVP_sha256(), flags) && CMS_final(cms, in, NULL, flags) == 1;
    int n = ok ? i2d_CMS_ContentInfo(cms, &der) : -1;
    if (n <= 0) {
        kk_sys_error(diag, NULL, "cannot make the CMS signature: %s", kk_sign_ssl_error());
        der = NULL;
    } else {
        *out_len = (size_t)n;
    }
    CMS_ContentInfo_free(cms);
    BIO_free(in);
    return der;
}

static void set_error(kk_cms_check *r, const char *what)
{
    unsigned long e = ERR_peek_last_error();
    char detail[120] = "";
    if (e)
        ERR_error_string_n(e, detail, sizeof detail);
    ERR_clear_error();
    snprintf(r->error, sizeof r->error, "%s%s%s", what, *detail ? ": " : "", detail);
}

void kk_cms_verify_detached(const unsigned char *der, size_t der_len, const unsigned char *data,
                            size_t len, X509_STORE *store, kk_cms_check *r)
{
    memset(r, 0, sizeof *r);
    const unsigned char *p = der;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)der_len);
    if (!cms || OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed) {
        set_error(r, "the signature is not a CMS SignedData");
        CMS_ContentInfo_free(cms);
        return;
    }
    r->parsed = true;
    STACK_OF(CMS_SignerInfo) *sis = CMS_get0_SignerInfos(cms);
    if (sk_CMS_SignerInfo_num(sis) == 1) {
        CMS_SignerInfo *si = sk_CMS_SignerInfo_value(sis, 0);
        r->has_signing_cert_v2 = CMS_signed_get_attr_by_NID(si, NID_id_smime_aa_signingCertificateV2, -1) >= 0;
    }
    /* Integrity first, without the chain, so that a digest mismatch and an
     * untrusted certificate are told apart. */
    BIO *in = BIO_new_mem_buf(data, (int)len);
    r->digest_ok = in && CMS_verify(cms, NULL, NULL, in, NULL, CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY) == 1;
    BIO_free(in);
    if (!r->digest_ok) {
        bool mismatch = ERR_GET_REASON(ERR_peek_last_error()) == CMS_R_CONTENT_VERIFY_ERROR;
        ERR_clear_error();
        set_error(r, mismatch ? "Digest Mismatch: the signed bytes were changed" : "the signature value does not verify");
    }
    STACK_OF(X509) *signers = CMS_get0_signers(cms);
    if (signers && sk_X509_num(signers) > 0)
        r->signer = kk_sign_subject(sk_X509_value(signers, 0));
    sk_X509_free(signers);
    if (store && r->digest_ok) {
        r->cert_checked = true;
        in = BIO_new_mem_buf(data, (int)len);
        r->cert_ok = in && CMS_verify(cms, NULL, store, in, NULL, CMS_BINARY) == 1;
        BIO_free(in);
        if (!r->cert_ok)
            set_error(r, "the certificate is not trusted");
    }
    CMS_ContentInfo_free(cms);
    ERR_clear_error();
}
