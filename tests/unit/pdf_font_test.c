/*
 * pdf_font_test — the font embedding of the PDF writer (layout/pdf_font.h):
 * one index per face whatever the size, compact CIDs in first-use order,
 * advances from hmtx, ToUnicode entries by CID (first text wins, later
 * other text flagged, ligatures, surrogate pairs, 100-entry blocks),
 * and a minimal one-page PDF around the fonts, written twice to check the
 * bytes repeat.  pdf_font_test.sh checks the PDF with qpdf and poppler.
 *
 * Usage: pdf_font_test OUTDIR   (writes OUTDIR/fonts.pdf, and the same
 * glyphs at the same places drawn by Cairo with the whole fonts as
 * OUTDIR/cairo.pdf, for pdf_font_test.sh to compare renderings)
 * With -n N [FAMILY] instead, only writes N glyphs of FAMILY (default Noto
 * Sans), for callgrind.
 */
#include "layout/pdf_font.h"
#include "util/text.h"

#include <hb.h>
#include <math.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static const char *const TEXT = "P\xc3\xa4\xc3\xa4t\xc3\xb6s \xc2\xa7 12 \xe2\x80\x93 hyv\xc3\xa4ksyttiin";

static PangoFont *load(PangoFontMap *map, PangoContext *ctx, const char *desc, const char *family)
{
    PangoFontDescription *d = pango_font_description_from_string(desc);
    PangoFont *f = pango_font_map_load_font(map, ctx, d);
    pango_font_description_free(d);
    if (!f) {
        fprintf(stderr, "cannot load %s\n", desc);
        exit(2);
    }
    PangoFontDescription *got = pango_font_describe(f);
    if (strcmp(pango_font_description_get_family(got), family) != 0) {
        fprintf(stderr, "%s resolved to %s: install the font\n", desc, pango_font_description_get_family(got));
        exit(2);
    }
    pango_font_description_free(got);
    return f;
}

static unsigned gid_of(PangoFont *f, gunichar c)
{
    hb_codepoint_t g = 0;
    if (!hb_font_get_nominal_glyph(pango_font_get_hb_font(f), c, &g))
        fprintf(stderr, "no glyph for U+%04X\n", c);
    return g;
}

/* The glyphs drawn with each font and their CIDs, for checking the
 * written fonts. */
static unsigned drawn[4][512], drawn_cid[4][512];
static int ndrawn[4];

/* Every glyph drawn, where the PDF draws it (PDF user space), for the
 * same page drawn by Cairo with the whole fonts. */
typedef struct {
    PangoFont *font;
    unsigned gid;
    double x, y, size;
} placed;
static placed page_glyphs[1024];
static int npage_glyphs;

/* A CID's code as pdf_font.h says: one byte below KK_PDF_FONT_ONE_BYTE. */
static void add_code_hex(kk_buf *b, unsigned cid)
{
    if (cid < KK_PDF_FONT_ONE_BYTE)
        kk_buf_addf(b, "%02X", cid);
    else
        kk_buf_addf(b, "%04X", 0xF000 + cid - KK_PDF_FONT_ONE_BYTE);
}

/* Records each character of utf8 as drawn with font fi at size pt from
 * (*x, y) on, and appends the CIDs as hex to content. */
static void draw(kk_pdf_fonts *fs, int fi, PangoFont *f, const char *utf8, kk_buf *content, double *x,
                 double y, double size)
{
    kk_buf_add(content, "<");
    for (const char *p = utf8; *p; p = g_utf8_next_char(p)) {
        unsigned g = gid_of(f, g_utf8_get_char(p));
        int cid = kk_pdf_fonts_cid(fs, fi, g, p, (int)(g_utf8_next_char(p) - p));
        CHECK(cid > 0);
        add_code_hex(content, (unsigned)cid);
        if (*p != ' ' && ndrawn[fi] < 512) {
            drawn_cid[fi][ndrawn[fi]] = cid;
            drawn[fi][ndrawn[fi]++] = g;
        }
        if (npage_glyphs < 1024)
            page_glyphs[npage_glyphs++] = (placed){f, g, *x, y, size};
        *x += kk_pdf_fonts_advance(fs, fi, g) * size / 1000;
    }
    kk_buf_add(content, ">");
}

static const char *find(const unsigned char *pdf, size_t len, size_t from, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = from; i + n <= len; i++)
        if (memcmp(pdf + i, s, n) == 0)
            return (const char *)pdf + i;
    return NULL;
}

static int table16(hb_face_t *face, hb_tag_t tag, unsigned off)
{
    hb_blob_t *b = hb_face_reference_table(face, tag);
    unsigned len;
    const unsigned char *d = (const unsigned char *)hb_blob_get_data(b, &len);
    int v = off + 2 <= len ? (int16_t)(d[off] << 8 | d[off + 1]) : 0;
    hb_blob_destroy(b);
    return v;
}

/* The FontDescriptor of `name`: metrics from head, hhea and OS/2 in
 * 1/1000 em (CapHeight is the ascent before OS/2 version 2, as in
 * DejaVu Sans), flags and angle as the font says. */
static void check_descriptor(const unsigned char *pdf, size_t len, PangoFont *font, const char *name,
                             int flags, const char *angle)
{
    char key[64];
    snprintf(key, sizeof key, "+%s /Flags ", name);
    const char *p = find(pdf, len, 0, key);
    CHECK(p != NULL);
    if (!p)
        return;
    hb_face_t *face = hb_font_get_face(pango_font_get_hb_font(font));
    double k = 1000.0 / hb_face_get_upem(face);
    hb_tag_t head = HB_TAG('h', 'e', 'a', 'd'), hhea = HB_TAG('h', 'h', 'e', 'a'), os2 = HB_TAG('O', 'S', '/', '2');
    char want[256];
    snprintf(want, sizeof want, "/Flags %d /FontBBox [ %.0f %.0f %.0f %.0f ] /ItalicAngle %s /Ascent %.0f"
             " /Descent %.0f /CapHeight %.0f /StemV 80 /FontFile2 ", flags,
             round(table16(face, head, 36) * k), round(table16(face, head, 38) * k),
             round(table16(face, head, 40) * k), round(table16(face, head, 42) * k), angle,
             round(table16(face, hhea, 4) * k), round(table16(face, hhea, 6) * k),
             round(table16(face, table16(face, os2, 0) >= 2 ? os2 : hhea, table16(face, os2, 0) >= 2 ? 88 : 4) * k));
    p += strlen(key) - strlen("/Flags ");
    CHECK(strncmp(p, want, strlen(want)) == 0);
    if (strncmp(p, want, strlen(want)) != 0)
        fprintf(stderr, "  got  %.*s\n  want %s\n", (int)strlen(want), p, want);
}

/* Reads the written fonts back (they come in index order): each drawn
 * glyph has a /W entry under its CID equal to kk_pdf_fonts_advance, and
 * the embedded program has an outline and the same advance under glyph
 * id = CID (ttf_subset_test compares the outlines themselves). */
static void check_written(const unsigned char *pdf, size_t len, kk_pdf_fonts *fs)
{
    static int w[65536];
    size_t wfrom = 0, ffrom = 0;
    for (int fi = 0; fi < 4; fi++) {
        const char *p = find(pdf, len, wfrom, "/CIDToGIDMap /Identity /W [");
        const char *prog = find(pdf, len, ffrom, "/Length1 ");
        CHECK(p && prog);
        if (!p || !prog)
            return;
        wfrom = (size_t)((const unsigned char *)p - pdf) + 1;
        ffrom = (size_t)((const unsigned char *)prog - pdf) + 1;
        for (int g = 0; g < 65536; g++)
            w[g] = -1;
        p += strlen("/CIDToGIDMap /Identity /W [");
        char *end;
        for (;;) {
            long first = strtol(p, &end, 10);
            if (end == p)
                break;
            p = end + strspn(end, " ");
            CHECK(*p == '[');
            p++;
            for (long g = first;; g++) {
                long v = strtol(p, &end, 10);
                if (end == p)
                    break;
                if (g >= 0 && g < 65536)
                    w[g] = (int)v;
                p = end;
            }
            p += strspn(p, " ");
            CHECK(*p == ']');
            p++;
        }
        CHECK(strncmp(p, " ] >>", 5) == 0);

        long n = strtol(prog + 9, NULL, 10);
        const char *data = find(pdf, len, ffrom, "stream\n");
        CHECK(data && n > 0 && data + 7 + n <= (const char *)pdf + len);
        if (!data || n <= 0)
            return;
        hb_blob_t *blob = hb_blob_create(data + 7, (unsigned)n, HB_MEMORY_MODE_READONLY, NULL, NULL);
        hb_face_t *face = hb_face_create(blob, 0);
        hb_font_t *font = hb_font_create(face);
        hb_blob_t *glyf = hb_face_reference_table(face, HB_TAG('g', 'l', 'y', 'f'));
        CHECK(hb_blob_get_length(glyf) > 0);
        hb_blob_destroy(glyf);
        for (int i = 0; i < ndrawn[fi]; i++) {
            unsigned g = drawn[fi][i], cid = drawn_cid[fi][i];
            hb_glyph_extents_t ext = {0};
            CHECK(hb_font_get_glyph_extents(font, cid, &ext) && ext.width > 0);
            double adv = kk_pdf_fonts_advance(fs, fi, g);
            CHECK(w[cid] == (int)adv);
            CHECK(round(hb_font_get_glyph_h_advance(font, cid) * 1000.0 / hb_face_get_upem(face)) == adv);
        }
        hb_font_destroy(font);
        hb_face_destroy(face);
        hb_blob_destroy(blob);
    }
}

/* The printable Latin-1 characters that font f has: more than 100, so the
 * ToUnicode CMap needs two blocks. */
static char *latin1(PangoFont *f)
{
    GString *s = g_string_new(NULL);
    for (gunichar c = 0x21; c <= 0xFF; c++) {
        hb_codepoint_t g;
        if ((c < 0x7F || c > 0xA0) && c != 0xAD && hb_font_get_nominal_glyph(pango_font_get_hb_font(f), c, &g))
            g_string_append_unichar(s, c);
    }
    return g_string_free(s, FALSE);
}

/* The whole PDF; NULL if anything failed. */
/* The page's glyphs drawn by Cairo with the whole fonts, where the PDF
 * draws them: the reference its rendering is compared with. */
static void draw_cairo(const char *path)
{
    cairo_surface_t *s = cairo_pdf_surface_create(path, 595, 842);
    cairo_t *cr = cairo_create(s);
    for (int i = 0; i < npage_glyphs; i++) {
        placed *g = &page_glyphs[i];
        cairo_scaled_font_t *sf = pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(g->font));
        cairo_set_font_face(cr, cairo_scaled_font_get_font_face(sf));
        cairo_set_font_size(cr, g->size);
        cairo_show_glyphs(cr, &(cairo_glyph_t){g->gid, g->x, 842 - g->y}, 1);
    }
    CHECK(cairo_status(cr) == CAIRO_STATUS_SUCCESS);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    CHECK(cairo_surface_status(s) == CAIRO_STATUS_SUCCESS);
    cairo_surface_destroy(s);
}

/* The whole PDF; NULL if anything failed.  With cairo_path, also the
 * reference page drawn by Cairo there. */
static unsigned char *make_pdf(PangoFontMap *map, size_t *len, unsigned *dejavu_p, const char *cairo_path)
{
    PangoContext *ctx = pango_font_map_create_context(map);
    PangoFont *noto = load(map, ctx, "Noto Sans 10", "Noto Sans");
    PangoFont *noto14 = load(map, ctx, "Noto Sans 14", "Noto Sans");
    PangoFont *bold = load(map, ctx, "Noto Sans Bold 12", "Noto Sans");
    PangoFont *dejavu = load(map, ctx, "DejaVu Sans 10", "DejaVu Sans");
    PangoFont *italic = load(map, ctx, "Noto Sans Italic 10", "Noto Sans");

    kk_pdf_fonts *fs = kk_pdf_fonts_new();
    memset(ndrawn, 0, sizeof ndrawn);
    CHECK(kk_pdf_fonts_index(fs, noto) == 0);
    CHECK(kk_pdf_fonts_index(fs, noto14) == 0);
    CHECK(kk_pdf_fonts_index(fs, bold) == 1);
    CHECK(kk_pdf_fonts_index(fs, dejavu) == 2);
    CHECK(kk_pdf_fonts_index(fs, noto) == 0);
    CHECK(kk_pdf_fonts_index(fs, italic) == 3);
    CHECK(kk_pdf_fonts_count(fs) == 4);

    kk_buf c = {0};
    npage_glyphs = 0;
    /* Off the pixel grid (at 72 dpi), so that rounding in either PDF
     * cannot move a whole line by a pixel in the rendering comparison. */
    double x = 72.3;
    kk_buf_add(&c, "BT /F0 12 Tf 72.3 700.3 Td ");
    draw(fs, 0, noto, TEXT, &c, &x, 700.3, 12);
    /* CIDs in first-use order: "P" is the first glyph drawn */
    CHECK(kk_pdf_fonts_cid(fs, 0, gid_of(noto, 'P'), "P", 1) == 1);
    CHECK(kk_pdf_fonts_cid(fs, 0, gid_of(noto14, 0xE4), "", 0) == 2);
    CHECK(kk_pdf_fonts_cid(fs, 0, 0, "", 0) == 0);
    kk_buf_add(&c, " Tj ET\nBT /F2 12 Tf 72.3 670.3 Td ");
    /* Drawn from a glyph first met without text (as inside a cluster):
     * the text seen later must still reach ToUnicode. */
    int y_cid = kk_pdf_fonts_cid(fs, 2, gid_of(dejavu, 'y'), "", 0);
    CHECK(y_cid == 1);
    x = 72.3;
    draw(fs, 2, dejavu, TEXT, &c, &x, 670.3, 12);
    CHECK(kk_pdf_fonts_cid(fs, 2, gid_of(dejavu, 'y'), "y", 1) == y_cid);
    kk_buf_add(&c, " Tj ET\nBT /F3 12 Tf 72.3 650.3 Td ");
    x = 72.3;
    draw(fs, 3, italic, TEXT, &c, &x, 650.3, 12);
    kk_buf_add(&c, " Tj ET\nBT /F1 7 Tf 72.3 620.3 Td 0 -10 TD ");
    char *all = latin1(bold);
    double line_y = 610.3;   /* after "0 -10 TD", each T* 10 lower */
    for (const char *p = all; *p;) {
        GString *line = g_string_new(NULL);
        for (int k = 0; k < 60 && *p; k++, p = g_utf8_next_char(p))
            g_string_append_len(line, p, g_utf8_next_char(p) - p);
        x = 72.3;
        draw(fs, 1, bold, line->str, &c, &x, line_y, 7);
        line_y -= 10;
        kk_buf_add(&c, " Tj T*\n");
        g_string_free(line, TRUE);
    }
    g_free(all);
    kk_buf_add(&c, "ET\n");
    if (cairo_path)
        draw_cairo(cairo_path);

    /* A glyph drawn for another text than its first is a copy with a CID
     * of its own (its ToUnicode says that text); the first text or none
     * gives the first CID, the same other text the same copy. */
    int p_first = kk_pdf_fonts_cid(fs, 2, gid_of(dejavu, 'P'), "", 0);
    int x_copy = kk_pdf_fonts_cid(fs, 2, gid_of(dejavu, 'P'), "X", 1);
    CHECK(p_first > 0 && x_copy > p_first);
    *dejavu_p = (unsigned)x_copy;
    CHECK(kk_pdf_fonts_cid(fs, 2, gid_of(dejavu, 'P'), "X", 1) == x_copy);
    CHECK(kk_pdf_fonts_cid(fs, 2, gid_of(dejavu, 'P'), "PX", 1) == p_first);
    int px = kk_pdf_fonts_cid(fs, 2, gid_of(dejavu, 'P'), "PX", 2);
    CHECK(px > x_copy);
    CHECK(kk_pdf_fonts_cid(fs, 2, gid_of(dejavu, 'P'), "", 0) == p_first);
    /* A ligature and a character beyond the BMP, on glyphs not drawn. */
    kk_pdf_fonts_cid(fs, 2, gid_of(dejavu, 'Q'), "fi", 2);
    kk_pdf_fonts_cid(fs, 2, gid_of(dejavu, 'Z'), "\xf0\x9d\x84\x9e", 4);
    /* Pango's unknown glyphs and bad indices are ignored. */
    CHECK(kk_pdf_fonts_cid(fs, 2, 0x10000041u, "A", 1) == 0);
    CHECK(kk_pdf_fonts_cid(fs, 7, 3, "A", 1) == 0);

    /* Advances: hmtx in 1/1000 em, rounded as /W writes them. */
    hb_font_t *u = hb_font_create(hb_font_get_face(pango_font_get_hb_font(dejavu)));
    unsigned a = gid_of(dejavu, 'a');
    double want = round(hb_font_get_glyph_h_advance(u, a) * 1000.0 / hb_face_get_upem(hb_font_get_face(u)));
    CHECK(hb_face_get_upem(hb_font_get_face(u)) == 2048);
    CHECK(kk_pdf_fonts_advance(fs, 2, a) == want);
    CHECK(kk_pdf_fonts_advance(fs, 2, a) == want);
    hb_font_destroy(u);
    CHECK(kk_pdf_fonts_advance(fs, 0, gid_of(noto, 'P')) == kk_pdf_fonts_advance(fs, 0, gid_of(noto14, 'P')));
    CHECK(kk_pdf_fonts_advance(fs, 0, gid_of(noto, 'P')) > 500);
    CHECK(kk_pdf_fonts_advance(fs, 0, 0x10000041u) == 0);

    kk_pdf_out *w = kk_pdf_out_new();
    long cat = kk_pdf_out_reserve(w), pages = kk_pdf_out_reserve(w);
    long page = kk_pdf_out_reserve(w), content = kk_pdf_out_reserve(w);
    long objs[4] = {0};
    CHECK(kk_pdf_fonts_write(fs, w, objs));
    CHECK(objs[0] > 0 && objs[1] > 0 && objs[2] > 0 && objs[3] > 0);
    kk_pdf_out_begin(w, cat);
    kk_pdf_out_printf(w, "<< /Type /Catalog /Pages %ld 0 R >>", pages);
    kk_pdf_out_end(w);
    kk_pdf_out_begin(w, pages);
    kk_pdf_out_printf(w, "<< /Type /Pages /Kids [ %ld 0 R ] /Count 1 >>", page);
    kk_pdf_out_end(w);
    kk_pdf_out_begin(w, page);
    kk_pdf_out_printf(w, "<< /Type /Page /Parent %ld 0 R /MediaBox [ 0 0 595 842 ] /Contents %ld 0 R"
                         " /Resources << /Font << /F0 %ld 0 R /F1 %ld 0 R /F2 %ld 0 R /F3 %ld 0 R >> >> >>",
                      pages, content, objs[0], objs[1], objs[2], objs[3]);
    kk_pdf_out_end(w);
    kk_pdf_out_stream(w, content, "", c.s, c.len);
    kk_buf_free(&c);
    unsigned char *pdf = kk_pdf_out_finish(w, cat, 0, len);
    kk_pdf_out_free(w);
    if (pdf) {
        check_written(pdf, *len, fs);
        check_descriptor(pdf, *len, dejavu, "DejaVuSans", 32, "0.00");
        check_descriptor(pdf, *len, italic, "NotoSans-Italic", 96, "-12.00");
    }

    kk_pdf_fonts_free(fs);
    g_object_unref(noto);
    g_object_unref(noto14);
    g_object_unref(bold);
    g_object_unref(dejavu);
    g_object_unref(italic);
    g_object_unref(ctx);
    return pdf;
}

/* Each bfchar block of the ToUnicode CMaps has as many entries as its
 * count says, and at most 100 (the CMap format's limit). */
static void check_bfchar_blocks(const unsigned char *pdf, size_t len)
{
    int blocks = 0;
    for (const char *p = find(pdf, len, 0, " beginbfchar\n"); p;
         p = find(pdf, len, (size_t)((const unsigned char *)p - pdf) + 1, " beginbfchar\n")) {
        const char *num = p;
        while (num > (const char *)pdf && num[-1] >= '0' && num[-1] <= '9')
            num--;
        long want = strtol(num, NULL, 10), got = 0;
        const char *q = p + strlen(" beginbfchar\n");
        while (*q == '<') {
            got++;
            q = strchr(q, '\n') + 1;
        }
        CHECK(strncmp(q, "endbfchar\n", 10) == 0);
        CHECK(got == want && want >= 1 && want <= 100);
        blocks++;
    }
    CHECK(blocks == 5);   /* Noto 1, Noto Bold 2, DejaVu 1, Noto Italic 1 */
}

static bool has(const unsigned char *pdf, size_t len, const char *s)
{
    /* not strstr: the font programs hold NUL bytes */
    size_t n = strlen(s);
    for (size_t i = 0; i + n <= len; i++)
        if (memcmp(pdf + i, s, n) == 0)
            return true;
    return false;
}

/* callgrind: only kk_pdf_fonts_write of n glyphs of `family` is of
 * interest. */
static int bench(PangoFontMap *map, int n, const char *family)
{
    PangoContext *ctx = pango_font_map_create_context(map);
    char desc[80];
    snprintf(desc, sizeof desc, "%s 10", family);
    PangoFont *noto = load(map, ctx, desc, family);
    kk_pdf_fonts *fs = kk_pdf_fonts_new();
    int fi = kk_pdf_fonts_index(fs, noto);
    int k = 0;
    for (gunichar ch = 0x21; ch < 0x250 && k < n; ch++) {
        char u[8];
        int ul = g_unichar_to_utf8(ch, u);
        hb_codepoint_t g;
        if (hb_font_get_nominal_glyph(pango_font_get_hb_font(noto), ch, &g)) {
            kk_pdf_fonts_cid(fs, fi, g, u, ul);
            kk_pdf_fonts_advance(fs, fi, g);
            k++;
        }
    }
    kk_pdf_out *w = kk_pdf_out_new();
    long obj;
    bool ok = kk_pdf_fonts_write(fs, w, &obj);
    size_t len;
    unsigned char *pdf = kk_pdf_out_finish(w, obj, 0, &len);
    const char *l1 = pdf ? g_strstr_len((const char *)pdf, (gssize)len, "/Length1 ") : NULL;
    printf("%d glyphs, file %zu bytes, font program %ld bytes\n", k, len, l1 ? atol(l1 + 9) : -1L);
    free(pdf);
    kk_pdf_out_free(w);
    kk_pdf_fonts_free(fs);
    g_object_unref(noto);
    g_object_unref(ctx);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    PangoFontMap *map = pango_cairo_font_map_new();
    if ((argc == 3 || argc == 4) && strcmp(argv[1], "-n") == 0) {
        int r = bench(map, atoi(argv[2]), argc == 4 ? argv[3] : "Noto Sans");
        g_object_unref(map);
        return r;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: pdf_font_test OUTDIR | -n GLYPHS [FAMILY]\n");
        return 2;
    }
    size_t len1 = 0, len2 = 0;
    unsigned p_gid = 0;
    char *cairo_path = g_strdup_printf("%s/cairo.pdf", argv[1]);
    unsigned char *a = make_pdf(map, &len1, &p_gid, cairo_path);
    unsigned char *b = make_pdf(map, &len2, &p_gid, NULL);
    g_free(cairo_path);
    CHECK(a && b);
    if (a && b) {
        CHECK(len1 == len2 && memcmp(a, b, len1) == 0);
        CHECK(has(a, len1, "/Subtype /Type0 /BaseFont /"));
        CHECK(has(a, len1, "+NotoSans-Regular /Encoding "));
        CHECK(has(a, len1, "+NotoSans-Bold /Encoding "));
        CHECK(has(a, len1, "+DejaVuSans /Encoding "));
        CHECK(has(a, len1, "/Type /CMap /CMapName /Kokous-OneByte-H"));
        CHECK(has(a, len1, "<00> <EF> 0\n<F000> <FFFF> 240\n"));
        CHECK(has(a, len1, "/CIDToGIDMap /Identity /W [ 0 ["));
        CHECK(has(a, len1, "/Flags 32 "));
        CHECK(has(a, len1, "/Length1 "));
        CHECK(has(a, len1, "100 beginbfchar\n"));
        check_bfchar_blocks(a, len1);
        CHECK(has(a, len1, "> <00660069>\n"));
        CHECK(has(a, len1, "> <D834DD1E>\n"));
        char p[128];
        /* the copy of DejaVu's P drawn for "X" says X */
        snprintf(p, sizeof p, "<%02X> <0058>\n", p_gid);
        CHECK(p_gid < KK_PDF_FONT_ONE_BYTE && has(a, len1, p));
        CHECK(!has(a, len1, "/CIDSet"));
        snprintf(p, sizeof p, "%s/fonts.pdf", argv[1]);
        FILE *f = fopen(p, "wb");
        CHECK(f && fwrite(a, 1, len1, f) == len1 && fclose(f) == 0);
    }
    free(a);
    free(b);
    g_object_unref(map);
    printf("%s\n", failures ? "FAIL: pdf_font_test" : "ok: pdf_font_test C checks");
    return failures != 0;
}
