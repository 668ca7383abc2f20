/*
 * ttf_read.h — the unit tests' own reading of a TrueType font, independent
 * of the subsetter (layout/ttf_subset.c) it checks: the structure its
 * output promises (well_formed), the source font's glyph records and
 * metrics through hb's table access (src), and a glyph-by-glyph comparison
 * of the two (same_glyph).  Only for fonts already known sound, but for
 * well_formed, which takes anything.
 */
#ifndef KK_TEST_TTF_READ_H
#define KK_TEST_TTF_READ_H

#include <hb.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static inline unsigned u16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static inline uint32_t u32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

typedef struct {
    const unsigned char *p;
    size_t len;
} bytes;

/* A table of the subset from its directory (checked by well_formed). */
static inline bytes tab(const unsigned char *f, const char *tag)
{
    unsigned n = u16(f + 4);
    for (unsigned i = 0; i < n; i++)
        if (memcmp(f + 12 + 16 * i, tag, 4) == 0)
            return (bytes){f + u32(f + 12 + 16 * i + 8), u32(f + 12 + 16 * i + 12)};
    return (bytes){NULL, 0};
}

static inline uint32_t sum(const unsigned char *p, size_t len)
{
    uint32_t s = 0;
    for (size_t i = 0; i < len; i += 4)
        s += u32(p + i);
    return s;
}

/* Everything the promise says about the file's structure; the glyph count
 * in *ng.  Quiet: the fuzz asks it of fonts that may well be refused. */
static inline bool well_formed(const unsigned char *f, size_t len, unsigned *ng)
{
    if (len < 12 || len % 4 || u32(f) != 0x00010000u)
        return false;
    unsigned n = u16(f + 4), p2 = 1, lg = 0;
    while (p2 * 2 <= n)
        p2 *= 2, lg++;
    if (12 + 16 * (size_t)n > len || u16(f + 6) != p2 * 16 || u16(f + 8) != lg || u16(f + 10) != n * 16 - p2 * 16)
        return false;
    for (unsigned i = 0; i < n; i++) {
        const unsigned char *r = f + 12 + 16 * i;
        uint32_t off = u32(r + 8), tl = u32(r + 12);
        if ((i && memcmp(r - 16, r, 4) >= 0) || off % 4 || off < 12 + 16 * n || off > len || len - off < ((tl + 3) & ~3u))
            return false;
        if (!memcmp(r, "cmap", 4) || !memcmp(r, "name", 4))
            return false;
        /* head's own checksum is taken with checkSumAdjustment 0 */
        uint32_t adj = !memcmp(r, "head", 4) && tl >= 12 ? u32(f + off + 8) : 0;
        if (sum(f + off, (tl + 3) & ~3u) - adj != u32(r + 4))
            return false;
    }
    bytes head = tab(f, "head"), hhea = tab(f, "hhea"), maxp = tab(f, "maxp"), hmtx = tab(f, "hmtx");
    bytes loca = tab(f, "loca"), glyf = tab(f, "glyf"), post = tab(f, "post");
    if (head.len < 54 || hhea.len < 36 || maxp.len < 6 || !loca.p || !glyf.p || !hmtx.p)
        return false;
    if (sum(f, len) != 0xB1B0AFBAu || u16(head.p + 50) != 1)
        return false;
    if (post.p && (post.len != 32 || u32(post.p) != 0x00030000u))
        return false;
    unsigned g = u16(maxp.p + 4);
    if (!g || u16(hhea.p + 34) != g || hmtx.len != 4 * (size_t)g || loca.len != 4 * ((size_t)g + 1))
        return false;
    for (unsigned i = 0; i < g; i++) {
        uint32_t a = u32(loca.p + 4 * i), b = u32(loca.p + 4 * i + 4);
        if (a > b || b > glyf.len || a % 4 || b % 4)
            return false;
        if (b - a >= 10 && (u16(glyf.p + a) & 0x8000))
            for (uint32_t c = a + 10;; ) {
                if (c + 4 > b || u16(glyf.p + c + 2) >= g)
                    return false;
                unsigned fl = u16(glyf.p + c);
                c += 4 + (fl & 1 ? 4 : 2) + (fl & 8 ? 2 : fl & 0x40 ? 4 : fl & 0x80 ? 8 : 0);
                if (c > b)
                    return false;
                if (!(fl & 0x20))
                    break;
            }
    }
    if (u32(loca.p + 4 * g) != glyf.len)
        return false;
    *ng = g;
    return true;
}

/* The source font, read with hb's table access as the subsetter does. */
typedef struct {
    hb_face_t *face;
    hb_blob_t *loca_b, *glyf_b, *hmtx_b;
    const unsigned char *loca, *glyf, *hmtx;
    unsigned nglyphs, nhm;
    bool long_loca;
} src;

static inline const unsigned char *data(hb_blob_t *b)
{
    return (const unsigned char *)hb_blob_get_data(b, NULL);
}

static inline void src_open(src *s, hb_face_t *face)
{
    s->face = face;
    s->loca_b = hb_face_reference_table(face, HB_TAG('l', 'o', 'c', 'a'));
    s->glyf_b = hb_face_reference_table(face, HB_TAG('g', 'l', 'y', 'f'));
    s->hmtx_b = hb_face_reference_table(face, HB_TAG('h', 'm', 't', 'x'));
    s->loca = data(s->loca_b);
    s->glyf = data(s->glyf_b);
    s->hmtx = data(s->hmtx_b);
    hb_blob_t *b = hb_face_reference_table(face, HB_TAG('h', 'e', 'a', 'd'));
    s->long_loca = u16(data(b) + 50) == 1;
    hb_blob_destroy(b);
    b = hb_face_reference_table(face, HB_TAG('h', 'h', 'e', 'a'));
    s->nhm = u16(data(b) + 34);
    hb_blob_destroy(b);
    s->nglyphs = hb_face_get_glyph_count(face);
}

static inline void src_close(src *s)
{
    hb_blob_destroy(s->loca_b);
    hb_blob_destroy(s->glyf_b);
    hb_blob_destroy(s->hmtx_b);
}

static inline bytes src_glyph(const src *s, unsigned g)
{
    uint32_t a = s->long_loca ? u32(s->loca + 4 * g) : 2 * u16(s->loca + 2 * g);
    uint32_t b = s->long_loca ? u32(s->loca + 4 * g + 4) : 2 * u16(s->loca + 2 * g + 2);
    return (bytes){s->glyf + a, b - a};
}

static inline bool is_composite(bytes g)
{
    return g.len >= 10 && (u16(g.p) & 0x8000);
}

static inline unsigned comp_size(unsigned fl)
{
    return 4 + (fl & 1 ? 4 : 2) + (fl & 8 ? 2 : fl & 0x40 ? 4 : fl & 0x80 ? 8 : 0);
}

/* The number of glyphs under composite g not yet in seen[], marking them;
 * *nested when one of them is a composite itself. */
static inline unsigned closure(const src *s, unsigned g, unsigned char *seen, bool *nested, int depth)
{
    bytes b = src_glyph(s, g);
    unsigned n = 0;
    if (!is_composite(b))
        return 0;
    *nested |= depth > 0;
    for (size_t c = 10;; c += comp_size(u16(b.p + c))) {
        unsigned k = u16(b.p + c + 2);
        if (!seen[k]) {
            seen[k] = 1;
            n++;
        }
        n += closure(s, k, seen, nested, depth + 1);
        if (!(u16(b.p + c) & 0x20))
            break;
    }
    return n;
}

/* Source glyph record g as the subset must have it: without hinting
 * instructions (a simple glyph's instructionLength 0, a composite's
 * WE_HAVE_INSTRUCTIONS cleared and its instructions cut).  *n gets the
 * length; buf holds at least g.len bytes. */
static inline void unhinted(bytes g, unsigned char *buf, size_t *n)
{
    *n = 0;
    if (g.len < 10)
        return;
    if (!is_composite(g)) {
        size_t il_at = 10 + 2 * (size_t)u16(g.p), il = u16(g.p + il_at);
        memcpy(buf, g.p, il_at);
        buf[il_at] = buf[il_at + 1] = 0;
        memcpy(buf + il_at + 2, g.p + il_at + 2 + il, g.len - il_at - 2 - il);
        *n = g.len - il;
        return;
    }
    memcpy(buf, g.p, g.len);
    *n = g.len;
    for (size_t c = 10;; c += comp_size(u16(g.p + c))) {
        unsigned fl = u16(g.p + c);
        if (!(fl & 0x20)) {
            buf[c] &= 0xFE;   /* WE_HAVE_INSTRUCTIONS, 0x0100 */
            if (fl & 0x100)
                *n = c + comp_size(fl);
            return;
        }
    }
}

/* Subset glyph id of font f matches source glyph old: the same bytes
 * without instructions (unhinted), but the component ids, which lead to
 * matching glyphs; padding zero. */
static inline bool same_glyph(const unsigned char *f, unsigned id, const src *s, unsigned old, int depth)
{
    bytes loca = tab(f, "loca"), glyf = tab(f, "glyf");
    uint32_t a = u32(loca.p + 4 * id), b = u32(loca.p + 4 * id + 4);
    bytes src_rec = src_glyph(s, old);
    unsigned char *w = malloc(src_rec.len + 1);
    size_t wl;
    unhinted(src_rec, w, &wl);
    bool ok = w && b - a == ((wl + 3) & ~(size_t)3) && depth <= 16;
    const unsigned char *got = glyf.p + a;
    for (size_t i = wl; ok && i < b - a; i++)
        ok = !got[i];
    if (ok && !is_composite(src_rec)) {
        ok = memcmp(got, w, wl) == 0;
    } else if (ok) {
        size_t c = 10;
        ok = memcmp(got, w, 10) == 0;
        for (; ok;) {
            unsigned fl = u16(w + c), sz = comp_size(fl);
            ok = u16(got + c) == fl && memcmp(got + c + 4, w + c + 4, sz - 4) == 0 &&
                 same_glyph(f, u16(got + c + 2), s, u16(w + c + 2), depth + 1);
            c += sz;
            if (!(fl & 0x20))
                break;
        }
        ok = ok && memcmp(got + c, w + c, wl - c) == 0;
    }
    free(w);
    return ok;
}

#endif
