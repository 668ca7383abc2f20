/*
 * canvas.c — the calls of canvas.h and layout.h's kk_canvas_*, passed to
 * the PDF canvas (canvas_pdf.c) or drawn with Cairo.
 *
 * Cairo is the fallback (canvas.h) and is opened only when a document
 * needs it (util/cairo_lazy.c): Pango lays out with its FreeType font map,
 * so the Cairo canvas draws Pango's glyph runs itself, with the fonts
 * Pango chose (their fontconfig patterns, through cairo-ft), and their text
 * as clusters so that the PDF's text can be extracted.
 */
#include "layout/canvas.h"
#include "layout/canvas_pdf.h"
#include "layout/layout_int.h"
#include "util/cairo_lazy.h"
#include "util/text.h"

#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kk_canvas {
    kk_pdfc *pdf;          /* owned; NULL for a Cairo canvas */
    cairo_t *cr;           /* owned */
    cairo_surface_t *s;    /* owned */
    GHashTable *fonts;     /* PangoFont (a reference) -> cairo_scaled_font_t (one reference) */
    GHashTable *images;    /* kk_image (a reference) -> cairo_surface_t (one reference): a
                            * logo on every page is one image in the file */
    int pages;
};

kk_canvas *kk_canvas_new_pdf(double w, double h, bool tagged)
{
    kk_canvas *cv = calloc(1, sizeof *cv);
    if (cv && !(cv->pdf = kk_pdfc_new(w, h, tagged))) {
        free(cv);
        return NULL;
    }
    return cv;
}

void kk_canvas_free(kk_canvas *cv)
{
    if (!cv)
        return;
    kk_pdfc_free(cv->pdf);
    if (cv->fonts)
        g_hash_table_destroy(cv->fonts);
    if (cv->images)
        g_hash_table_destroy(cv->images);
    if (cv->cr)
        cairo_destroy(cv->cr);
    if (cv->s)
        cairo_surface_destroy(cv->s);
    free(cv);
}

void kk_canvas_set_info(kk_canvas *cv, const char *title, const char *author, const char *date)
{
    if (cv->pdf) {
        kk_pdfc_set_info(cv->pdf, title, author);
        return;
    }
    cairo_pdf_surface_set_metadata(cv->s, CAIRO_PDF_METADATA_CREATOR, "kokous");
    if (title)
        cairo_pdf_surface_set_metadata(cv->s, CAIRO_PDF_METADATA_TITLE, title);
    if (author)
        cairo_pdf_surface_set_metadata(cv->s, CAIRO_PDF_METADATA_AUTHOR, author);
    if (date)
        cairo_pdf_surface_set_metadata(cv->s, CAIRO_PDF_METADATA_CREATE_DATE, date);
}

void kk_canvas_page(kk_canvas *cv)
{
    if (cv->pdf)
        kk_pdfc_page(cv->pdf);
    else if (cv->pages > 0)
        cairo_show_page(cv->cr);
    cv->pages++;
    kk_canvas_set_rgb(cv, 0, 0, 0);
}

void kk_canvas_set_rgb(kk_canvas *cv, double r, double g, double b)
{
    if (cv->pdf)
        kk_pdfc_rgb(cv->pdf, r, g, b);
    else
        cairo_set_source_rgb(cv->cr, r, g, b);
}

void kk_canvas_fill_rect(kk_canvas *cv, double x, double y, double w, double h)
{
    if (cv->pdf) {
        kk_pdfc_fill_rect(cv->pdf, x, y, w, h);
        return;
    }
    cairo_rectangle(cv->cr, x, y, w, h);
    cairo_fill(cv->cr);
}

void kk_canvas_stroke_rect(kk_canvas *cv, double x, double y, double w, double h, double lw)
{
    if (cv->pdf) {
        kk_pdfc_stroke_rect(cv->pdf, x, y, w, h, lw);
        return;
    }
    cairo_set_line_width(cv->cr, lw);
    cairo_rectangle(cv->cr, x, y, w, h);
    cairo_stroke(cv->cr);
}

void kk_canvas_stroke_line(kk_canvas *cv, double x0, double y0, double x1, double y1, double lw)
{
    if (cv->pdf) {
        kk_pdfc_stroke_line(cv->pdf, x0, y0, x1, y1, lw);
        return;
    }
    cairo_set_line_width(cv->cr, lw);
    cairo_move_to(cv->cr, x0, y0);
    cairo_line_to(cv->cr, x1, y1);
    cairo_stroke(cv->cr);
}

static void drop_scaled_font(gpointer sf) { cairo_scaled_font_destroy(sf); }
static void drop_image(gpointer img) { kk_image_unref(img); }
static void drop_surface(gpointer s) { cairo_surface_destroy(s); }

/* Pango's font as Cairo's: the same file and face (the pattern Pango
 * matched), at its pixel size (at 72 dpi, points) and with its matrix
 * (a synthetic slant); unhinted, as Pango measured it.  NULL on failure. */
static cairo_scaled_font_t *scaled_font(kk_canvas *cv, PangoFont *font)
{
    cairo_scaled_font_t *sf = g_hash_table_lookup(cv->fonts, font);
    if (sf || !PANGO_IS_FC_FONT(font))
        return sf;
    FcPattern *pat = pango_fc_font_get_pattern(PANGO_FC_FONT(font));
    double size = 0;
    if (FcPatternGetDouble(pat, FC_PIXEL_SIZE, 0, &size) != FcResultMatch || size <= 0)
        return NULL;
    FcMatrix *fm = NULL;
    cairo_matrix_t font_matrix = { size, 0, 0, size, 0, 0 }, identity = { 1, 0, 0, 1, 0, 0 };
    if (FcPatternGetMatrix(pat, FC_MATRIX, 0, &fm) == FcResultMatch)   /* y up to y down */
        font_matrix = (cairo_matrix_t){ fm->xx * size, -fm->yx * size, -fm->xy * size, fm->yy * size, 0, 0 };
    cairo_font_face_t *face = cairo_ft_font_face_create_for_pattern(pat);
    cairo_font_options_t *fo = cairo_font_options_create();
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
    sf = cairo_scaled_font_create(face, &font_matrix, &identity, fo);
    cairo_font_options_destroy(fo);
    cairo_font_face_destroy(face);
    if (cairo_scaled_font_status(sf) != CAIRO_STATUS_SUCCESS) {
        cairo_scaled_font_destroy(sf);
        return NULL;
    }
    g_hash_table_insert(cv->fonts, g_object_ref(font), sf);
    return sf;
}

static bool is_soft_hyphen(const char *s, int len)
{
    return len == 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xAD;
}

/* One glyph run as cairo_show_text_glyphs, cluster by cluster in text
 * order (backward for right-to-left runs, whose glyphs are in visual
 * order).  Empty glyphs are left out, and a soft hyphen drawn by empty
 * glyphs only (where no line breaks) is left out with its bytes: Cairo
 * would write each as a marked-content span with /ActualText that splits
 * the text operator (1,650 of them in four pages of hyphenated Finnish).
 * A hyphen at a line end is a real glyph and stays.  A character no font
 * has is drawn as .notdef, as the PDF canvas does. */
static void cairo_run(kk_canvas *cv, const char *text, PangoGlyphItem *gi, double x, double base)
{
    PangoGlyphString *gs = gi->glyphs;
    cairo_scaled_font_t *sf = gs->num_glyphs ? scaled_font(cv, gi->item->analysis.font) : NULL;
    if (!sf)
        return;
    cairo_glyph_t *glyphs = g_new(cairo_glyph_t, (size_t)gs->num_glyphs);
    cairo_text_cluster_t *clusters = g_new(cairo_text_cluster_t, (size_t)gs->num_glyphs + 1);
    int *slot = g_new(int, (size_t)gs->num_glyphs);   /* each glyph's index in glyphs, or -1 */
    double pos = x;
    int ng = 0;
    for (int g = 0; g < gs->num_glyphs; g++) {
        const PangoGlyphInfo *info = &gs->glyphs[g];
        slot[g] = -1;
        if (info->glyph != PANGO_GLYPH_EMPTY) {
            slot[g] = ng;
            glyphs[ng++] = (cairo_glyph_t){ info->glyph & PANGO_GLYPH_UNKNOWN_FLAG ? 0 : info->glyph,
                                            pos + (double)info->geometry.x_offset / PANGO_SCALE,
                                            base + (double)info->geometry.y_offset / PANGO_SCALE };
        }
        pos += (double)info->geometry.width / PANGO_SCALE;
    }
    bool backward = gi->item->analysis.level & 1;
    kk_buf utf8 = { 0 };
    int nc = 0, kept = 0;
    PangoGlyphItemIter it;
    for (gboolean more = pango_glyph_item_iter_init_start(&it, gi, text); more;
         more = pango_glyph_item_iter_next_cluster(&it)) {
        int lo = backward ? it.end_glyph + 1 : it.start_glyph, hi = backward ? it.start_glyph + 1 : it.end_glyph;
        int drawn = 0;
        for (int g = lo; g < hi; g++)
            drawn += slot[g] >= 0;
        int bytes = it.end_index - it.start_index;
        if (!drawn && is_soft_hyphen(text + it.start_index, bytes))
            continue;
        kk_buf_addn(&utf8, text + it.start_index, (size_t)bytes);
        clusters[nc++] = (cairo_text_cluster_t){ bytes, drawn };
        kept += drawn;
    }
    cairo_set_scaled_font(cv->cr, sf);
    if (!utf8.oom && kept == ng)
        cairo_show_text_glyphs(cv->cr, utf8.s ? utf8.s : "", (int)utf8.len, glyphs, ng, clusters, nc,
                               backward ? CAIRO_TEXT_CLUSTER_FLAG_BACKWARD : 0);
    kk_buf_free(&utf8);
    g_free(slot);
    g_free(clusters);
    g_free(glyphs);
}

void kk_canvas_glyphs(kk_canvas *cv, const char *text, PangoGlyphItem *run, double x, double base)
{
    if (cv->pdf)
        kk_pdfc_glyphs(cv->pdf, text, run, x, base);
    else
        cairo_run(cv, text, run, x, base);
}

void kk_canvas_show_layout(kk_canvas *cv, PangoLayout *layout, double x, double y)
{
    const char *text = pango_layout_get_text(layout);
    PangoLayoutIter *it = pango_layout_get_iter(layout);
    do {
        PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
        if (!run)
            continue;
        PangoRectangle logical;
        pango_layout_iter_get_run_extents(it, NULL, &logical);
        int base = pango_layout_iter_get_baseline(it);
        kk_canvas_glyphs(cv, text, run, x + (double)logical.x / PANGO_SCALE,
                         y + (double)(base - run->y_offset) / PANGO_SCALE);
    } while (pango_layout_iter_next_run(it));
    pango_layout_iter_free(it);
}

/* Cairo's image surfaces are premultiplied. */
static cairo_surface_t *cairo_image(const kk_image *img)
{
    int w = kk_image_width(img), h = kk_image_height(img);
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, w, h);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS)
        return s;
    cairo_surface_flush(s);
    unsigned char *d = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *px = kk_image_rgba(img);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++, px += 4) {
            unsigned a = px[3];
            uint32_t v = a << 24 | (px[0] * a + 127) / 255 << 16 | (px[1] * a + 127) / 255 << 8 | (px[2] * a + 127) / 255;
            memcpy(d + (size_t)y * (size_t)stride + (size_t)x * 4, &v, 4);
        }
    cairo_surface_mark_dirty(s);
    return s;
}

void kk_canvas_image(kk_canvas *cv, kk_image *img, double x, double y, double width)
{
    if (cv->pdf) {
        kk_pdfc_image(cv->pdf, img, x, y, width);
        return;
    }
    double w = kk_image_width(img), h = kk_image_height(img);
    double scale = width / w;
    cairo_surface_t *s = g_hash_table_lookup(cv->images, img);
    if (!s)
        g_hash_table_insert(cv->images, kk_image_ref(img), s = cairo_image(img));
    cairo_save(cv->cr);
    cairo_translate(cv->cr, x, y);
    cairo_scale(cv->cr, scale, scale);
    cairo_set_source_surface(cv->cr, s, 0, 0);
    cairo_rectangle(cv->cr, 0, 0, w, h);
    cairo_fill(cv->cr);
    cairo_restore(cv->cr);
}

void kk_canvas_group_begin(kk_canvas *cv, const char *tag)
{
    if (cv->pdf)
        kk_pdfc_begin(cv->pdf, tag, false, NULL);
    else
        cairo_tag_begin(cv->cr, tag, NULL);
}

void kk_canvas_leaf_begin(kk_canvas *cv, const char *tag)
{
    if (cv->pdf)
        kk_pdfc_begin(cv->pdf, tag, true, NULL);
    else
        cairo_tag_begin(cv->cr, tag, NULL);
}

/* Cairo attribute strings are single-quoted with backslash escapes. */
static char *quote_attr(const char *key, const char *val)
{
    GString *s = g_string_new(key);
    g_string_append(s, "='");
    for (const char *p = val; *p; p++) {
        if (*p == '\'' || *p == '\\')
            g_string_append_c(s, '\\');
        g_string_append_c(s, *p);
    }
    g_string_append_c(s, '\'');
    return g_string_free(s, FALSE);
}

void kk_canvas_link_begin(kk_canvas *cv, const char *uri)
{
    if (cv->pdf) {
        kk_pdfc_begin(cv->pdf, KK_TAG_LINK, true, uri);
        return;
    }
    char *a = quote_attr("uri", uri);
    cairo_tag_begin(cv->cr, CAIRO_TAG_LINK, a);
    g_free(a);
}

void kk_canvas_end(kk_canvas *cv, const char *tag)
{
    if (cv->pdf)
        kk_pdfc_end(cv->pdf, tag);
    else
        cairo_tag_end(cv->cr, tag);
}

void kk_canvas_dest(kk_canvas *cv, const char *name, double x, double y)
{
    if (cv->pdf) {
        kk_pdfc_dest(cv->pdf, name, x, y);
        return;
    }
    char *n = quote_attr("name", name);
    char *a = g_strdup_printf("%s x=%.2f y=%.2f", n, x, y);
    cairo_tag_begin(cv->cr, CAIRO_TAG_DEST, a);
    cairo_tag_end(cv->cr, CAIRO_TAG_DEST);
    g_free(a);
    g_free(n);
}

int kk_canvas_outline(kk_canvas *cv, int parent, const char *title, const char *dest,
                      double x, double y)
{
    if (cv->pdf)
        return kk_pdfc_outline(cv->pdf, parent, title, dest, x, y);
    char link[256];
    char *d = dest ? quote_attr("dest", dest) : NULL;
    if (d)
        snprintf(link, sizeof link, "%s", d);
    if (!d || strlen(d) >= sizeof link)
        snprintf(link, sizeof link, "page=%d pos=[%.2f %.2f]", cv->pages, x, y);
    g_free(d);
    return cairo_pdf_surface_add_outline(cv->s, parent ? parent : CAIRO_PDF_OUTLINE_ROOT, title,
                                         link, 0);
}

bool kk_canvas_unsupported(const kk_canvas *cv)
{
    return cv->pdf && kk_pdfc_unsupported(cv->pdf);
}

unsigned char *kk_canvas_pdf_take(kk_canvas *cv, size_t *len, bool *unsupported)
{
    *len = 0;
    *unsupported = kk_canvas_unsupported(cv);
    if (!cv->pdf || *unsupported)
        return NULL;
    return kk_pdfc_take(cv->pdf, len);
}

/* Cairo's output into a kk_buf. */
static cairo_status_t mem_write(void *closure, const unsigned char *data, unsigned int n)
{
    kk_buf *m = closure;
    kk_buf_addn(m, (const char *)data, n);
    return m->oom ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
}

unsigned char *kk_canvas_cairo_pdf(double w, double h, bool (*draw)(kk_canvas *, void *), void *user,
                                   size_t *len, const char **error)
{
    *len = 0;
    *error = "out of memory";
    if (!kk_cairo_open()) {
        *error = "cannot open " KK_CAIRO_SONAME ", which draws documents whose fonts have no TrueType outlines";
        return NULL;
    }
    kk_buf m = { 0 };
    kk_canvas *cv = calloc(1, sizeof *cv);
    if (!cv)
        return NULL;
    cv->s = cairo_pdf_surface_create_for_stream(mem_write, &m, w, h);
    cv->cr = cairo_create(cv->s);
    cv->fonts = g_hash_table_new_full(NULL, NULL, g_object_unref, drop_scaled_font);
    cv->images = g_hash_table_new_full(NULL, NULL, drop_image, drop_surface);
    bool ok = draw(cv, user);
    cairo_destroy(cv->cr);
    cv->cr = NULL;
    cairo_surface_finish(cv->s);
    cairo_status_t st = cairo_surface_status(cv->s);
    kk_canvas_free(cv);
    if (!ok || st != CAIRO_STATUS_SUCCESS || m.oom) {
        if (ok && !m.oom)
            *error = cairo_status_to_string(st);
        kk_buf_free(&m);
        return NULL;
    }
    *len = m.len;
    return (unsigned char *)kk_buf_take(&m);
}
