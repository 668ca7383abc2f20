/*
 * layout_test.c — stress flows for the layout engine.
 *
 *   layout_test OUTDIR          run the checks, write PDFs for layout_test.sh
 *   layout_test -b N OUTDIR     benchmark: render a 3-page document N times
 *
 * Checks made here, from the page-break dump (kk_flow_debug_breaks):
 * widows/orphans, heading keep-with-next, keep groups, long tokens.  The
 * shell script checks the PDFs with poppler tools.
 */
#define _GNU_SOURCE     /* RTLD_NEXT */
#include "layout/layout.h"
#include "layout/layout_int.h"
#include <dlfcn.h>
#include <fontconfig/fontconfig.h>
#include <hb-ot.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; \
    fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
    fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

static const kk_page_geometry A4 = { 595.276, 841.89, 42.5, 56.7, 70.9, 56.7, 42.5, 0 };
static kk_text_style body, head, small, label, thead;
static kk_typesetter *ts;
static kk_diag *diag;

static void styles(void)
{
    body = (kk_text_style){ .family = "DejaVu Sans", .size = 10, .space_after = 5,
                            .justify = true };
    head = body;
    head.size = 13; head.bold = true; head.justify = false;
    head.space_before = 12; head.space_after = 4;
    small = body; small.size = 9; small.justify = false;
    label = body; label.bold = true; label.justify = false;
    thead = small; thead.bold = true;
}

static const char *LOREM =
    "Kunnanhallitus päätti yksimielisesti hyväksyä esityksen, ja asia siirretään "
    "valtuuston käsiteltäväksi seuraavassa kokouksessa. Perusteluina todettiin, että "
    "talousarvion toteutuminen edellyttää lisä\xc2\xadmäärärahaa sekä hankkeen "
    "aikataulun tarkistamista yhdessä rakennus\xc2\xadvalvonnan kanssa. ";

static char *repeat_text(int n)
{
    size_t len = strlen(LOREM);
    char *s = malloc(len * (size_t)n + 1);
    for (int i = 0; i < n; i++)
        memcpy(s + len * (size_t)i, LOREM, len);
    s[len * (size_t)n] = 0;
    return s;
}

/* The dump, parsed. */
typedef struct { int page, block, from, to, n, col; char kind[16], tag[16]; double xmax, width, y0, y1, x; } frag;

static size_t breaks(kk_flow *f, frag *out, size_t max)
{
    char *buf = NULL;
    size_t len = 0, n = 0;
    FILE *m = open_memstream(&buf, &len);
    kk_flow_debug_breaks(f, m);
    fclose(m);
    for (char *line = strtok(buf, "\n"); line && n < max; line = strtok(NULL, "\n")) {
        frag *r = &out[n];
        const char *xm = strstr(line, "xmax="), *ym = strstr(line, " y=");
        if (sscanf(line, "page %d block %d %15s %15s lines %d-%d/%d", &r->page, &r->block,
                   r->kind, r->tag, &r->from, &r->to, &r->n) == 7 && xm && ym
            && sscanf(ym, " y=%lf-%lf", &r->y0, &r->y1) == 2
            && sscanf(xm, "xmax=%lf width=%lf col=%d x=%lf", &r->xmax, &r->width,
                      &r->col, &r->x) == 4)
            n++;
    }
    free(buf);
    return n;
}

/* The same text in styles and widths that change its lines, each twice so
 * that the typesetter keeps it (kept.c), in typesetter t. */
static kk_flow *kept_case(kk_typesetter *t)
{
    kk_flow *f = kk_flow_new(t, &A4, diag);
    kk_text_style narrow = body, bold = body, ragged = body, big = body, indented = body;
    narrow.indent_left = 200;
    ragged.justify = false;
    bold.justify = big.justify = indented.justify = false;   /* ragged: the line ends tell them apart */
    bold.bold = true;
    big.size = 12;
    indented.first_line_indent = 40;
    const kk_text_style *sts[] = { &body, &narrow, &bold, &ragged, &big, &indented, &body };
    for (int round = 0; round < 2; round++)
        for (size_t i = 0; i < sizeof sts / sizeof *sts; i++)
            CHECK(kk_flow_paragraph(f, "P", sts[i], LOREM), "kept case paragraph %zu", i);
    return f;
}

/* One Pango point is one PDF unit: the typesetter's font map works at 72
 * dpi (text.c relies on PangoFT2's default).  DejaVu Sans's "x" advances
 * 1212 of 2048 units: 59.18 pt at 100 pt (78.9 at 96 dpi). */
static void test_resolution(void)
{
    PangoLayout *l = pango_layout_new(ts->ctx);
    PangoFontDescription *fd = pango_font_description_from_string("DejaVu Sans 100");
    pango_layout_set_font_description(l, fd);
    pango_layout_set_text(l, "x", -1);
    PangoRectangle logical;
    pango_layout_get_extents(l, NULL, &logical);
    double w = (double)logical.width / PANGO_SCALE;
    CHECK(w > 59.1 && w < 59.3, "a 100 pt DejaVu Sans x is %.2f units wide, not 59.18: the resolution is not 72 dpi", w);
    pango_font_description_free(fd);
    g_object_unref(l);
}

/* A kept layout is reused only where laying the text out anew would give
 * the same lines: the break dumps with and without keeping are equal. */
static void test_kept(void)
{
    kk_flow *with = kept_case(ts);
    setenv("KOKOUS_NO_KEPT_LAYOUTS", "1", 1);
    kk_typesetter *fresh = kk_typesetter_new("fi");
    unsetenv("KOKOUS_NO_KEPT_LAYOUTS");
    kk_flow *without = kept_case(fresh);
    frag a[64], b[64];
    size_t na = breaks(with, a, 64), nb = breaks(without, b, 64);
    CHECK(na == nb && na >= 14, "kept case: %zu and %zu fragments", na, nb);
    int lines[7] = { 0 };
    for (size_t i = 0; i < na && i < nb; i++) {
        CHECK(a[i].n == b[i].n && a[i].page == b[i].page && a[i].xmax == b[i].xmax && a[i].width == b[i].width,
              "kept case fragment %zu: %d lines xmax %.2f width %.2f, anew %d lines xmax %.2f width %.2f",
              i, a[i].n, a[i].xmax, a[i].width, b[i].n, b[i].xmax, b[i].width);
        if (i < 7)
            lines[i] = b[i].n;
    }
    /* the styles do change the lines, or the test could not fail */
    CHECK(lines[0] != lines[1] && b[0].xmax != b[3].xmax && b[2].xmax != b[3].xmax
              && b[4].xmax != b[3].xmax && b[5].xmax != b[3].xmax,
          "kept case: width, justification, font and indent change nothing");
    kk_flow_free(with);
    kk_flow_free(without);
    kk_typesetter_free(fresh);
}

/* The glyphs of a paragraph's runs as text (glyph, advance, offsets,
 * cluster), line by line: what the PDF canvas draws. */
static char *glyph_dump(const char *font, const char *text, int width)
{
    PangoLayout *l = pango_layout_new(ts->ctx);
    PangoFontDescription *fd = pango_font_description_from_string(font);
    pango_layout_set_font_description(l, fd);
    pango_layout_set_width(l, width * PANGO_SCALE);
    pango_layout_set_justify(l, TRUE);
    pango_layout_set_text(l, text, -1);
    GString *out = g_string_new(NULL);
    PangoLayoutIter *it = pango_layout_get_iter(l);
    do {
        PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
        if (!run) {
            g_string_append(out, "|\n");
            continue;
        }
        const PangoGlyphString *gs = run->glyphs;
        for (int i = 0; i < gs->num_glyphs; i++)
            g_string_append_printf(out, "%u:%d:%d:%d:%d ", gs->glyphs[i].glyph, gs->glyphs[i].geometry.width,
                                   gs->glyphs[i].geometry.x_offset, gs->glyphs[i].geometry.y_offset,
                                   gs->log_clusters[i]);
    } while (pango_layout_iter_next_run(it));
    pango_layout_iter_free(it);
    pango_font_description_free(fd);
    g_object_unref(l);
    return g_string_free(out, FALSE);
}

/* Shaping a word at a time (shape_cache.c) gives the glyphs that shaping
 * each run whole gives, takes the second paragraph's words from the cache,
 * and leaves the runs it may not cut (right-to-left, a mark after a
 * space) to HarfBuzz whole. */
static void test_shape_cache(void)
{
    static const struct { const char *font, *text; int width; bool cut; } cases[] = {
        { "Noto Sans 10", NULL, 300, true },
        { "Noto Sans Bold 10", NULL, 120, true },   /* narrow: hyphens at soft hyphens */
        { "DejaVu Sans 10", NULL, 200, true },      /* its Arabic lookups have the space */
        { "DejaVu Serif Italic 11", NULL, 250, true },
        { "DejaVu Sans 10", "\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d \xd7\xa2\xd7\x95\xd7\x9c\xd7\x9d", 200, false },
        { "DejaVu Sans 10", "ja a \xcc\x81" "b lis\xc3\xa4\xc2\xadm\xc3\xa4\xc3\xa4r\xc3\xa4" "rahaa", 200, false },
    };
    char *text = repeat_text(3);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *t = cases[i].text ? cases[i].text : text;
        kk_shape_cache_set_enabled(false);
        char *whole = glyph_dump(cases[i].font, t, cases[i].width);
        kk_shape_cache_set_enabled(true);
        kk_shape_cache_counts c0, c1, c2;
        kk_shape_cache_get_counts(&c0);
        char *first = glyph_dump(cases[i].font, t, cases[i].width);
        kk_shape_cache_get_counts(&c1);
        char *again = glyph_dump(cases[i].font, t, cases[i].width);
        kk_shape_cache_get_counts(&c2);
        CHECK(!strcmp(whole, first) && !strcmp(whole, again), "case %zu (%s): the cache changes the glyphs", i,
              cases[i].font);
        if (cases[i].cut) {
            CHECK(c1.runs > c0.runs && c1.whole == c0.whole && c1.misses > c0.misses,
                  "case %zu (%s): %lu runs cut, %lu shaped whole", i, cases[i].font, c1.runs - c0.runs,
                  c1.whole - c0.whole);
            CHECK(c2.misses == c1.misses && c2.hits > c1.hits && c2.whole == c1.whole,
                  "case %zu (%s): again %lu words shaped, %lu found", i, cases[i].font, c2.misses - c1.misses,
                  c2.hits - c1.hits);
        } else {
            CHECK(c1.whole > c0.whole && c2.whole > c1.whole && c2.hits == c0.hits,
                  "case %zu: a run that may not be cut was cut", i);
        }
        g_free(whole);
        g_free(first);
        g_free(again);
    }
    free(text);
}

/* colour_glyphs.c answers Pango's colour-glyph questions as HarfBuzz does:
 * for every glyph of two real fonts, and for a made-up face with colour
 * layers and SVG glyphs (COLR v0: glyph 2 = glyphs 3 and 4; an SVG table). */
typedef unsigned (*get_layers_fn)(hb_face_t *, hb_codepoint_t, unsigned, unsigned *, hb_ot_color_layer_t *);
typedef hb_bool_t (*face_fn)(hb_face_t *);

static void compare_colour_answers(hb_face_t *face, const char *name, unsigned glyphs)
{
    get_layers_fn layers = (get_layers_fn)dlsym(RTLD_NEXT, "hb_ot_color_glyph_get_layers");
    face_fn png = (face_fn)dlsym(RTLD_NEXT, "hb_ot_color_has_png");
    face_fn svg = (face_fn)dlsym(RTLD_NEXT, "hb_ot_color_has_svg");
    CHECK(layers && png && svg && layers != hb_ot_color_glyph_get_layers, "HarfBuzz's functions not found");
    if (!layers || !png || !svg)
        return;
    CHECK(hb_ot_color_has_png(face) == png(face) && hb_ot_color_has_svg(face) == svg(face),
          "%s: has_png/has_svg differ from HarfBuzz's", name);
    int differ = 0;
    for (unsigned g = 0; g < glyphs; g++) {
        hb_ot_color_layer_t ours[4], theirs[4];
        unsigned n_ours = 4, n_theirs = 4;
        unsigned all_ours = hb_ot_color_glyph_get_layers(face, g, 0, &n_ours, ours);
        unsigned all_theirs = layers(face, g, 0, &n_theirs, theirs);
        differ += all_ours != all_theirs || n_ours != n_theirs || memcmp(ours, theirs, n_ours * sizeof *ours)
                  || hb_ot_color_glyph_get_layers(face, g, 0, NULL, NULL) != all_theirs;
    }
    CHECK(!differ, "%s: %d glyphs' layers differ from HarfBuzz's", name, differ);
}

static hb_face_t *font_face(const char *family)
{
    FcPattern *p = FcNameParse((const FcChar8 *)family), *m;
    FcResult r;
    FcConfigSubstitute(NULL, p, FcMatchPattern);
    FcDefaultSubstitute(p);
    m = FcFontMatch(NULL, p, &r);
    FcChar8 *file = NULL;
    hb_face_t *face = hb_face_get_empty();
    if (m && FcPatternGetString(m, FC_FILE, 0, &file) == FcResultMatch) {
        hb_blob_t *blob = hb_blob_create_from_file((const char *)file);
        face = hb_face_create(blob, 0);
        hb_blob_destroy(blob);
    }
    FcPatternDestroy(p);
    if (m)
        FcPatternDestroy(m);
    return face;
}

static void test_colour_glyphs(void)
{
    const char *fonts[] = { "Noto Sans", "DejaVu Sans", "DejaVu Serif:italic" };
    for (size_t i = 0; i < sizeof fonts / sizeof *fonts; i++) {
        hb_face_t *face = font_face(fonts[i]);
        CHECK(hb_face_get_glyph_count(face) > 100, "%s: no such font", fonts[i]);
        compare_colour_answers(face, fonts[i], hb_face_get_glyph_count(face));
        CHECK(!hb_ot_color_has_png(face) && !hb_ot_color_has_svg(face), "%s: has colour glyphs?", fonts[i]);
        hb_face_destroy(face);
    }
    static const unsigned char colr[] = {
        0, 0, 0, 1, 0, 0, 0, 14, 0, 0, 0, 20, 0, 2,     /* v0, 1 base glyph, 2 layers */
        0, 2, 0, 0, 0, 2,                                /* glyph 2: layers 0..1 */
        0, 3, 0, 0, 0, 4, 0, 1,                          /* glyph 3 palette 0, glyph 4 palette 1 */
    };
    static const unsigned char svg[] = {
        0, 0, 0, 0, 0, 10, 0, 0, 0, 0,                  /* v0, document list at 10 */
        0, 1, 0, 5, 0, 5, 0, 0, 0, 14, 0, 0, 0, 6,      /* glyph 5: 6 bytes at 14 */
        '<', 's', 'v', 'g', '/', '>',
    };
    hb_face_t *builder = hb_face_builder_create();
    hb_blob_t *b1 = hb_blob_create((const char *)colr, sizeof colr, HB_MEMORY_MODE_READONLY, NULL, NULL);
    hb_blob_t *b2 = hb_blob_create((const char *)svg, sizeof svg, HB_MEMORY_MODE_READONLY, NULL, NULL);
    hb_face_builder_add_table(builder, HB_TAG('C', 'O', 'L', 'R'), b1);
    hb_face_builder_add_table(builder, HB_TAG('S', 'V', 'G', ' '), b2);
    hb_blob_t *font = hb_face_reference_blob(builder);
    hb_face_t *face = hb_face_create(font, 0);
    CHECK(hb_ot_color_has_layers(face) && hb_ot_color_has_svg(face) && !hb_ot_color_has_png(face),
          "the made-up colour face: layers %d, svg %d, png %d", hb_ot_color_has_layers(face),
          hb_ot_color_has_svg(face), hb_ot_color_has_png(face));
    CHECK(hb_ot_color_glyph_get_layers(face, 2, 0, NULL, NULL) == 2, "glyph 2 of the colour face: %u layers",
          hb_ot_color_glyph_get_layers(face, 2, 0, NULL, NULL));
    compare_colour_answers(face, "the made-up colour face", 8);
    hb_face_destroy(face);
    hb_blob_destroy(font);
    hb_blob_destroy(b1);
    hb_blob_destroy(b2);
    hb_face_destroy(builder);
}

/* glyph_extents.c: Pango's glyph extents from the per-font table equal the
 * PangoFT2 class's own, for every glyph of three fonts, the empty glyph and
 * an unknown one, asked twice (filling a slot, then from it) and with either
 * rectangle left out. */
static void test_glyph_extents(void)
{
    const char *fonts[] = { "DejaVu Sans 10", "Noto Sans Bold 9.5", "DejaVu Serif Italic 11" };
    for (size_t i = 0; i < sizeof fonts / sizeof *fonts; i++) {
        PangoFontDescription *fd = pango_font_description_from_string(fonts[i]);
        PangoFont *font = pango_font_map_load_font(ts->fontmap, ts->ctx, fd);
        pango_font_description_free(fd);
        CHECK(font && !strcmp(G_OBJECT_TYPE_NAME(font), "PangoFT2Font"), "%s: not a PangoFT2 font", fonts[i]);
        if (!font)
            continue;
        unsigned n = hb_face_get_glyph_count(hb_font_get_face(pango_font_get_hb_font(font)));
        int differ = 0, checked = 0;
        for (unsigned k = 0; k < n + 2; k++) {
            PangoGlyph g = k < n ? k : k == n ? PANGO_GLYPH_EMPTY : PANGO_GET_UNKNOWN_GLYPH(0x41);
            PangoRectangle want_ink, want_log, ink, log, only;
            CHECK(kk_glyph_extents_original(font, g, &want_ink, &want_log), "the table is not installed");
            for (int round = 0; round < 2; round++) {
                pango_font_get_glyph_extents(font, g, &ink, &log);
                differ += memcmp(&ink, &want_ink, sizeof ink) || memcmp(&log, &want_log, sizeof log);
                pango_font_get_glyph_extents(font, g, NULL, &only);
                differ += memcmp(&only, &want_log, sizeof only) != 0;
                pango_font_get_glyph_extents(font, g, &only, NULL);
                differ += memcmp(&only, &want_ink, sizeof only) != 0;
            }
            checked++;
        }
        CHECK(!differ && checked > 500, "%s: %d answers of %d glyphs differ from PangoFT2's", fonts[i], differ, checked);
        g_object_unref(font);
    }
}

static void decorate(kk_canvas *cv, int page, int pages, const kk_page_geometry *g, void *u)
{
    (void)u;
    char right[64];
    snprintf(right, sizeof right, "%d (%d)", page, pages);
    double w = g->width - g->margin_left - g->margin_right;
    PangoLayout *l = kk_typesetter_layout(ts, &small, "Jäämäjärven kunta · Pöytäkirja 5/2024", w);
    PangoLayout *r = kk_typesetter_layout(ts, &small, right, w);
    pango_layout_set_alignment(r, PANGO_ALIGN_RIGHT);
    kk_canvas_set_rgb(cv, 0, 0, 0);
    kk_canvas_show_layout(cv, l, g->margin_left, g->margin_top);
    kk_canvas_show_layout(cv, r, g->margin_left, g->margin_top);
    kk_canvas_fill_rect(cv, g->margin_left, g->margin_top + 16 - 0.25, g->width - g->margin_left - g->margin_right, 0.5);
    g_object_unref(l);
    g_object_unref(r);
}

/* (b) a 3-page paragraph and a 3-line one, at every offset on the page. */
static void test_widows(void)
{
    frag fr[64];
    char *big = repeat_text(40), *three = repeat_text(1);
    /* Cut to about three lines at a space (each line holds ~80 chars). */
    char *cut = three + 200;
    while (*cut != ' ')
        cut--;
    *cut = 0;
    int splits = 0;
    for (double s = 0; s < 700; s += 7) {
        kk_flow *f = kk_flow_new(ts, &A4, diag);
        kk_flow_paragraph(f, "P", &body, "Alku.");
        kk_flow_space(f, s);
        kk_flow_paragraph(f, "P", &body, three);   /* block 2 */
        kk_flow_paragraph(f, "P", &body, big);     /* block 3 */
        size_t n = breaks(f, fr, 64);
        int pages_of_big = 0, frags_of_three = 0;
        for (size_t i = 0; i < n; i++) {
            if (fr[i].block == 2) {
                frags_of_three++;
                CHECK(fr[i].n == 3, "3-line paragraph has %d lines", fr[i].n);
            }
            if (fr[i].block == 3) {
                pages_of_big++;
                CHECK(fr[i].to - fr[i].from + 1 >= 2, "s=%g: fragment with %d line(s)",
                      s, fr[i].to - fr[i].from + 1);
            }
        }
        CHECK(frags_of_three == 1, "s=%g: 3-line paragraph split", s);
        CHECK(pages_of_big >= 3, "s=%g: big paragraph on %d pages", s, pages_of_big);
        splits += pages_of_big;
        kk_flow_free(f);
    }
    free(big);
    free(three);
    printf("widows: ok-checked %d fragments\n", splits);
}

/* (c) heading at the foot of a page, (d) keep group near the end. */
static void test_keeps(void)
{
    frag fr[64];
    int moved_h = 0, moved_k = 0;
    char *five = repeat_text(2);
    for (double s = 0; s < 760; s += 3) {
        kk_flow *f = kk_flow_new(ts, &A4, diag);
        kk_flow_paragraph(f, "P", &body, "Alku.");   /* block 0 */
        kk_flow_space(f, s);                          /* 1 */
        kk_flow_heading(f, 2, &head, "§ 12 Otsikko", "§ 12", NULL);  /* 2 */
        kk_flow_paragraph(f, "P", &body, five);       /* 3 */
        kk_flow_keep_begin(f);                        /* 4 */
        kk_flow_space(f, 30);
        kk_flow_paragraph(f, "P", &body, "Marjatta Häkkinen");   /* 6 */
        kk_flow_paragraph(f, "P", &body, "puheenjohtaja");       /* 7 */
        kk_flow_paragraph(f, "P", &body, "Sanna Kyllönen");      /* 8 */
        kk_flow_paragraph(f, "P", &body, "pöytäkirjanpitäjä");   /* 9 */
        kk_flow_keep_end(f);
        size_t n = breaks(f, fr, 64);
        int hpage = -1, ppage = -1, plines = 0, kpage = -1;
        bool ksplit = false;
        for (size_t i = 0; i < n; i++) {
            if (fr[i].block == 2) hpage = fr[i].page;
            if (fr[i].block == 3 && ppage < 0) {
                ppage = fr[i].page;
                plines = fr[i].to - fr[i].from + 1;
            }
            if (fr[i].block >= 6 && fr[i].block <= 9) {
                if (kpage >= 0 && kpage != fr[i].page) ksplit = true;
                kpage = fr[i].page;
            }
        }
        CHECK(hpage == ppage, "s=%g: heading on page %d, text on %d", s, hpage, ppage);
        CHECK(plines >= 2, "s=%g: heading followed by %d line(s)", s, plines);
        CHECK(!ksplit, "s=%g: keep group split", s);
        if (ksplit && getenv("KK_DEBUG"))
            kk_flow_debug_breaks(f, stderr);
        moved_h += hpage == 2;
        moved_k += kpage == 2;
        kk_flow_free(f);
    }
    free(five);
    CHECK(moved_h > 0 && moved_k > 0, "sweep never moved a heading/keep group");
    printf("keeps: headings moved %d times, keep groups %d times\n", moved_h, moved_k);
}

/* (e) a 200-character token and a long URL. */
static void test_overflow(void)
{
    frag fr[16];
    char tok[256];
    memset(tok, 'x', 200);
    tok[200] = 0;
    char *m = g_strdup_printf("Sana %s ja osoite <a href=\"https://example.org/%s\">"
                              "https://example.org/%s</a> loppu.", tok, tok, tok);
    kk_flow *f = kk_flow_new(ts, &A4, diag);
    CHECK(kk_flow_paragraph(f, "P", &body, m), "paragraph with link rejected");
    size_t n = breaks(f, fr, 16);
    CHECK(n >= 1, "no fragments");
    for (size_t i = 0; i < n; i++)
        CHECK(fr[i].xmax <= fr[i].width + 0.01, "line overflows: %.2f > %.2f",
              fr[i].xmax, fr[i].width);
    printf("overflow: widest line %.1f of %.1f pt\n", n ? fr[0].xmax : 0, n ? fr[0].width : 0);
    CHECK(!kk_flow_paragraph(f, "P", &body, "rikki <b>markup"), "bad markup accepted");
    kk_flow_free(f);
    g_free(m);
}

/* A field whose label wraps to more lines than its value: what follows
 * starts below the label, not under its second line. */
static void test_tall_label(void)
{
    kk_flow *f = kk_flow_new(ts, &A4, diag);
    kk_text_style plain = body;
    plain.justify = false;
    CHECK(kk_flow_field(f, &plain, &plain, 80, "Aaaaaaaaaaaa Bbbbbbbbbbbbb Ccccccccccccc Dddddddddddd", "jäsen"),
          "field rejected");
    CHECK(kk_flow_paragraph(f, "P", &plain, "Seuraava kappale."), "paragraph rejected");
    frag fr[4];
    size_t n = breaks(f, fr, 4);
    CHECK(n == 2, "%zu fragments", n);
    if (n == 2) {
        CHECK(fr[0].y1 - fr[0].y0 > 30, "the field is %.1f pt high: its label wraps to 3 or 4 lines", fr[0].y1 - fr[0].y0);
        CHECK(fr[1].y0 >= fr[0].y1 - 0.01, "the paragraph starts at %.1f, inside the field (to %.1f)", fr[1].y0, fr[0].y1);
    }
    kk_flow_free(f);
}

/* Column regions: n keep groups (heading + paragraph) in two columns, then
 * full-width text.  Checks reading order (page, column, y), groups not split
 * across columns, headings kept with their text, lines inside the column,
 * the last page balanced, and the text after the region below both columns. */
static int columns_case(int n, int *pages_out)
{
    static frag fr[4096];
    kk_flow *f = kk_flow_new(ts, &A4, diag);
    kk_flow_paragraph(f, "P", &head, "Uutiskirje");
    CHECK(kk_flow_columns_begin(f, 2, 14), "columns_begin failed");
    if (n == 1) {
        /* nested region refused (reported to a sink of its own) */
        kk_diag *quiet = kk_diag_new(KK_DIAG_COLLECT, NULL);
        kk_flow *g = kk_flow_new(ts, &A4, quiet);
        CHECK(kk_flow_columns_begin(g, 2, 14) && !kk_flow_columns_begin(g, 3, 14)
              && kk_diag_error_count(quiet) == 1, "nested region accepted");
        kk_flow_free(g);
        kk_diag_free(quiet);
    }
    int *first_block = calloc((size_t)n, sizeof(int));
    for (int i = 0; i < n; i++) {
        char h[64];
        snprintf(h, sizeof h, "Kokous %d", i + 1);
        kk_flow_keep_begin(f);
        kk_flow_heading(f, 2, &head, h, h, NULL);
        first_block[i] = -1;
        char *t = repeat_text(1 + i % 3);
        kk_flow_paragraph(f, "P", &body, t);
        free(t);
        kk_flow_keep_end(f);
    }
    CHECK(kk_flow_columns_end(f), "columns_end failed");
    kk_flow_paragraph(f, "P", &body, "Yhteystiedot lopussa.");
    size_t nf = breaks(f, fr, 4096);
    int pages = kk_flow_paginate(f);
    *pages_out = pages;
    int last_block = -1, last_page = 0, last_col = 0;
    double last_y = 0, colh[2] = { 0, 0 }, tail_y = 0;
    int group = -1, gpage = -1, gcol = -1, splits = 0, colsused[2] = { 0, 0 };
    int tail = 2 + 4 * n;        /* first block after the region */
    for (size_t i = 0; i < nf; i++) {
        frag *r = &fr[i];
        CHECK(r->block >= last_block, "fragments out of block order");
        if (r->block >= tail) {
            tail_y = r->y0;
            continue;
        }
        bool later = r->page > last_page || (r->page == last_page && (r->col > last_col
                     || (r->col == last_col && r->y0 >= last_y - 0.01)));
        CHECK(later, "n=%d: fragment %zu (block %d) reads before the previous one", n, i, r->block);
        last_block = r->block; last_page = r->page; last_col = r->col; last_y = r->y1;
        /* Pango may hang an inserted hyphen a little past the edge. */
        CHECK(r->xmax <= r->width + 4, "n=%d: line overflows its column (%.1f > %.1f)",
              n, r->xmax, r->width);
        if (!strcmp(r->tag, "H2")) {
            group++;
            gpage = r->page; gcol = r->col;
            CHECK(r->x == (r->col ? r->width + 14 : 0), "n=%d: column offset %.1f", n, r->x);
        } else if (group >= 0 && !strcmp(r->tag, "P") && (r->page != gpage || r->col != gcol)) {
            splits++;
        }
        if (r->col >= 0 && r->col < 2)
            colsused[r->col] = 1;
        if (r->page == pages && r->y1 > colh[r->col])
            colh[r->col] = r->y1;
    }
    CHECK(splits == 0, "n=%d: %d keep groups split across columns", n, splits);
    CHECK(n < 4 || (colsused[0] && colsused[1]), "n=%d: second column unused", n);
    /* Balanced: the columns of the last page end within one keep group's
     * height (groups here are at most 1 + 22 lines, under 300 pt). */
    double d = colh[0] - colh[1];
    if (d < 0) d = -d;
    CHECK(d < 300, "n=%d: last page columns unbalanced (%.1f vs %.1f)", n, colh[0], colh[1]);
    CHECK(tail_y >= colh[0] - 0.01 && tail_y >= colh[1] - 0.01,
          "n=%d: text after the region (y %.1f) overlaps the columns (%.1f, %.1f)",
          n, tail_y, colh[0], colh[1]);
    if (getenv("KK_DEBUG"))
        kk_flow_debug_breaks(f, stderr);
    free(first_block);
    kk_flow_free(f);
    return (int)(d + 0.5);
}

static void test_columns(const char *dir)
{
    int pages = 0, worst = 0;
    for (int n = (getenv("KK_N") ? atoi(getenv("KK_N")) : 1); n <= (getenv("KK_N") ? atoi(getenv("KK_N")) : 60); n += (n < 12 ? 1 : 7)) {
        int d = columns_case(n, &pages);
        if (d > worst) worst = d;
    }
    printf("columns: up to %d pages, worst last-page imbalance %d pt\n", pages, worst);
    /* One rendered region for the script (pdftotext reading order). */
    kk_flow *f = kk_flow_new(ts, &A4, diag);
    kk_flow_struct_begin(f, "Document");
    kk_flow_columns_begin(f, 2, 14);
    for (int i = 0; i < 30; i++) {
        char h[64];
        snprintf(h, sizeof h, "Palsta-otsikko %02d", i + 1);
        kk_flow_keep_begin(f);
        kk_flow_heading(f, 2, &head, h, h, NULL);
        kk_flow_paragraph(f, "P", &body, LOREM);
        kk_flow_rule(f, 0.5);
        kk_flow_keep_end(f);
    }
    kk_flow_columns_end(f);
    kk_flow_paragraph(f, "P", &body, "Loppu.");
    kk_flow_struct_end(f);
    char path[4096];
    snprintf(path, sizeof path, "%s/columns.pdf", dir);
    CHECK(kk_flow_render_pdf(f, path, decorate, NULL, NULL, diag), "columns render failed");
    kk_flow_free(f);
}

/* The showcase document: every block type, tables across pages. */
static kk_flow *showcase(int rows)
{
    kk_flow *f = kk_flow_new(ts, &A4, diag);
    kk_flow_set_metadata(f, "Pöytäkirja 5/2024", "Jäämäjärven kunta", "2024-05-13T17:00:00Z");
    kk_flow_struct_begin(f, "Document");
    kk_text_style title = head;
    title.size = 16;
    kk_flow_heading(f, 1, &title, "Kunnanhallitus — Pöytäkirja 5/2024", "Pöytäkirja", "top");
    kk_flow_field(f, &label, &body, 70, "Aika", "Maanantai 13.5.2024 klo 17.00–19.48");
    kk_flow_field(f, &label, &body, 70, "Paikka",
                  "Kunnantalo, valtuustosali, Keskuskatu 12, 71980 Jäämäjärvi &amp; etäyhteys");
    kk_flow_rule(f, 0.5);
    kk_flow_struct_begin(f, "Sect");
    kk_flow_heading(f, 2, &head, "§ 64\tLäsnäolijat", "§ 64 Läsnäolijat", "p64");
    double w[3] = { 3, 3, 1 };
    kk_table *t = kk_flow_table_begin(f, 3, w, &thead, &small);
    const char *hdr[3] = { "Nimi", "Tehtävä", "Läsnä" };
    kk_table_row(t, true, hdr);
    for (int i = 0; i < rows; i++) {
        char name[64], role[96];
        snprintf(name, sizeof name, "Osallistuja %02d Mäkelä-Åkerlund", i + 1);
        snprintf(role, sizeof role, i % 7 == 0 ? "jäsen, saapui klo 17.15 (§ 66 aikana) "
                 "ja poistui esteellisenä § 69 ajaksi" : "jäsen");
        const char *cells[3] = { name, role, i % 5 ? "kyllä" : "ei" };
        kk_table_row(t, false, cells);
    }
    kk_flow_table_end(f, t);
    kk_flow_struct_end(f);
    kk_flow_struct_begin(f, "Sect");
    kk_flow_heading(f, 2, &head, "§ 65\tPäätökset", "§ 65 Päätökset", NULL);
    char *big = repeat_text(3);
    kk_flow_paragraph(f, "P", &body, big);
    kk_flow_paragraph(f, "P", &body, "Lisätietoja: <a href=\"https://www.jaamajarvi.fi/"
                      "paatokset?id=5&amp;v=2024\">kunnan verkkosivut</a>, <b>lihavoitu</b> ja "
                      "<i>kursiivi</i> teksti.");
    kk_flow_list_begin(f, true, 1);
    kk_flow_list_item(f, &body, "Ensimmäinen kohta, joka on niin pitkä, että se rivittyy "
                      "useammalle riville ja näyttää riippuvan sisennyksen.");
    kk_flow_list_begin(f, false, 1);
    kk_flow_list_item(f, &body, "Sisäkkäinen alakohta");
    kk_flow_list_item(f, &body, "Toinen alakohta");
    kk_flow_list_end(f);
    kk_flow_list_item(f, &body, "Toinen kohta");
    kk_flow_list_end(f);
    kk_flow_paragraph(f, "P", &body, big);
    free(big);
    kk_flow_keep_begin(f);
    kk_flow_space(f, 30);
    kk_flow_field(f, &body, &body, 240, "Marjatta Häkkinen", "Sanna Kyllönen");
    kk_flow_field(f, &body, &body, 240, "puheenjohtaja", "pöytäkirjanpitäjä");
    kk_flow_keep_end(f);
    kk_flow_struct_end(f);
    kk_flow_struct_end(f);
    return f;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
    int bench = 0;
    if (argc == 4 && !strcmp(argv[1], "-b")) {
        bench = atoi(argv[2]);
        argv += 2;
        argc -= 2;
    }
    if (argc != 2) {
        fprintf(stderr, "usage: layout_test [-b N] OUTDIR\n");
        return 2;
    }
    const char *dir = argv[1];
    char path[4096];
    styles();
    diag = kk_diag_new(KK_DIAG_TEXT, stderr);
    ts = kk_typesetter_new("fi");
    if (bench) {
        double t0 = now();
        for (int i = 0; i < bench; i++) {
            kk_flow *f = showcase(40);
            snprintf(path, sizeof path, "%s/bench-%04d.pdf", dir, i + 1);
            int pages = 0;
            if (!kk_flow_render_pdf(f, path, decorate, NULL, &pages, diag))
                return 1;
            if (i == 0)
                printf("bench document: %d pages\n", pages);
            kk_flow_free(f);
        }
        double t = now() - t0;
        printf("batch n=%d wall_ms=%.1f docs_per_s=%.1f\n", bench, t * 1e3, bench / t);
        kk_typesetter_free(ts);
        kk_diag_free(diag);
        return 0;
    }
    test_widows();
    test_keeps();
    test_overflow();
    test_tall_label();
    test_kept();
    test_resolution();
    test_shape_cache();
    test_colour_glyphs();
    test_glyph_extents();
    test_columns(dir);

    /* (a), (f), (g): the showcase, twice, plus its dump for the script. */
    for (int k = 1; k <= 2; k++) {
        kk_flow *f = showcase(60);
        snprintf(path, sizeof path, "%s/showcase-%d.pdf", dir, k);
        int pages = 0;
        CHECK(kk_flow_render_pdf(f, path, decorate, NULL, &pages, diag), "render failed");
        if (k == 1) {
            printf("showcase: %d pages\n", pages);
            snprintf(path, sizeof path, "%s/showcase.pages", dir);
            FILE *o = fopen(path, "w");
            fprintf(o, "%d\n", pages);
            fclose(o);
            snprintf(path, sizeof path, "%s/showcase.breaks", dir);
            o = fopen(path, "w");
            kk_flow_debug_breaks(f, o);
            fclose(o);
        }
        kk_flow_free(f);
    }
    kk_typesetter_free(ts);
    CHECK(kk_diag_error_count(diag) == 1, "expected exactly the one markup error, got %zu",
          kk_diag_error_count(diag));
    kk_diag_free(diag);
    printf("%s (%d failures)\n", failures ? "FAIL" : "PASS", failures);
    return failures != 0;
}
