/*
 * keys.c — the signer's key and certificates from PEM or PKCS#12 files.
 * The password never comes from the command line (it would show in ps and
 * in shell history): only from a file or an environment variable.
 */
#define _POSIX_C_SOURCE 200809L
#include "sign/sign_int.h"
#include "util/fs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509v3.h>

const char *kk_sign_ssl_error(void)
{
    static char buf[256];
    unsigned long e = ERR_peek_last_error();
    if (!e)
        return "no details";
    ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return buf;
}

/* The password, or NULL when none was asked for.  `*ok` false after
 * reporting.  Caller frees (and wipes). */
static char *read_password(const kk_sign_key_opts *o, bool *ok, kk_diag *diag)
{
    *ok = true;
    if (o->password_file) {
        FILE *f = fopen(o->password_file, "rb");
        if (!f) {
            kk_diag_report(diag, KK_ERROR, KK_FAIL_USAGE, o->password_file, 0, 0,
                           "cannot read the password file: %s", strerror(errno));
            *ok = false;
            return NULL;
        }
        char line[1024];
        size_t n = fread(line, 1, sizeof line - 1, f);
        fclose(f);
        line[n] = '\0';
        line[strcspn(line, "\r\n")] = '\0';
        char *p = strdup(line);
        OPENSSL_cleanse(line, sizeof line);
        if (!p)
            *ok = false;
        return p;
    }
    if (o->password_env) {
        const char *v = getenv(o->password_env);
        if (!v) {
            kk_diag_report(diag, KK_ERROR, KK_FAIL_USAGE, NULL, 0, 0,
                           "the environment variable %s (--password-env) is not set", o->password_env);
            *ok = false;
            return NULL;
        }
        char *p = strdup(v);
        if (!p)
            *ok = false;
        return p;
    }
    return NULL;
}

static unsigned char *slurp(const char *path, size_t *len, kk_diag *diag)
{
    unsigned char *b = kk_read_file(path, 16u << 20, len);
    if (!b)
        kk_diag_report(diag, KK_ERROR, KK_FAIL_USAGE, path, 0, 0, "%s", errno == EFBIG
                       ? "too large for a key or certificate file" : strerror(errno));
    return b;
}

static bool looks_pem(const unsigned char *b, size_t n)
{
    for (size_t i = 0; i + 10 < n && i < 4096; i++)
        if (!memcmp(b + i, "-----BEGIN", 10))
            return true;
    return false;
}

static int kk_pem_password(char *buf, int size, int rwflag, void *u)
{
    (void)rwflag;
    const char *p = u;
    if (!p)
        return -1;
    int n = (int)strlen(p);
    if (n > size)
        n = size;
    memcpy(buf, p, (size_t)n);
    return n;
}

/* Every certificate of a PEM buffer appended to `sk`; the count. */
static int read_pem_certs(const unsigned char *b, size_t n, STACK_OF(X509) *sk)
{
    BIO *bio = BIO_new_mem_buf(b, (int)n);
    int count = 0;
    X509 *x;
    while (bio && (x = PEM_read_bio_X509(bio, NULL, NULL, NULL))) {
        if (!sk_X509_push(sk, x))
            X509_free(x);
        else
            count++;
    }
    ERR_clear_error();
    BIO_free(bio);
    return count;
}

static bool load_pkcs12(const char *path, const unsigned char *b, size_t n, const char *pass,
                        kk_sign_keys *k, kk_diag *diag)
{
    const unsigned char *p = b;
    PKCS12 *p12 = d2i_PKCS12(NULL, &p, (long)n);
    if (!p12) {
        kk_diag_report(diag, KK_ERROR, KK_FAIL_USAGE, path, 0, 0,
                       "not a PEM key or a PKCS#12 file (.p12/.pfx)");
        return false;
    }
    /* A MAC check first: it is the one that tells a wrong password apart
     * from a damaged file. */
    if (!PKCS12_verify_mac(p12, pass ? pass : "", -1) && !(pass == NULL && PKCS12_verify_mac(p12, NULL, 0))) {
        kk_diag_report(diag, KK_ERROR, KK_FAIL_USAGE, path, 0, 0, "%s",
                       pass ? "wrong password for the PKCS#12 file"
                            : "the PKCS#12 file needs a password: give --password-file FILE or --password-env VAR");
        PKCS12_free(p12);
        ERR_clear_error();
        return false;
    }
    STACK_OF(X509) *ca = NULL;
    bool ok = PKCS12_parse(p12, pass ? pass : "", &k->key, &k->cert, &ca) == 1;
    PKCS12_free(p12);
    if (!ok) {
        kk_diag_report(diag, KK_ERROR, KK_FAIL_USAGE, path, 0, 0, "cannot open the PKCS#12 file: %s", kk_sign_ssl_error());
        return false;
    }
    if (ca) {
        for (int i = 0; i < sk_X509_num(ca); i++) {
            X509 *x = sk_X509_value(ca, i);
            if (X509_up_ref(x) && !sk_X509_push(k->chain, x))
                X509_free(x);
        }
        sk_X509_pop_free(ca, X509_free);
    }
    return true;
}

static bool load_pem_key(const char *path, const unsigned char *b, size_t n, const char *pass,
                         kk_sign_keys *k, kk_diag *diag)
{
    BIO *bio = BIO_new_mem_buf(b, (int)n);
    k->key = bio ? PEM_read_bio_PrivateKey(bio, NULL, kk_pem_password, (void *)pass) : NULL;
    BIO_free(bio);
    if (!k->key) {
        unsigned long e = ERR_peek_last_error();
        bool bad_pass = ERR_GET_REASON(e) == PEM_R_BAD_DECRYPT || ERR_GET_REASON(e) == EVP_R_BAD_DECRYPT
                        || ERR_GET_REASON(e) == PEM_R_BAD_PASSWORD_READ || ERR_GET_REASON(e) == PEM_R_PROBLEMS_GETTING_PASSWORD;
        ERR_clear_error();
        if (strstr((const char *)b, "ENCRYPTED") || bad_pass)
            kk_diag_report(diag, KK_ERROR, KK_FAIL_USAGE, path, 0, 0, "%s",
                           pass ? "wrong password for the private key"
                                : "the private key is encrypted: give --password-file FILE or --password-env VAR");
        else
            kk_diag_report(diag, KK_ERROR, KK_FAIL_USAGE, path, 0, 0, "no private key in this PEM file");
        return false;
    }
    if (!k->cert) {
        STACK_OF(X509) *sk = sk_X509_new_null();
        if (sk && read_pem_certs(b, n, sk) > 0) {
            k->cert = sk_X509_shift(sk);
            while (sk_X509_num(sk) > 0)
                if (!sk_X509_push(k->chain, sk_X509_shift(sk)))
                    break;
        }
        sk_X509_pop_free(sk, X509_free);
    }
    return true;
}

static bool load_cert_file(const char *path, X509 **first, STACK_OF(X509) *rest, kk_diag *diag)
{
    size_t n;
    unsigned char *b = slurp(path, &n, diag);
    if (!b)
        return false;
    STACK_OF(X509) *sk = sk_X509_new_null();
    int count = sk ? read_pem_certs(b, n, sk) : 0;
    if (count == 0) {
        const unsigned char *p = b;
        X509 *x = d2i_X509(NULL, &p, (long)n);   /* a DER certificate */
        if (x && !sk_X509_push(sk, x))
            X509_free(x);
        count = x ? 1 : 0;
        ERR_clear_error();
    }
    free(b);
    if (count == 0) {
        sk_X509_free(sk);
        kk_diag_report(diag, KK_ERROR, KK_FAIL_USAGE, path, 0, 0, "no certificate in this file (PEM or DER expected)");
        return false;
    }
    if (first && !*first)
        *first = sk_X509_shift(sk);
    while (sk_X509_num(sk) > 0) {
        X509 *x = sk_X509_shift(sk);
        if (!sk_X509_push(rest, x))
            X509_free(x);
    }
    sk_X509_free(sk);
    return true;
}

static bool check_cert(const char *where, const kk_sign_keys *k, time_t when, kk_diag *diag)
{
    if (X509_check_private_key(k->cert, k->key) != 1) {
        ERR_clear_error();
        kk_diag_report(diag, KK_ERROR, KK_FAIL_USAGE, where, 0, 0,
                       "the private key does not match the certificate (give the certificate of this key with --cert)");
        return false;
    }
    char *who = kk_sign_subject(k->cert);
    bool ok = true;
    if (X509_cmp_time(X509_get0_notAfter(k->cert), &when) < 0) {
        kk_diag_report(diag, KK_ERROR, KK_FAIL_USAGE, where, 0, 0,
                       "the certificate of %s has expired; a signature made with it would not be valid", who ? who : "the signer");
        ok = false;
    } else if (X509_cmp_time(X509_get0_notBefore(k->cert), &when) > 0) {
        kk_diag_report(diag, KK_ERROR, KK_FAIL_USAGE, where, 0, 0,
                       "the certificate of %s is not valid yet", who ? who : "the signer");
        ok = false;
    } else if ((X509_get_extension_flags(k->cert) & EXFLAG_KUSAGE)
               && !(X509_get_key_usage(k->cert) & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION))) {
        kk_diag_report(diag, KK_ERROR, KK_FAIL_USAGE, where, 0, 0,
                       "the certificate of %s does not allow digital signatures (key usage)", who ? who : "the signer");
        ok = false;
    }
    free(who);
    return ok;
}

bool kk_sign_keys_load(const kk_sign_key_opts *o, time_t when, kk_sign_keys *k, kk_diag *diag)
{
    memset(k, 0, sizeof *k);
    if (!o->key) {
        kk_diag_report(diag, KK_ERROR, KK_FAIL_USAGE, NULL, 0, 0, "give the signing key with --key FILE");
        return false;
    }
    k->chain = sk_X509_new_null();
    bool pass_ok;
    char *pass = read_password(o, &pass_ok, diag);
    size_t n = 0;
    unsigned char *b = pass_ok && k->chain ? slurp(o->key, &n, diag) : NULL;
    bool ok = b != NULL;
    if (ok && o->cert)
        ok = load_cert_file(o->cert, &k->cert, k->chain, diag);
    if (ok)
        ok = looks_pem(b, n) ? load_pem_key(o->key, b, n, pass, k, diag) : load_pkcs12(o->key, b, n, pass, k, diag);
    if (pass) {
        OPENSSL_cleanse(pass, strlen(pass));
        free(pass);
    }
    free(b);
    if (ok && o->chain)
        ok = load_cert_file(o->chain, NULL, k->chain, diag);
    if (ok && !k->cert) {
        kk_diag_report(diag, KK_ERROR, KK_FAIL_USAGE, o->key, 0, 0, "no certificate: give it with --cert FILE");
        ok = false;
    }
    if (ok)
        ok = check_cert(o->cert ? o->cert : o->key, k, when, diag);
    if (!ok)
        kk_sign_keys_free(k);
    return ok;
}

void kk_sign_keys_free(kk_sign_keys *k)
{
    EVP_PKEY_free(k->key);
    X509_free(k->cert);
    sk_X509_pop_free(k->chain, X509_free);
    memset(k, 0, sizeof *k);
}

const char *kk_sign_ca_file(const char *explicit_file)
{
    if (explicit_file)
        return explicit_file;
    const char *e = getenv("KOKOUS_CA_FILE");
    return e && *e ? e : NULL;
}

X509_STORE *kk_sign_trust_store(const char *ca_file, kk_diag *diag)
{
    X509_STORE *st = X509_STORE_new();
    if (!st || X509_STORE_load_file(st, ca_file) != 1) {
        kk_diag_report(diag, KK_ERROR, KK_FAIL_USAGE, ca_file, 0, 0, "cannot read trust anchors (PEM certificates): %s",
                       kk_sign_ssl_error());
        X509_STORE_free(st);
        return NULL;
    }
    /* Document-signing certificates seldom carry the S/MIME extended key
     * usage CMS_verify asks for by default. */
    X509_STORE_set_purpose(st, X509_PURPOSE_ANY);
    return st;
}

char *kk_sign_subject(X509 *cert)
{
    const X509_NAME *nm = cert ? X509_get_subject_name(cert) : NULL;
    if (!nm)
        return NULL;
    int i = X509_NAME_get_index_by_NID(nm, NID_commonName, -1);
    if (i >= 0) {
        unsigned char *u = NULL;
        int n = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(nm, i)));
        if (n >= 0) {
            char *s = strndup((const char *)u, (size_t)n);
            OPENSSL_free(u);
            return s;
        }
    }
    BIO *b = BIO_new(BIO_s_mem());
    char *s = NULL;
    if (b && X509_NAME_print_ex(b, nm, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
        char *p;
        long n = BIO_get_mem_data(b, &p);
        s = strndup(p, (size_t)n);
    }
    BIO_free(b);
    return s;
}
