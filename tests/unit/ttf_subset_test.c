/*
 * ttf_subset_test — the TrueType subsetter (layout/ttf_subset.h), read
 * back with our own parse and with FreeType, for Noto Sans and DejaVu Sans:
 * the table directory (tag order, search fields, alignment, checksums, the
 * whole-file checksum), glyph i = old_gids[i] with the source's record
 * byte for byte but its hinting instructions (composites: the same but
 * for component ids, which lead to records that match the source's
 * components, at any depth), numGlyphs = the glyphs given + the components
 * they need, hmtx advance and lsb as in the source, FreeType's unhinted
 * outlines equal to the source's in font units and at pixel sizes, no
 * cvt, fpgm or prep, the same bytes twice, bad arguments refused.
 * Then a fixed-seed fuzz: damaged copies of the font (bytes flipped in the
 * tables the subsetter reads, tables truncated, composite cycles) must
 * give false or a well-formed font; run under ASan/valgrind by the .sh.
 *
 * The reading is our own (ttf_read.h), not the subsetter's.
 * Usage: ttf_subset_test   (pdf_font_test.sh builds and runs it)
 */
#include "layout/ttf_subset.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_OUTLINE_H
#include <fontconfig/fontconfig.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ttf_read.h"

/* Outlines of glyph id in the subset and old in the source, as FreeType
 * loads them with `load_flags`. */
static bool same_outline(FT_Face sub, unsigned id, FT_Face full, unsigned old, int load_flags)
{
    if (FT_Load_Glyph(sub, id, load_flags) || FT_Load_Glyph(full, old, load_flags))
        return false;
    FT_Outline *a = &sub->glyph->outline, *b = &full->glyph->outline;
    return a->n_points == b->n_points && a->n_contours == b->n_contours &&
           sub->glyph->advance.x == full->glyph->advance.x &&
           sub->glyph->linearHoriAdvance == full->glyph->linearHoriAdvance &&
           (!a->n_points || (memcmp(a->points, b->points, (size_t)a->n_points * sizeof *a->points) == 0 &&
                             memcmp(a->tags, b->tags, (size_t)a->n_points) == 0)) &&
           (!a->n_contours || memcmp(a->contours, b->contours, (size_t)a->n_contours * sizeof *a->contours) == 0);
}

/* Where fontconfig finds `family` (exits when it is another one). */
static char *font_file(const char *family, int *index)
{
    FcPattern *pat = FcNameParse((const FcChar8 *)family);
    FcConfigSubstitute(NULL, pat, FcMatchPattern);
    FcDefaultSubstitute(pat);
    FcResult r;
    FcPattern *m = FcFontMatch(NULL, pat, &r);
    FcChar8 *file = NULL, *fam = NULL;
    if (!m || FcPatternGetString(m, FC_FILE, 0, &file) != FcResultMatch ||
        FcPatternGetString(m, FC_FAMILY, 0, &fam) != FcResultMatch || strcmp((char *)fam, family) != 0) {
        fprintf(stderr, "%s not found: install the font\n", family);
        exit(2);
    }
    if (FcPatternGetInteger(m, FC_INDEX, 0, index) != FcResultMatch)
        *index = 0;
    char *path = malloc(strlen((char *)file) + 1);
    if (path)
        strcpy(path, (char *)file);
    FcPatternDestroy(m);
    FcPatternDestroy(pat);
    return path;
}

static uint64_t rnd(uint64_t *st)
{
    *st ^= *st << 13;
    *st ^= *st >> 7;
    *st ^= *st << 17;
    return *st;
}

/* Each table of a font file in a block of its own, so that ASan and
 * valgrind see a read past its end (within the file it would not show). */
typedef struct {
    const unsigned char *p;
    size_t len;
} file_span;

static hb_blob_t *table_copy(hb_face_t *face, hb_tag_t tag, void *user)
{
    const file_span *f = user;
    unsigned n = u16(f->p + 4);
    for (unsigned i = 0; i < n && tag; i++) {
        const unsigned char *r = f->p + 12 + 16 * i;
        uint32_t off = u32(r + 8), len = u32(r + 12);
        if (u32(r) != tag || off > f->len)
            continue;
        len = len < f->len - off ? len : (uint32_t)(f->len - off);
        char *copy = malloc(len ? len : 1);
        if (!copy)
            return NULL;
        memcpy(copy, f->p + off, len);
        return hb_blob_create(copy, len, HB_MEMORY_MODE_WRITABLE, copy, free);
    }
    return NULL;
}

/* A composite whose last component claims more than its record holds
 * (another component after it, or a 2x2 matrix): refused, and without
 * reading past the table when `cut` makes it the last glyph of glyf. */
static void overrun(const unsigned char *orig, size_t len, const src *s, const unsigned *gids, unsigned n,
                    bool matrix, bool cut)
{
    /* one whose record ends with its last component (no instructions), made
     * of glyphs before it in glyf, so that the cut leaves them whole */
    unsigned i = 1;
    size_t c = 0;
    bytes g = {0};
    for (; i < n; i++) {
        g = src_glyph(s, gids[i]);
        if (!is_composite(g))
            continue;
        bool before = true;
        for (c = 10;; c += comp_size(u16(g.p + c))) {
            bytes k = src_glyph(s, u16(g.p + c + 2));
            before &= k.p < g.p && !is_composite(k);
            if (!(u16(g.p + c) & 0x20))
                break;
        }
        if (before && c + comp_size(u16(g.p + c)) == g.len)
            break;
    }
    unsigned char *buf = malloc(len);
    CHECK(i < n && buf);
    if (i >= n || !buf) {
        free(buf);
        return;
    }
    memcpy(buf, orig, len);
    unsigned char *fl = buf + (g.p - orig) + c + 1;
    *fl = matrix ? (*fl & ~0x48) | 0x80 : *fl | 0x20;
    bool room = c + comp_size(*fl) + (matrix ? 0 : 4) <= g.len;
    for (unsigned t = 0; t < u16(buf + 4); t++)
        if (cut && !memcmp(buf + 12 + 16 * t, "glyf", 4)) {
            uint32_t end = (uint32_t)(g.p + g.len - s->glyf);
            unsigned char *r = buf + 12 + 16 * t + 12;
            r[0] = (unsigned char)(end >> 24), r[1] = (unsigned char)(end >> 16);
            r[2] = (unsigned char)(end >> 8), r[3] = (unsigned char)end;
        }
    file_span fsp = {buf, len};
    hb_face_t *face = hb_face_create_for_tables(table_copy, &fsp, NULL);
    unsigned char *out = NULL;
    size_t out_len;
    unsigned ng;
    bool ok = kk_ttf_subset(face, (unsigned[]){0, gids[i]}, 2, &out, &out_len);
    CHECK(room || !ok);
    CHECK(!ok || well_formed(out, out_len, &ng));
    free(out);
    hb_face_destroy(face);
    free(buf);
}

/* Damaged copies of the font file: the subsetter says false or gives a
 * well-formed font, and never reads out of bounds (ASan, valgrind). */
static void fuzz(const unsigned char *orig, size_t len, int index, const src *s, const unsigned *gids, unsigned n)
{
    static const char *const tags[] = {"head", "hhea", "maxp", "hmtx", "loca", "glyf", "post", "cvt ", "fpgm", "prep"};
    unsigned char *buf = malloc(len);
    uint64_t st = 0x9E3779B97F4A7C15u;
    unsigned ok = 0, refused = 0, ntab = u16(orig + 4);
    CHECK(u32(orig) == 0x00010000u && index == 0);   /* a plain .ttf: the directory is at 0 */
    for (int it = 0; it < 400 && buf; it++) {
        memcpy(buf, orig, len);
        const char *tag = tags[rnd(&st) % (sizeof tags / sizeof tags[0])];
        unsigned char *rec = NULL;
        for (unsigned i = 0; i < ntab; i++)
            if (!memcmp(buf + 12 + 16 * i, tag, 4))
                rec = buf + 12 + 16 * i;
        if (!rec)
            continue;
        uint32_t off = u32(rec + 8), tl = u32(rec + 12);
        unsigned g = gids[rnd(&st) % n];
        switch (rnd(&st) % 4) {
        case 0:   /* bytes flipped anywhere in the table */
            for (int k = 1 + (int)(rnd(&st) % 8); k > 0 && tl; k--)
                buf[off + rnd(&st) % tl] ^= (unsigned char)(1 + rnd(&st) % 255);
            break;
        case 1: { /* in a glyph drawn, its loca entries or its metrics */
            bytes gl = src_glyph(s, g);
            size_t at = (size_t)(gl.p - s->glyf) + (gl.len ? rnd(&st) % gl.len : 0);
            size_t la = s->long_loca ? 4 * (size_t)g : 2 * (size_t)g;
            unsigned char *p[] = {buf + (size_t)(s->glyf - orig) + at, buf + (size_t)(s->loca - orig) + la + rnd(&st) % 4,
                                  buf + (size_t)(s->hmtx - orig) + 4 * (size_t)(g < s->nhm ? g : 0) + rnd(&st) % 4};
            *p[rnd(&st) % 3] ^= (unsigned char)(1 + rnd(&st) % 255);
            break;
        }
        case 2:   /* the table cut short */
            rec[12] = rec[13] = 0;
            rec[14] = (unsigned char)(rnd(&st) >> 8 & (tl > 0xFFFF ? 0xFF : (tl >> 8)));
            rec[15] = (unsigned char)rnd(&st);
            break;
        default: { /* a component of a composite drawn pointing back, or anywhere */
            for (unsigned i = 0; i < n; i++) {
                bytes gl = src_glyph(s, gids[(i + g) % n]);
                if (is_composite(gl)) {
                    unsigned char *c = buf + (size_t)(gl.p - orig) + 12;
                    unsigned to = rnd(&st) % 2 ? gids[(i + g) % n] : (unsigned)(rnd(&st) & 0xFFFF);
                    c[0] = (unsigned char)(to >> 8);
                    c[1] = (unsigned char)to;
                    break;
                }
            }
        }
        }
        file_span fsp = {buf, len};
        hb_face_t *face = hb_face_create_for_tables(table_copy, &fsp, NULL);
        unsigned char *out = NULL;
        size_t out_len = 0;
        unsigned ng;
        if (kk_ttf_subset(face, gids, n, &out, &out_len)) {
            CHECK(well_formed(out, out_len, &ng));
            ok++;
        } else {
            refused++;
        }
        free(out);
        hb_face_destroy(face);
    }
    free(buf);
    printf("  fuzz: %u subsets well-formed, %u refused\n", ok, refused);
    CHECK(ok > 0 && refused > 0);
}

/* Glyph `from`'s first component made `to` in buf, a copy of the file
 * s was read from (at orig). */
static void relink(unsigned char *buf, const unsigned char *orig, const src *s, unsigned from, unsigned to)
{
    unsigned char *c = buf + (src_glyph(s, from).p - orig) + 12;
    c[0] = (unsigned char)(to >> 8);
    c[1] = (unsigned char)to;
}

/* Composites made of composites, in a chain of k from comps[0] (k = 1: as
 * the font is), or in a cycle when `cycle`: true with glyph records that
 * match the changed font's, or false. */
static bool nest(const unsigned char *orig, size_t len, const src *s, const unsigned *gids, unsigned n,
                 const unsigned *comps, int k, bool cycle)
{
    unsigned char *buf = malloc(len);
    if (!buf)
        return false;
    memcpy(buf, orig, len);
    for (int i = 0; i + 1 < k; i++)
        relink(buf, orig, s, comps[i], comps[i + 1]);
    if (cycle)
        relink(buf, orig, s, comps[k - 1], comps[0]);
    hb_blob_t *blob = hb_blob_create((const char *)buf, (unsigned)len, HB_MEMORY_MODE_READONLY, NULL, NULL);
    hb_face_t *face = hb_face_create(blob, 0);
    src s2;
    src_open(&s2, face);
    unsigned char *out = NULL;
    size_t out_len;
    unsigned ng;
    bool ok = kk_ttf_subset(face, gids, n, &out, &out_len);
    if (ok) {
        CHECK(well_formed(out, out_len, &ng));
        for (unsigned i = 0; i < n; i++)
            CHECK(same_glyph(out, i, &s2, gids[i], 0));
    }
    free(out);
    src_close(&s2);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    free(buf);
    return ok;
}

/* Codepoints to draw: the accented ones first (composites in both fonts),
 * then ASCII; ~150 glyphs as a meeting's minutes use. */
static unsigned pick(hb_face_t *face, const src *s, unsigned *gids, unsigned *ncomposite)
{
    static const unsigned ranges[][2] = {{0xC0, 0x17F}, {0x1EA0, 0x1EB7}, {0x21, 0x7E}};
    hb_font_t *font = hb_font_create(face);
    unsigned n = 1;
    gids[0] = 0;
    *ncomposite = 0;
    for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++)
        for (unsigned c = ranges[r][0]; c <= ranges[r][1] && n < 150; c++) {
            hb_codepoint_t g;
            bool dup = false;
            if (!hb_font_get_nominal_glyph(font, c, &g) || (r < 2 && n >= 100))
                continue;
            for (unsigned i = 0; i < n; i++)
                dup |= gids[i] == g;
            if (!dup) {
                gids[n++] = g;
                *ncomposite += is_composite(src_glyph(s, g));
            }
        }
    hb_font_destroy(font);
    /* and the last glyph: past numberOfHMetrics in both fonts */
    bool dup = false;
    for (unsigned i = 0; i < n; i++)
        dup |= gids[i] == s->nglyphs - 1;
    if (!dup)
        gids[n++] = s->nglyphs - 1;
    CHECK(s->nhm < s->nglyphs);
    return n;
}

static void check_font(FT_Library lib, const char *family)
{
    int index;
    char *path = font_file(family, &index);
    hb_blob_t *file = hb_blob_create_from_file(path);
    hb_face_t *face = hb_face_create(file, (unsigned)index);
    src s;
    src_open(&s, face);
    unsigned gids[160], ncomp;
    unsigned n = pick(face, &s, gids, &ncomp);
    unsigned char *seen = calloc(s.nglyphs, 1);
    for (unsigned i = 0; i < n; i++)
        seen[gids[i]] = 1;
    bool nested = false;
    unsigned extra = 0;
    for (unsigned i = 0; i < n; i++)
        extra += closure(&s, gids[i], seen, &nested, 0);
    free(seen);
    printf("  %s: %u glyphs given, %u of them composites%s, %u components added\n", family, n, ncomp,
           nested ? " (some nested)" : "", extra);
    CHECK(ncomp > 10 && extra > 0);
    CHECK(gids[n - 1] >= s.nhm);

    unsigned char *out = NULL, *again = NULL;
    size_t len = 0, len2 = 0;
    unsigned ng = 0;
    CHECK(kk_ttf_subset(face, gids, n, &out, &len));
    CHECK(kk_ttf_subset(face, gids, n, &again, &len2));
    CHECK(out && again && len == len2 && memcmp(out, again, len) == 0);
    free(again);
    CHECK(out && well_formed(out, len, &ng));
    if (out && ng) {
        printf("  %s: subset %zu bytes, %u glyphs\n", family, len, ng);
        CHECK(ng == n + extra);
        bytes hmtx = tab(out, "hmtx");
        FT_Face sub = NULL, full = NULL;
        CHECK(!FT_New_Memory_Face(lib, out, (FT_Long)len, 0, &sub) && !FT_New_Face(lib, path, index, &full));
        for (unsigned i = 0; i < n && sub && full; i++) {
            unsigned g = gids[i];
            CHECK(same_glyph(out, i, &s, g, 0));
            /* advance per id as the source's: repeated past numberOfHMetrics */
            size_t adv = 4 * (size_t)(g < s.nhm ? g : s.nhm - 1);
            size_t lsb = g < s.nhm ? 4 * (size_t)g + 2 : 4 * (size_t)s.nhm + 2 * (size_t)(g - s.nhm);
            CHECK(memcmp(hmtx.p + 4 * i, s.hmtx + adv, 2) == 0 && memcmp(hmtx.p + 4 * i + 2, s.hmtx + lsb, 2) == 0);
            CHECK(same_outline(sub, i, full, g, FT_LOAD_NO_SCALE | FT_LOAD_NO_HINTING));
            for (int px = 9; px <= 17; px += 4) {
                CHECK(!FT_Set_Pixel_Sizes(sub, 0, (FT_UInt)px) && !FT_Set_Pixel_Sizes(full, 0, (FT_UInt)px));
                CHECK(same_outline(sub, i, full, g, FT_LOAD_NO_HINTING));
            }
        }
        CHECK(!tab(out, "cvt ").len && !tab(out, "fpgm").len && !tab(out, "prep").len);
        FT_Done_Face(sub);
        FT_Done_Face(full);
    }
    free(out);

    /* A glyph given twice is there twice (each copy gets its own text in
     * the PDF): one more record than with it once. */
    unsigned char *once, *twice;
    size_t once_len, twice_len;
    CHECK(kk_ttf_subset(face, (unsigned[]){0, gids[1]}, 2, &once, &once_len));
    CHECK(kk_ttf_subset(face, (unsigned[]){0, gids[1], gids[1]}, 3, &twice, &twice_len));
    CHECK(twice_len > once_len);
    free(once);
    free(twice);
    /* Refused arguments. */
    unsigned bad[][3] = {{5, 0, 1}, {0, s.nglyphs, 1}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(!kk_ttf_subset(face, bad[i], 3, &out, &len));
    CHECK(!kk_ttf_subset(face, gids, 0, &out, &len));

    unsigned flen;
    const unsigned char *fdata = (const unsigned char *)hb_blob_get_data(file, &flen);
    /* The fonts nest no composites: made to, in a chain of 16 composites
     * (the deepest taken) and 17; cycles of one and two are refused. */
    unsigned comps[20], nc = 0;
    for (unsigned i = 0; i < n && nc < 20; i++)
        if (is_composite(src_glyph(&s, gids[i])))
            comps[nc++] = gids[i];
    CHECK(nc == 20 && u32(fdata) == 0x00010000u);
    if (nc == 20) {
        CHECK(nest(fdata, flen, &s, gids, n, comps, 2, false));
        CHECK(nest(fdata, flen, &s, gids, n, comps, 16, false));
        CHECK(!nest(fdata, flen, &s, gids, n, comps, 17, false));
        CHECK(!nest(fdata, flen, &s, gids, n, comps, 1, true));
        CHECK(!nest(fdata, flen, &s, gids, n, comps, 2, true));
    }
    for (int k = 0; k < 4; k++)
        overrun(fdata, flen, &s, gids, n, k & 1, k & 2);
    fuzz(fdata, flen, index, &s, gids, n);
    src_close(&s);
    hb_face_destroy(face);
    hb_blob_destroy(file);
    free(path);
}

int main(int argc, char **argv)
{
    FT_Library lib;
    if (FT_Init_FreeType(&lib))
        return 2;
    check_font(lib, "Noto Sans");
    check_font(lib, "DejaVu Sans");
    FT_Done_FreeType(lib);
    FcFini();
    printf("%s\n", failures ? "FAIL: ttf_subset_test" : "ok: ttf_subset_test");
    return failures != 0;
}
