/*
 * pdf_sign.c — kk_sign_pdf: read, check the signer, append the update,
 * sign the byte ranges, write atomically.
 */
#define _POSIX_C_SOURCE 200809L
#include "sign/sign_int.h"
#include "util/fs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Files larger than this are not minutes. */
#define KK_SIGN_MAX_PDF ((size_t)512 << 20)

unsigned char *kk_sign_read_file(const char *path, size_t *len, kk_diag *diag)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        kk_sys_error(diag, path, "cannot open: %s", strerror(errno));
        return NULL;
    }
    unsigned char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            if (cap >= KK_SIGN_MAX_PDF) {
                kk_error(diag, path, 0, 0, "file too large (over %zu MiB)", KK_SIGN_MAX_PDF >> 20);
                free(buf);
                fclose(f);
                return NULL;
            }
            unsigned char *nb = realloc(buf, cap = cap ? cap * 2 : 65536);
            if (!nb) {
                kk_sys_error(diag, path, "out of memory");
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        kk_sys_error(diag, path, "read error");
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/* The field name for `role`: chair and secretary sign once, checkers are
 * numbered.  NULL after reporting.  Caller frees. */
static char *field_name(const kk_pdf_prev *p, const char *path, const char *role, kk_diag *diag)
{
    bool taken[64] = { false };
    for (size_t i = 0; i < p->nnames; i++) {
        size_t rl = strlen(role);
        if (!strncmp(p->names[i], role, rl)) {
            const char *rest = p->names[i] + rl;
            if (!*rest)
                taken[1] = true;
            else if (rest[0] == '_' && atoi(rest + 1) > 1 && atoi(rest + 1) < 64)
                taken[atoi(rest + 1)] = true;
        }
    }
    if (strcmp(role, "checker")) {
        if (taken[1]) {
            kk_error(diag, path, 0, 0, "the document already has a %s signature (field '%s'); it is signed only once", role, role);
            return NULL;
        }
        return strdup(role);
    }
    for (int i = 1; i < 64; i++)
        if (!taken[i]) {
            char buf[32];
            if (i == 1)
                snprintf(buf, sizeof buf, "%s", role);
            else
                snprintf(buf, sizeof buf, "%s_%d", role, i);
            return strdup(buf);
        }
    kk_error(diag, path, 0, 0, "too many %s signatures", role);
    return NULL;
}

static bool valid_role(const char *role)
{
    return role && (!strcmp(role, "chair") || !strcmp(role, "secretary") || !strcmp(role, "checker"));
}

bool kk_sign_pdf(const char *in, const char *out, const kk_sign_opts *o, kk_diag *diag)
{
    if (!valid_role(o->role)) {
        kk_diag_report(diag, KK_ERROR, KK_FAIL_USAGE, NULL, 0, 0, "--role must be chair, secretary or checker");
        return false;
    }
    if (!o->name || !*o->name) {
        kk_diag_report(diag, KK_ERROR, KK_FAIL_USAGE, NULL, 0, 0, "give the signer's name with --name NAME");
        return false;
    }
    size_t len;
    unsigned char *data = kk_sign_read_file(in, &len, diag);
    if (!data)
        return false;
    kk_sign_keys keys;
    kk_pdf_prev prev;
    bool have_prev = false, have_keys = false, ok = false;
    char *field = NULL;
    unsigned char *whole = NULL, *der = NULL;
    kk_buf upd = { 0 };
    if (!(have_prev = kk_pdf_prev_read(&prev, in, data, len, diag)))
        goto out;
    if (!(field = field_name(&prev, in, o->role, diag)))
        goto out;
    if (!(have_keys = kk_sign_keys_load(&o->keys, o->when, &keys, diag)))
        goto out;
    /* A trial signature tells how much room /Contents needs: the DER size
     * does not depend on the data signed, up to a few bytes. */
    size_t trial_len = 0;
    unsigned char *trial = kk_cms_sign_detached(&keys, (const unsigned char *)"", 0, &trial_len, diag);
    if (!trial)
        goto out;
    OPENSSL_free(trial);
    kk_pdf_sig_spec spec = { field, o->role, o->name, o->when, (trial_len + 600) / 256 * 256 + 256 };
    size_t contents_at, byterange_at;
    if (!kk_pdf_update_build(&prev, &spec, &upd, &contents_at, &byterange_at)) {
        kk_sys_error(diag, in, "out of memory");
        goto out;
    }
    size_t total = len + upd.len;
    if (!(whole = malloc(total))) {
        kk_sys_error(diag, in, "out of memory");
        goto out;
    }
    memcpy(whole, data, len);
    memcpy(whole + len, upd.s, upd.len);
    size_t gap_end = contents_at + 2 + 2 * spec.contents_bytes;
    char br[40];
    snprintf(br, sizeof br, "%010zu %010zu %010zu", contents_at, gap_end, total - gap_end);
    memcpy(whole + byterange_at, br, 32);
    /* The signed bytes: everything but the /Contents string. */
    unsigned char *signed_bytes = malloc(total - (gap_end - contents_at));
    if (!signed_bytes) {
        kk_sys_error(diag, in, "out of memory");
        goto out;
    }
    memcpy(signed_bytes, whole, contents_at);
    memcpy(signed_bytes + contents_at, whole + gap_end, total - gap_end);
    size_t der_len = 0;
    der = kk_cms_sign_detached(&keys, signed_bytes, total - (gap_end - contents_at), &der_len, diag);
    free(signed_bytes);
    if (!der)
        goto out;
    if (der_len > spec.contents_bytes) {
        kk_sys_error(diag, in, "internal error: the signature (%zu bytes) does not fit its placeholder (%zu)", der_len,
                     spec.contents_bytes);
        goto out;
    }
    static const char hex[] = "0123456789ABCDEF";
    for (size_t i = 0; i < der_len; i++) {
        whole[contents_at + 1 + 2 * i] = (unsigned char)hex[der[i] >> 4];
        whole[contents_at + 2 + 2 * i] = (unsigned char)hex[der[i] & 15];
    }
    ok = kk_write_atomic(out, whole, total, diag);
out:
    OPENSSL_free(der);
    free(whole);
    kk_buf_free(&upd);
    free(field);
    if (have_keys)
        kk_sign_keys_free(&keys);
    if (have_prev)
        kk_pdf_prev_free(&prev);
    free(data);
    return ok;
}
