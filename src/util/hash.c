/*
 * hash.c — content hashes with GLib's GChecksum (hash.h).
 */
#include "util/hash.h"

#include <glib.h>
#include <string.h>

/* GChecksum takes lengths as gssize; larger inputs go in pieces. */
static void update(GChecksum *c, const void *data, size_t len)
{
    const guchar *p = data;
    while (len) {
        size_t n = len < (size_t)G_MAXSSIZE ? len : (size_t)G_MAXSSIZE;
        g_checksum_update(c, p, (gssize)n);
        p += n;
        len -= n;
    }
}

static bool finish(GChecksum *c, char *out, size_t hex_len)
{
    const char *hex = c ? g_checksum_get_string(c) : NULL;
    bool ok = hex && strlen(hex) == hex_len;
    if (ok)
        memcpy(out, hex, hex_len + 1);
    if (c)
        g_checksum_free(c);
    return ok;
}

static bool one_shot(GChecksumType type, const void *data, size_t len, char *out, size_t hex_len)
{
    GChecksum *c = g_checksum_new(type);
    if (c)
        update(c, data, len);
    return finish(c, out, hex_len);
}

bool kk_sha256_hex(const void *data, size_t len, char out[KK_SHA256_HEX])
{
    return one_shot(G_CHECKSUM_SHA256, data, len, out, KK_SHA256_HEX - 1);
}

bool kk_md5_hex(const void *data, size_t len, char out[33])
{
    return one_shot(G_CHECKSUM_MD5, data, len, out, 32);
}

kk_sha256 *kk_sha256_new(void)
{
    return (kk_sha256 *)g_checksum_new(G_CHECKSUM_SHA256);
}

void kk_sha256_update(kk_sha256 *h, const void *data, size_t len)
{
    update((GChecksum *)h, data, len);
}

bool kk_sha256_finish(kk_sha256 *h, char out[KK_SHA256_HEX])
{
    return finish((GChecksum *)h, out, KK_SHA256_HEX - 1);
}
