/* ttf_subset.c — a TrueType-outline subset for PDF embedding (see
 * ttf_subset.h).  Table layouts as in the OpenType specification. */
#include "layout/ttf_subset.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Deep enough for any real font (FreeType's own limit is in the same
 * range); a cycle would otherwise never end in a renderer. */
enum { MAX_DEPTH = 16 };

enum { NEW = 0, VISITING, DONE };

/* Composite component flags. */
enum {
    ARGS_ARE_WORDS = 0x0001,
    HAVE_SCALE = 0x0008,
    MORE_COMPONENTS = 0x0020,
    HAVE_XY_SCALE = 0x0040,
    HAVE_2X2 = 0x0080,
    HAVE_INSTRUCTIONS = 0x0100,
};

typedef struct {
    hb_blob_t *blob;
    const unsigned char *p;
    unsigned len;
} table;

typedef struct {
    table head, hhea, maxp, hmtx, loca, glyf, post, os2;
    unsigned nglyphs, nhm;
    bool long_loca;
    uint16_t *new_of_old;  /* old gid -> its first new id + 1; 0 for not taken */
    unsigned *old;         /* new id -> old gid (a glyph may be there twice) */
    unsigned char *state;  /* new id -> NEW, VISITING, DONE */
    unsigned count;
    size_t glyf_size;      /* glyph records each padded to 4 bytes */
} plan;

static unsigned rd16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void wr16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void wr32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static size_t pad4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

static void get(hb_face_t *face, hb_tag_t tag, table *t)
{
    t->blob = hb_face_reference_table(face, tag);
    t->p = (const unsigned char *)hb_blob_get_data(t->blob, &t->len);
    if (!t->p)
        t->len = 0;
}

static void plan_free(plan *pl)
{
    table *ts[] = {&pl->head, &pl->hhea, &pl->maxp, &pl->hmtx, &pl->loca, &pl->glyf,
                   &pl->post, &pl->os2};
    for (size_t i = 0; i < sizeof ts / sizeof ts[0]; i++)
        hb_blob_destroy(ts[i]->blob);
    free(pl->new_of_old);
    free(pl->old);
    free(pl->state);
}

/* Where glyph `old` lies in glyf; false when loca says nonsense. */
static bool glyph_at(const plan *pl, unsigned old, uint32_t *off, uint32_t *len)
{
    uint32_t a, b;
    if (pl->long_loca) {
        a = rd32(pl->loca.p + 4 * (size_t)old);
        b = rd32(pl->loca.p + 4 * (size_t)old + 4);
    } else {
        a = 2 * (uint32_t)rd16(pl->loca.p + 2 * (size_t)old);
        b = 2 * (uint32_t)rd16(pl->loca.p + 2 * (size_t)old + 2);
    }
    if (a > b || b > pl->glyf.len)
        return false;
    *off = a;
    *len = b - a;
    return true;
}

static unsigned take(plan *pl, unsigned old)
{
    unsigned id = pl->count++;
    pl->old[id] = old;
    if (!pl->new_of_old[old])
        pl->new_of_old[old] = (uint16_t)(id + 1);
    return id;
}

/* Bytes of the component record starting with `flags`. */
static unsigned component_size(unsigned flags)
{
    unsigned n = 4 + (flags & ARGS_ARE_WORDS ? 4 : 2);
    if (flags & HAVE_SCALE)
        n += 2;
    else if (flags & HAVE_XY_SCALE)
        n += 4;
    else if (flags & HAVE_2X2)
        n += 8;
    return n;
}

/* The length of a glyph record without its hinting instructions, 0 for a
 * malformed one.  Hinting is left out of the subset: PDF viewers render
 * outlines unhinted (poppler, pdf.js, Acrobat), and the instructions were
 * a third of the bytes to compress (DejaVu Sans). */
static uint32_t unhinted_len(const unsigned char *g, uint32_t len)
{
    if (len == 0)
        return 0;
    if (len < 10)
        return 0;
    if (!(rd16(g) & 0x8000)) {
        uint32_t at = 10 + 2 * (uint32_t)rd16(g);   /* instructionLength */
        if (at + 2 > len || at + 2 + rd16(g + at) > len)
            return 0;
        return len - rd16(g + at);
    }
    for (uint32_t at = 10;;) {
        if (len - at < 4)
            return 0;
        unsigned flags = rd16(g + at);
        if (len - at < component_size(flags))
            return 0;
        at += component_size(flags);
        if (!(flags & MORE_COMPONENTS))
            return flags & HAVE_INSTRUCTIONS ? at : len;
    }
}

/* Takes the glyphs that glyph `id` is made of, depth first; records its
 * padded size. */
static bool visit(plan *pl, unsigned id, int depth)
{
    pl->state[id] = VISITING;
    uint32_t off, len;
    if (!glyph_at(pl, pl->old[id], &off, &len))
        return false;
    if (len == 0) {
        pl->state[id] = DONE;
        return true;
    }
    const unsigned char *g = pl->glyf.p + off;
    uint32_t kept = unhinted_len(g, len);
    if (!kept)
        return false;
    pl->glyf_size += pad4(kept);
    if (!(rd16(g) & 0x8000)) {  /* numberOfContours >= 0: a simple glyph */
        pl->state[id] = DONE;
        return true;
    }
    for (uint32_t at = 10;;) {
        if (len - at < 4)
            return false;
        unsigned flags = rd16(g + at), comp = rd16(g + at + 2);
        unsigned size = component_size(flags);
        if (comp >= pl->nglyphs || len - at < size || depth + 1 > MAX_DEPTH)
            return false;
        unsigned cid = pl->new_of_old[comp] ? pl->new_of_old[comp] - 1u : take(pl, comp);
        if (pl->state[cid] == VISITING)
            return false;
        if (pl->state[cid] == NEW && !visit(pl, cid, depth + 1))
            return false;
        at += size;
        if (!(flags & MORE_COMPONENTS))
            break;
    }
    pl->state[id] = DONE;
    return true;
}

static bool plan_make(plan *pl, hb_face_t *face, const unsigned *old_gids, unsigned n)
{
    get(face, HB_TAG('h', 'e', 'a', 'd'), &pl->head);
    get(face, HB_TAG('h', 'h', 'e', 'a'), &pl->hhea);
    get(face, HB_TAG('m', 'a', 'x', 'p'), &pl->maxp);
    get(face, HB_TAG('h', 'm', 't', 'x'), &pl->hmtx);
    get(face, HB_TAG('l', 'o', 'c', 'a'), &pl->loca);
    get(face, HB_TAG('g', 'l', 'y', 'f'), &pl->glyf);
    get(face, HB_TAG('p', 'o', 's', 't'), &pl->post);
    get(face, HB_TAG('O', 'S', '/', '2'), &pl->os2);
    if (pl->head.len < 54 || rd32(pl->head.p + 12) != 0x5F0F3CF5u || rd16(pl->head.p + 50) > 1)
        return false;
    if (pl->hhea.len < 36 || pl->maxp.len < 6 || !pl->glyf.len || (pl->post.len && pl->post.len < 32))
        return false;
    pl->nglyphs = rd16(pl->maxp.p + 4);
    pl->nhm = rd16(pl->hhea.p + 34);
    pl->long_loca = rd16(pl->head.p + 50) == 1;
    if (!pl->nglyphs || !pl->nhm || pl->nhm > pl->nglyphs ||
        pl->loca.len / (pl->long_loca ? 4 : 2) < pl->nglyphs + 1u || !n || old_gids[0] != 0)
        return false;
    /* the given ids (repeats allowed) and at most every glyph once more as
     * a component; glyph ids are 16 bits */
    size_t most = (size_t)n + pl->nglyphs;
    pl->new_of_old = calloc(pl->nglyphs, sizeof *pl->new_of_old);
    pl->old = malloc(most * sizeof *pl->old);
    pl->state = calloc(most, 1);
    if (!pl->new_of_old || !pl->old || !pl->state)
        return false;
    for (unsigned i = 0; i < n; i++) {
        if (old_gids[i] >= pl->nglyphs)
            return false;
        take(pl, old_gids[i]);
    }
    for (unsigned i = 0; i < n; i++)
        if (pl->state[i] == NEW && !visit(pl, i, 0))
            return false;
    /* loca is long: offsets must fit in 32 bits; numGlyphs is 16 */
    return pl->glyf_size <= UINT32_MAX && pl->count <= 0xFFFF;
}

/* Advance and left side bearing of glyph `old`; past numberOfHMetrics the
 * advance is the last one given and only bearings follow. */
static bool metrics(const plan *pl, unsigned old, unsigned char out[4])
{
    size_t adv_at = 4 * (size_t)(old < pl->nhm ? old : pl->nhm - 1);
    size_t lsb_at = old < pl->nhm ? 4 * (size_t)old + 2 : 4 * (size_t)pl->nhm + 2 * (size_t)(old - pl->nhm);
    if (adv_at + 2 > pl->hmtx.len || lsb_at + 2 > pl->hmtx.len)
        return false;
    memcpy(out, pl->hmtx.p + adv_at, 2);
    memcpy(out + 2, pl->hmtx.p + lsb_at, 2);
    return true;
}

/* glyf and loca together: each record copied without its instructions,
 * component ids renumbered (visit has checked the records). */
static void write_glyphs(const plan *pl, unsigned char *glyf, unsigned char *loca)
{
    uint32_t at = 0;
    for (unsigned id = 0; id < pl->count; id++) {
        uint32_t off, len;
        glyph_at(pl, pl->old[id], &off, &len);
        wr32(loca + 4 * (size_t)id, at);
        const unsigned char *src = pl->glyf.p + off;
        unsigned char *g = glyf + at;
        uint32_t kept = len ? unhinted_len(src, len) : 0;
        if (kept && !(rd16(src) & 0x8000)) {
            uint32_t il_at = 10 + 2 * (uint32_t)rd16(src), il = rd16(src + il_at);
            memcpy(g, src, il_at);
            wr16(g + il_at, 0);
            memcpy(g + il_at + 2, src + il_at + 2 + il, len - il_at - 2 - il);
        } else if (kept) {
            memcpy(g, src, kept);
            for (uint32_t c = 10;; ) {
                unsigned flags = rd16(g + c);
                wr16(g + c + 2, pl->new_of_old[rd16(g + c + 2)] - 1u);
                if (!(flags & MORE_COMPONENTS)) {
                    wr16(g + c, flags & ~(unsigned)HAVE_INSTRUCTIONS);
                    break;
                }
                c += component_size(flags);
            }
        }
        memset(g + kept, 0, pad4(kept) - kept);
        at += (uint32_t)pad4(kept);
    }
    wr32(loca + 4 * (size_t)pl->count, at);
}

static uint32_t checksum(const unsigned char *p, size_t padded_len)
{
    uint32_t s = 0;
    for (size_t i = 0; i < padded_len; i += 4)
        s += rd32(p + i);
    return s;
}

bool kk_ttf_subset(hb_face_t *face, const unsigned *old_gids, unsigned n, unsigned char **out,
                   size_t *out_len)
{
    plan pl = {0};
    if (!plan_make(&pl, face, old_gids, n)) {
        plan_free(&pl);
        return false;
    }
    /* In tag order, as the table directory must be; sources of the copied
     * tables, NULL for the ones built here. */
    struct {
        hb_tag_t tag;
        const table *src;
        size_t len;
    } t[] = {
        {HB_TAG('O', 'S', '/', '2'), &pl.os2, pl.os2.len},
        {HB_TAG('g', 'l', 'y', 'f'), NULL, pl.glyf_size},
        {HB_TAG('h', 'e', 'a', 'd'), &pl.head, pl.head.len},
        {HB_TAG('h', 'h', 'e', 'a'), &pl.hhea, pl.hhea.len},
        {HB_TAG('h', 'm', 't', 'x'), NULL, 4 * (size_t)pl.count},
        {HB_TAG('l', 'o', 'c', 'a'), NULL, 4 * ((size_t)pl.count + 1)},
        {HB_TAG('m', 'a', 'x', 'p'), &pl.maxp, pl.maxp.len},
        {HB_TAG('p', 'o', 's', 't'), &pl.post, pl.post.len ? 32 : 0},
    };
    enum { NT = sizeof t / sizeof t[0] };
    unsigned ntables = 0;
    size_t total = 12;
    for (unsigned i = 0; i < NT; i++)
        if (t[i].len) {
            ntables++;
            total += 16 + pad4(t[i].len);
        }
    unsigned char *f = total <= UINT32_MAX ? calloc(1, total) : NULL;
    if (!f) {
        plan_free(&pl);
        return false;
    }
    unsigned pow2 = 1, log2 = 0;
    while (pow2 * 2 <= ntables) {
        pow2 *= 2;
        log2++;
    }
    wr32(f, 0x00010000u);
    wr16(f + 4, ntables);
    wr16(f + 6, pow2 * 16);
    wr16(f + 8, log2);
    wr16(f + 10, ntables * 16 - pow2 * 16);

    size_t at = 12 + 16 * (size_t)ntables, rec = 12, head_at = 0;
    unsigned char *glyf = NULL, *loca = NULL;
    bool ok = true;
    for (unsigned i = 0; i < NT; i++) {
        if (!t[i].len)
            continue;
        unsigned char *d = f + at;
        hb_tag_t tag = t[i].tag;
        if (t[i].src)
            memcpy(d, t[i].src->p, t[i].len);
        if (tag == HB_TAG('g', 'l', 'y', 'f'))
            glyf = d;
        else if (tag == HB_TAG('l', 'o', 'c', 'a'))
            loca = d;
        else if (tag == HB_TAG('h', 'm', 't', 'x'))
            for (unsigned id = 0; id < pl.count && ok; id++)
                ok = metrics(&pl, pl.old[id], d + 4 * (size_t)id);
        else if (tag == HB_TAG('h', 'e', 'a', 'd')) {
            head_at = at;
            wr32(d + 8, 0);  /* checkSumAdjustment: the sums exclude it */
            wr16(d + 50, 1);
        } else if (tag == HB_TAG('h', 'h', 'e', 'a'))
            wr16(d + 34, pl.count);
        else if (tag == HB_TAG('m', 'a', 'x', 'p'))
            wr16(d + 4, pl.count);
        else if (tag == HB_TAG('p', 'o', 's', 't'))
            wr32(d, 0x00030000u);
        if (tag == HB_TAG('l', 'o', 'c', 'a'))  /* glyf comes first in tag order */
            write_glyphs(&pl, glyf, loca);
        wr32(f + rec, tag);
        wr32(f + rec + 8, (uint32_t)at);
        wr32(f + rec + 12, (uint32_t)t[i].len);
        rec += 16;
        at += pad4(t[i].len);
    }
    /* Checksums last: glyf is filled only when loca is reached. */
    for (size_t r = 12; r < 12 + 16 * (size_t)ntables; r += 16)
        wr32(f + r + 4, checksum(f + rd32(f + r + 8), pad4(rd32(f + r + 12))));
    wr32(f + head_at + 8, 0xB1B0AFBAu - checksum(f, total));
    plan_free(&pl);
    if (!ok) {
        free(f);
        return false;
    }
    *out = f;
    *out_len = total;
    return true;
}
