/*
 * deflate.h — zlib-format compression (PDF /FlateDecode streams) with
 * libdeflate, at zlib's default level 6.
 *
 * Why not zlib's compress2: finishing a document compresses its page
 * content, fonts, object streams and cross-reference stream, and zlib's
 * deflate was a ninth of every document's instructions; libdeflate makes
 * the same format at the same level in about half the time
 * (docs/performance.md).  zlib still inflates what kokous reads.
 *
 * Thread-safe: one compressor, kept for the process, behind a lock.
 */
#ifndef KK_DEFLATE_H
#define KK_DEFLATE_H

#include <stdbool.h>
#include <stddef.h>

/* Room enough for kk_deflate's output of len bytes. */
size_t kk_deflate_bound(size_t len);

/* Compresses in[0..len) into out, whose room is *out_len (at least
 * kk_deflate_bound(len)); *out_len gets the compressed length.  false
 * when memory ran out. */
bool kk_deflate(const void *in, size_t len, void *out, size_t *out_len);

#endif
