/*
 * hash.h — content hashes: the incremental build's stamps (SHA-256), a
 * PDF's /ID (MD5, as the PDF specification suggests) and the archive's
 * fixity values (SHA-256), computed with GLib's GChecksum.
 *
 * Why not OpenSSL: these hashes are on the path of every build, and
 * linking libcrypto cost every kokous process ~1.5 ms of start-up (its
 * relocations; docs/performance.md), a twentieth of a one-document build.
 * GLib is loaded anyway.  OpenSSL stays for what is cryptography, the
 * signatures (sign/), and is opened only by the commands that sign or
 * verify (util/crypto_lazy.c).
 *
 * Errors: false only when memory ran out.
 */
#ifndef KK_HASH_H
#define KK_HASH_H

#include <stdbool.h>
#include <stddef.h>

enum { KK_SHA256_HEX = 65 };   /* 64 lowercase hex digits and NUL */

/* SHA-256 of data[0..len) as hex. */
bool kk_sha256_hex(const void *data, size_t len, char out[KK_SHA256_HEX]);

/* MD5 of data[0..len) as 32 hex digits and NUL. */
bool kk_md5_hex(const void *data, size_t len, char out[33]);

/* SHA-256 over pieces: new, update any number of times, finish (which
 * frees it, whatever it returns). */
typedef struct kk_sha256 kk_sha256;
kk_sha256 *kk_sha256_new(void);   /* NULL when out of memory */
void kk_sha256_update(kk_sha256 *h, const void *data, size_t len);
bool kk_sha256_finish(kk_sha256 *h, char out[KK_SHA256_HEX]);

#endif
