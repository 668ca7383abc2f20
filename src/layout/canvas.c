/*
 * canvas.c — the calls of canvas.h and layout.h's kk_canvas_*, passed to
 * the PDF canvas (canvas_pdf.c) or drawn with Cairo.
 */
#include "layout/canvas.h"
#include "layout/canvas_pdf.h"

#include <cairo-pdf.h>
#include <stdio.h>

#include <stdlib.h>
#include <string.h>

struct kk_canvas {
    kk_pdfc *pdf;          /* owned; NULL for a Cairo canvas */
    cairo_t *cr;           /* borrowed */
    cairo_surface_t *s;    /* borrowed */
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

kk_canvas *kk_canvas_new_cairo(cairo_t *cr, cairo_surface_t *s)
{
    kk_canvas *cv = calloc(1, sizeof *cv);
    if (cv) {
        cv->cr = cr;
        cv->s = s;
    }
    return cv;
}

void kk_canvas_free(kk_canvas *cv)
{
    if (!cv)
        return;
    kk_pdfc_free(cv->pdf);
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

/* Cairo: a soft hyphen (U+00AD) where no line breaks is an empty glyph;
 * passed on, each one becomes a marked-content span with /ActualText and
 * splits the text operator it sits in (1,650 of them in four pages of
 * hyphenated Finnish).  So a run is drawn without those glyphs and their
 * bytes; a hyphen at a line end is a real glyph and stays. */
static void cairo_glyphs(cairo_t *cr, const char *text, PangoGlyphItem *gi)
{
    const PangoItem *item = gi->item;
    const char *run = text + item->offset;
    int len = item->length;
    if (!g_strstr_len(run, len, "\xC2\xAD")) {
        pango_cairo_show_glyph_item(cr, text, gi);
        return;
    }
    PangoGlyphString *in = gi->glyphs;
    /* per byte: 1 = a soft hyphen drawn by empty glyphs only (dropped),
     * -1 = one with a visible glyph (the hyphen at a line end) */
    signed char *soft = g_new0(signed char, (size_t)len + 1);
    for (int g = 0; g < in->num_glyphs; g++) {
        int at = in->log_clusters[g];
        if (at < 0 || at + 1 >= len || (unsigned char)run[at] != 0xC2 || (unsigned char)run[at + 1] != 0xAD)
            continue;
        bool empty = in->glyphs[g].glyph == PANGO_GLYPH_EMPTY && in->glyphs[g].geometry.width == 0;
        soft[at] = !empty ? -1 : soft[at] ? soft[at] : 1;
    }
    char *kept = g_malloc((size_t)len + 1);
    int *moved = g_new(int, (size_t)len + 1);   /* new offset of each old one */
    int n = 0;
    for (int i = 0; i < len; i++) {
        moved[i] = n;
        if (soft[i] == 1) {
            moved[++i] = n;
            continue;
        }
        kept[n++] = run[i];
    }
    moved[len] = n;
    kept[n] = '\0';
    PangoGlyphString *out = pango_glyph_string_new();
    pango_glyph_string_set_size(out, in->num_glyphs);
    int m = 0;
    for (int g = 0; g < in->num_glyphs; g++) {
        int at = in->log_clusters[g];
        if (at >= 0 && at < len && soft[at] == 1)
            continue;
        out->glyphs[m] = in->glyphs[g];
        out->log_clusters[m++] = at >= 0 && at <= len ? moved[at] : at;
    }
    out->num_glyphs = m;
    PangoItem *copy = pango_item_copy((PangoItem *)item);
    copy->offset = 0;
    copy->length = n;
    copy->num_chars = (int)g_utf8_strlen(kept, n);
    PangoGlyphItem cleaned = *gi;
    cleaned.item = copy;
    cleaned.glyphs = out;
    pango_cairo_show_glyph_item(cr, kept, &cleaned);
    pango_item_free(copy);
    pango_glyph_string_free(out);
    g_free(moved);
    g_free(kept);
    g_free(soft);
}

void kk_canvas_glyphs(kk_canvas *cv, const char *text, PangoGlyphItem *run, double x, double base)
{
    if (cv->pdf) {
        kk_pdfc_glyphs(cv->pdf, text, run, x, base);
        return;
    }
    cairo_move_to(cv->cr, x, base);
    cairo_glyphs(cv->cr, text, run);
}

void kk_canvas_show_layout(kk_canvas *cv, PangoLayout *layout, double x, double y)
{
    if (!cv->pdf) {
        cairo_move_to(cv->cr, x, y);
        pango_cairo_show_layout(cv->cr, layout);
        return;
    }
    const char *text = pango_layout_get_text(layout);
    PangoLayoutIter *it = pango_layout_get_iter(layout);
    do {
        PangoLayoutRun *run = pango_layout_iter_get_run_readonly(it);
        if (!run)
            continue;
        PangoRectangle logical;
        pango_layout_iter_get_run_extents(it, NULL, &logical);
        int base = pango_layout_iter_get_baseline(it);
        kk_pdfc_glyphs(cv->pdf, text, run, x + (double)logical.x / PANGO_SCALE,
                       y + (double)(base - run->y_offset) / PANGO_SCALE);
    } while (pango_layout_iter_next_run(it));
    pango_layout_iter_free(it);
}

void kk_canvas_image(kk_canvas *cv, cairo_surface_t *img, double x, double y, double width)
{
    if (cv->pdf) {
        kk_pdfc_image(cv->pdf, img, x, y, width);
        return;
    }
    double w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    double scale = width / w;
    cairo_save(cv->cr);
    cairo_translate(cv->cr, x, y);
    cairo_scale(cv->cr, scale, scale);
    cairo_set_source_surface(cv->cr, img, 0, 0);
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
        kk_pdfc_begin(cv->pdf, CAIRO_TAG_LINK, true, uri);
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
