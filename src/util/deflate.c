/*
 * deflate.c — zlib-format compression with libdeflate (deflate.h).
 */
#include "util/deflate.h"

#include <glib.h>
#include <libdeflate.h>

static GMutex lock;
static struct libdeflate_compressor *compressor;   /* kept: ~0.5 MB of tables, set up once */

size_t kk_deflate_bound(size_t len)
{
    /* libdeflate's bound for any compressor (NULL) */
    return libdeflate_zlib_compress_bound(NULL, len);
}

bool kk_deflate(const void *in, size_t len, void *out, size_t *out_len)
{
    g_mutex_lock(&lock);
    if (!compressor)
        compressor = libdeflate_alloc_compressor(6);
    size_t n = compressor ? libdeflate_zlib_compress(compressor, in, len, out, *out_len) : 0;
    g_mutex_unlock(&lock);
    *out_len = n;
    return n > 0;
}
