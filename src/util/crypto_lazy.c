/*
 * crypto_lazy.c — OpenSSL's libcrypto, opened the first time kokous calls
 * it: only signing and verifying do (sign/); the content hashes of every
 * build are GLib's (util/hash.h).  Linked, libcrypto's relocations cost
 * every run ~1.5 ms of start-up.  These are the functions sign/ uses,
 * checked against OpenSSL's headers (lazy.h).
 */
#include "util/lazy.h"

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

/* The Makefile passes the soname of the installed library. */
#ifndef KK_CRYPTO_SONAME
#define KK_CRYPTO_SONAME "libcrypto.so.3"
#endif

#define KK_CRYPTO_FUNCTIONS(R, V) \
    R(int, ASN1_STRING_to_UTF8, (unsigned char **out, const ASN1_STRING *in), (out, in)) \
    R(long, BIO_ctrl, (BIO *bp, int cmd, long larg, void *parg), (bp, cmd, larg, parg)) \
    R(int, BIO_free, (BIO *a), (a)) \
    R(BIO *, BIO_new, (const BIO_METHOD *type), (type)) \
    R(BIO *, BIO_new_file, (const char *filename, const char *mode), (filename, mode)) \
    R(BIO *, BIO_new_mem_buf, (const void *buf, int len), (buf, len)) \
    R(const BIO_METHOD *, BIO_s_mem, (void), ()) \
    V(void, CMS_ContentInfo_free, (CMS_ContentInfo *a), (a)) \
    R(CMS_SignerInfo *, CMS_add1_signer, (CMS_ContentInfo *cms, X509 *signer, EVP_PKEY *pk, const EVP_MD *md, \
                                          unsigned int flags), (cms, signer, pk, md, flags)) \
    R(int, CMS_final, (CMS_ContentInfo *cms, BIO *data, BIO *dcont, unsigned int flags), (cms, data, dcont, flags)) \
    R(STACK_OF(CMS_SignerInfo) *, CMS_get0_SignerInfos, (CMS_ContentInfo *cms), (cms)) \
    R(STACK_OF(X509) *, CMS_get0_signers, (CMS_ContentInfo *cms), (cms)) \
    R(const ASN1_OBJECT *, CMS_get0_type, (const CMS_ContentInfo *cms), (cms)) \
    R(CMS_ContentInfo *, CMS_sign, (X509 *signcert, EVP_PKEY *pkey, STACK_OF(X509) *certs, BIO *data, \
                                    unsigned int flags), (signcert, pkey, certs, data, flags)) \
    R(int, CMS_signed_get_attr_by_NID, (const CMS_SignerInfo *si, int nid, int lastpos), (si, nid, lastpos)) \
    R(int, CMS_verify, (CMS_ContentInfo *cms, STACK_OF(X509) *certs, X509_STORE *store, BIO *dcont, BIO *out, \
                        unsigned int flags), (cms, certs, store, dcont, out, flags)) \
    V(void, CRYPTO_free, (void *ptr, const char *file, int line), (ptr, file, line)) \
    V(void, ERR_clear_error, (void), ()) \
    V(void, ERR_error_string_n, (unsigned long e, char *buf, size_t len), (e, buf, len)) \
    R(unsigned long, ERR_peek_last_error, (void), ()) \
    R(int, EVP_DigestFinal_ex, (EVP_MD_CTX *ctx, unsigned char *md, unsigned int *s), (ctx, md, s)) \
    R(int, EVP_DigestInit_ex, (EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl), (ctx, type, impl)) \
    R(int, EVP_DigestUpdate, (EVP_MD_CTX *ctx, const void *d, size_t cnt), (ctx, d, cnt)) \
    V(void, EVP_MD_CTX_free, (EVP_MD_CTX *ctx), (ctx)) \
    R(EVP_MD_CTX *, EVP_MD_CTX_new, (void), ()) \
    V(void, EVP_PKEY_free, (EVP_PKEY *pkey), (pkey)) \
    R(const EVP_MD *, EVP_sha256, (void), ()) \
    R(int, OBJ_obj2nid, (const ASN1_OBJECT *o), (o)) \
    V(void, OPENSSL_cleanse, (void *ptr, size_t len), (ptr, len)) \
    V(void, OPENSSL_sk_free, (OPENSSL_STACK *st), (st)) \
    R(OPENSSL_STACK *, OPENSSL_sk_new_null, (void), ()) \
    R(int, OPENSSL_sk_num, (const OPENSSL_STACK *st), (st)) \
    V(void, OPENSSL_sk_pop_free, (OPENSSL_STACK *st, void (*func)(void *)), (st, func)) \
    R(int, OPENSSL_sk_push, (OPENSSL_STACK *st, const void *data), (st, data)) \
    R(void *, OPENSSL_sk_shift, (OPENSSL_STACK *st), (st)) \
    R(void *, OPENSSL_sk_value, (const OPENSSL_STACK *st, int i), (st, i)) \
    R(EVP_PKEY *, PEM_read_bio_PrivateKey, (BIO *out, EVP_PKEY **x, pem_password_cb *cb, void *u), (out, x, cb, u)) \
    R(X509 *, PEM_read_bio_X509, (BIO *out, X509 **x, pem_password_cb *cb, void *u), (out, x, cb, u)) \
    V(void, PKCS12_free, (PKCS12 *a), (a)) \
    R(int, PKCS12_parse, (PKCS12 *p12, const char *pass, EVP_PKEY **pkey, X509 **cert, STACK_OF(X509) **ca), \
      (p12, pass, pkey, cert, ca)) \
    R(int, PKCS12_verify_mac, (PKCS12 *p12, const char *pass, int passlen), (p12, pass, passlen)) \
    R(CMS_ContentInfo *, SMIME_read_CMS, (BIO *bio, BIO **bcont), (bio, bcont)) \
    R(int, SMIME_write_CMS, (BIO *bio, CMS_ContentInfo *cms, BIO *data, int flags), (bio, cms, data, flags)) \
    R(ASN1_STRING *, X509_NAME_ENTRY_get_data, (const X509_NAME_ENTRY *ne), (ne)) \
    R(X509_NAME_ENTRY *, X509_NAME_get_entry, (const X509_NAME *name, int loc), (name, loc)) \
    R(int, X509_NAME_get_index_by_NID, (const X509_NAME *name, int nid, int lastpos), (name, nid, lastpos)) \
    R(int, X509_NAME_print_ex, (BIO *out, const X509_NAME *nm, int indent, unsigned long flags), (out, nm, indent, flags)) \
    V(void, X509_STORE_free, (X509_STORE *v), (v)) \
    R(int, X509_STORE_load_file, (X509_STORE *ctx, const char *file), (ctx, file)) \
    R(X509_STORE *, X509_STORE_new, (void), ()) \
    R(int, X509_STORE_set_purpose, (X509_STORE *ctx, int purpose), (ctx, purpose)) \
    R(int, X509_check_private_key, (const X509 *x509, const EVP_PKEY *pkey), (x509, pkey)) \
    R(int, X509_cmp_time, (const ASN1_TIME *s, time_t *t), (s, t)) \
    V(void, X509_free, (X509 *a), (a)) \
    R(const ASN1_TIME *, X509_get0_notAfter, (const X509 *x), (x)) \
    R(const ASN1_TIME *, X509_get0_notBefore, (const X509 *x), (x)) \
    R(uint32_t, X509_get_extension_flags, (X509 *x), (x)) \
    R(uint32_t, X509_get_key_usage, (X509 *x), (x)) \
    R(X509_NAME *, X509_get_subject_name, (const X509 *a), (a)) \
    R(int, X509_up_ref, (X509 *x), (x)) \
    R(CMS_ContentInfo *, d2i_CMS_ContentInfo, (CMS_ContentInfo **a, const unsigned char **in, long len), (a, in, len)) \
    R(PKCS12 *, d2i_PKCS12, (PKCS12 **a, const unsigned char **in, long len), (a, in, len)) \
    R(X509 *, d2i_X509, (X509 **a, const unsigned char **in, long len), (a, in, len)) \
    R(int, i2d_CMS_ContentInfo, (const CMS_ContentInfo *a, unsigned char **out), (a, out))

KK_LAZY_LIBRARY(KK_CRYPTO_FUNCTIONS, KK_CRYPTO_SONAME)

KK_LAZY_DEFINE(KK_CRYPTO_FUNCTIONS)
