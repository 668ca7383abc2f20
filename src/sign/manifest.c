/*
 * manifest.c — the signed manifest of an archive package.
 *
 * The form is that of the Finnish national digital preservation service
 * (dpres-signature, "signature.sig"): an S/MIME multipart/signed message
 * whose first part is the manifest, one line `path:algorithm:hexdigest` per
 * file.  The service's own tools sign only mets.xml with SHA-1; kokous
 * lists every file with SHA-256, which the same line format carries.
 * The S/MIME text is canonical (CRLF lines) so that `openssl smime -verify`
 * checks it without options.
 */
#define _POSIX_C_SOURCE 200809L
#include "sign/sign_int.h"
#include "util/fs.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <openssl/pem.h>

typedef struct names { char **v; size_t n, cap; } names;

static void names_free(names *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file below `root`/`rel`, as paths relative to root.  False
 * after reporting (unreadable folders, links: a package is plain files). */
static bool walk(const char *root, const char *rel, int depth, names *out, kk_diag *diag)
{
    char dir[4096];
    int len = snprintf(dir, sizeof dir, "%s%s%s", root, *rel ? "/" : "", rel);
    if (len < 0 || (size_t)len >= sizeof dir) {
        kk_sys_error(diag, root, "a path in the package is too long");
        return false;
    }
    DIR *d = opendir(dir);
    if (!d) {
        kk_sys_error(diag, dir, "cannot read the folder: %s", strerror(errno));
        return false;
    }
    bool ok = depth < 32;
    struct dirent *e;
    while (ok && (e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char relp[4096], full[8192 + 2];
        int a = snprintf(relp, sizeof relp, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
        int b = a < 0 || (size_t)a >= sizeof relp ? -1 : snprintf(full, sizeof full, "%s/%s", root, relp);
        if (b < 0 || (size_t)b >= sizeof full) {
            kk_sys_error(diag, root, "a path in the package is too long");
            ok = false;
            break;
        }
        if (!*rel && !strcmp(e->d_name, KK_SIGN_MANIFEST_FILE))
            continue;
        struct stat st;
        if (lstat(full, &st) != 0) {
            kk_sys_error(diag, full, "%s", strerror(errno));
            ok = false;
        } else if (S_ISDIR(st.st_mode)) {
            ok = walk(root, relp, depth + 1, out, diag);
        } else if (S_ISREG(st.st_mode) && !strchr(relp, '\n') && !strchr(relp, '\r')) {
            if (out->n == out->cap) {
                char **nv = realloc(out->v, (out->cap = out->cap ? 2 * out->cap : 32) * sizeof *nv);
                if (!nv) {
                    kk_sys_error(diag, full, "out of memory");
                    ok = false;
                    break;
                }
                out->v = nv;
            }
            if ((out->v[out->n] = strdup(relp)))
                out->n++;
        } else {
            kk_error(diag, full, 0, 0, "a package may hold only plain files and folders");
            ok = false;
        }
    }
    closedir(d);
    return ok;
}

static bool sha256_file(const char *path, char hex[65])
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    unsigned char buf[65536], md[32];
    size_t n;
    while (ok && (n = fread(buf, 1, sizeof buf, f)) > 0)
        ok = EVP_DigestUpdate(ctx, buf, n);
    unsigned mdlen = 0;
    ok = ok && !ferror(f) && EVP_DigestFinal_ex(ctx, md, &mdlen) && mdlen == 32;
    EVP_MD_CTX_free(ctx);
    fclose(f);
    for (unsigned i = 0; ok && i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    return ok;
}

static char *manifest_text(const char *dir, const names *files, kk_diag *diag)
{
    kk_buf b = { 0 };
    kk_buf_add(&b, "");
    for (size_t i = 0; i < files->n; i++) {
        char full[8192], hex[65];
        snprintf(full, sizeof full, "%s/%s", dir, files->v[i]);
        if (!sha256_file(full, hex)) {
            kk_sys_error(diag, full, "cannot read: %s", strerror(errno));
            kk_buf_free(&b);
            return NULL;
        }
        kk_buf_addf(&b, "%s:sha256:%s\n", files->v[i], hex);
    }
    return kk_buf_take(&b);
}

bool kk_sign_manifest(const char *package_dir, const kk_sign_key_opts *keyopts, kk_diag *diag)
{
    names files = { 0 };
    if (!walk(package_dir, "", 0, &files, diag)) {
        names_free(&files);
        return false;
    }
    if (files.n > 1)
        qsort(files.v, files.n, sizeof *files.v, cmp_str);
    char *text = manifest_text(package_dir, &files, diag);
    names_free(&files);
    if (!text)
        return false;
    kk_sign_keys k;
    if (!kk_sign_keys_load(keyopts, time(NULL), &k, diag)) {
        free(text);
        return false;
    }
    /* Streaming: SMIME_write_CMS computes the digest while it copies the
     * canonical (CRLF) text into the first MIME part. */
    const unsigned flags = CMS_DETACHED | CMS_PARTIAL | CMS_STREAM | CMS_NOSMIMECAP | CMS_CADES;
    BIO *in = BIO_new_mem_buf(text, (int)strlen(text));
    BIO *out = BIO_new(BIO_s_mem());
    CMS_ContentInfo *cms = in && out ? CMS_sign(NULL, NULL, k.chain, NULL, flags) : NULL;
    bool ok = cms && CMS_add1_signer(cms, k.cert, k.key, EVP_sha256(), flags) && SMIME_write_CMS(out, cms, in, flags) == 1;
    if (!ok) {
        kk_sys_error(diag, package_dir, "cannot sign the manifest: %s", kk_sign_ssl_error());
    } else {
        char *p;
        long n = BIO_get_mem_data(out, &p);
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", package_dir, KK_SIGN_MANIFEST_FILE);
        ok = kk_write_atomic(path, p, (size_t)n, diag);
    }
    CMS_ContentInfo_free(cms);
    BIO_free(in);
    BIO_free(out);
    kk_sign_keys_free(&k);
    free(text);
    return ok;
}

/* Check the lines of a verified manifest against the folder. */
static bool check_lines(const char *dir, const char *sigpath, char *text, size_t *count, kk_diag *diag)
{
    names listed = { 0 }, present = { 0 };
    bool ok = true;
    *count = 0;
    for (char *line = strtok(text, "\r\n"); line; line = strtok(NULL, "\r\n")) {
        char *c2 = strrchr(line, ':');
        char *c1 = c2 ? c2 - 1 : NULL;
        while (c1 && c1 > line && *c1 != ':')
            c1--;
        if (!c2 || !c1 || c1 == line || *c1 != ':') {
            kk_error(diag, sigpath, 0, 0, "a manifest line is not path:algorithm:digest");
            ok = false;
            continue;
        }
        *c1 = *c2 = '\0';
        const char *path = line, *alg = c1 + 1, *digest = c2 + 1;
        char full[8192], hex[65];
        snprintf(full, sizeof full, "%s/%s", dir, path);
        if (path[0] == '/' || strstr(path, "..")) {
            kk_error(diag, sigpath, 0, 0, "the manifest names a path outside the package: %s", path);
            ok = false;
        } else if (strcmp(alg, "sha256")) {
            kk_error(diag, sigpath, 0, 0, "%s: digest algorithm %s is not supported (sha256 is)", path, alg);
            ok = false;
        } else if (!sha256_file(full, hex)) {
            kk_error(diag, full, 0, 0, "listed in the signed manifest but missing");
            ok = false;
        } else if (strcmp(hex, digest)) {
            kk_error(diag, full, 0, 0, "changed after signing (SHA-256 differs from the signed manifest)");
            ok = false;
        }
        if (listed.n == listed.cap) {
            char **nv = realloc(listed.v, (listed.cap = listed.cap ? 2 * listed.cap : 32) * sizeof *nv);
            if (!nv)
                break;
            listed.v = nv;
        }
        if ((listed.v[listed.n] = strdup(path)))
            listed.n++;
        (*count)++;
    }
    if (walk(dir, "", 0, &present, diag)) {
        if (listed.n > 1)
            qsort(listed.v, listed.n, sizeof *listed.v, cmp_str);
        for (size_t i = 0; i < present.n; i++)
            if (!listed.n || !bsearch(&present.v[i], listed.v, listed.n, sizeof *listed.v, cmp_str)) {
                kk_error(diag, dir, 0, 0, "%s was added after signing (not in the signed manifest)", present.v[i]);
                ok = false;
            }
    } else {
        ok = false;
    }
    names_free(&listed);
    names_free(&present);
    return ok;
}

bool kk_verify_manifest(const char *package_dir, kk_diag *diag)
{
    return kk_verify_manifest_ca(package_dir, NULL, diag);
}

bool kk_verify_manifest_ca(const char *package_dir, const char *ca_file, kk_diag *diag)
{
    ca_file = kk_sign_ca_file(ca_file);
    char sigpath[4096];
    snprintf(sigpath, sizeof sigpath, "%s/%s", package_dir, KK_SIGN_MANIFEST_FILE);
    X509_STORE *store = ca_file ? kk_sign_trust_store(ca_file, diag) : NULL;
    if (ca_file && !store)
        return false;
    BIO *f = BIO_new_file(sigpath, "rb"), *dcont = NULL, *out = BIO_new(BIO_s_mem());
    CMS_ContentInfo *cms = f ? SMIME_read_CMS(f, &dcont) : NULL;
    bool ok = false;
    size_t count = 0;
    char *who = NULL;
    if (!f) {
        kk_error(diag, sigpath, 0, 0, "the package has no signed manifest");
    } else if (!cms || !dcont) {
        kk_error(diag, sigpath, 0, 0, "not an S/MIME signed manifest: %s", kk_sign_ssl_error());
    } else if (CMS_verify(cms, NULL, store, dcont, out, store ? 0 : CMS_NO_SIGNER_CERT_VERIFY) != 1) {
        kk_error(diag, sigpath, 0, 0, "the manifest signature is not valid: %s", kk_sign_ssl_error());
    } else {
        STACK_OF(X509) *signers = CMS_get0_signers(cms);
        who = signers && sk_X509_num(signers) ? kk_sign_subject(sk_X509_value(signers, 0)) : NULL;
        sk_X509_free(signers);
        char *p;
        long n = BIO_get_mem_data(out, &p);
        char *text = strndup(p, (size_t)n);
        ok = text && check_lines(package_dir, sigpath, text, &count, diag);
        free(text);
    }
    printf("%s: %s; %zu file%s listed; signed by %s; certificate %s\n", sigpath, ok ? "valid" : "NOT VALID", count,
           count == 1 ? "" : "s", who ? who : "?", store ? (ok ? "trusted" : "-") : "not checked (no --ca)");
    free(who);
    CMS_ContentInfo_free(cms);
    BIO_free(dcont);
    BIO_free(f);
    BIO_free(out);
    X509_STORE_free(store);
    return ok;
}
