/*
 * cairo_lazy.c — the Cairo functions kokous calls (cairo_lazy.h), checked
 * against Cairo's headers, opening libcairo on first use (lazy.h).
 */
#include "util/cairo_lazy.h"
#include "util/lazy.h"

#include <cairo-ft.h>
#include <cairo-pdf.h>
#include <glib.h>

#define KK_CAIRO_FUNCTIONS(R, V) \
    R(cairo_t *, cairo_create, (cairo_surface_t *target), (target)) \
    V(void, cairo_destroy, (cairo_t *cr), (cr)) \
    V(void, cairo_save, (cairo_t *cr), (cr)) \
    V(void, cairo_restore, (cairo_t *cr), (cr)) \
    V(void, cairo_translate, (cairo_t *cr, double tx, double ty), (cr, tx, ty)) \
    V(void, cairo_scale, (cairo_t *cr, double sx, double sy), (cr, sx, sy)) \
    V(void, cairo_set_source_rgb, (cairo_t *cr, double r, double g, double b), (cr, r, g, b)) \
    V(void, cairo_set_source_surface, (cairo_t *cr, cairo_surface_t *s, double x, double y), (cr, s, x, y)) \
    V(void, cairo_set_line_width, (cairo_t *cr, double width), (cr, width)) \
    V(void, cairo_move_to, (cairo_t *cr, double x, double y), (cr, x, y)) \
    V(void, cairo_line_to, (cairo_t *cr, double x, double y), (cr, x, y)) \
    V(void, cairo_rectangle, (cairo_t *cr, double x, double y, double w, double h), (cr, x, y, w, h)) \
    V(void, cairo_fill, (cairo_t *cr), (cr)) \
    V(void, cairo_stroke, (cairo_t *cr), (cr)) \
    V(void, cairo_show_page, (cairo_t *cr), (cr)) \
    V(void, cairo_tag_begin, (cairo_t *cr, const char *tag, const char *attributes), (cr, tag, attributes)) \
    V(void, cairo_tag_end, (cairo_t *cr, const char *tag), (cr, tag)) \
    V(void, cairo_set_scaled_font, (cairo_t *cr, const cairo_scaled_font_t *sf), (cr, sf)) \
    V(void, cairo_show_text_glyphs, (cairo_t *cr, const char *utf8, int utf8_len, const cairo_glyph_t *glyphs, \
                                     int num_glyphs, const cairo_text_cluster_t *clusters, int num_clusters, \
                                     cairo_text_cluster_flags_t cluster_flags), \
      (cr, utf8, utf8_len, glyphs, num_glyphs, clusters, num_clusters, cluster_flags)) \
    R(const char *, cairo_status_to_string, (cairo_status_t status), (status)) \
    R(cairo_font_options_t *, cairo_font_options_create, (void), ()) \
    V(void, cairo_font_options_destroy, (cairo_font_options_t *o), (o)) \
    V(void, cairo_font_options_set_hint_metrics, (cairo_font_options_t *o, cairo_hint_metrics_t m), (o, m)) \
    V(void, cairo_font_options_set_hint_style, (cairo_font_options_t *o, cairo_hint_style_t s), (o, s)) \
    R(cairo_font_face_t *, cairo_ft_font_face_create_for_pattern, (FcPattern *pattern), (pattern)) \
    V(void, cairo_font_face_destroy, (cairo_font_face_t *face), (face)) \
    R(cairo_scaled_font_t *, cairo_scaled_font_create, (cairo_font_face_t *face, const cairo_matrix_t *font_matrix, \
                                                         const cairo_matrix_t *ctm, const cairo_font_options_t *o), \
      (face, font_matrix, ctm, o)) \
    R(cairo_status_t, cairo_scaled_font_status, (cairo_scaled_font_t *sf), (sf)) \
    V(void, cairo_scaled_font_destroy, (cairo_scaled_font_t *sf), (sf)) \
    R(cairo_surface_t *, cairo_image_surface_create, (cairo_format_t format, int width, int height), (format, width, height)) \
    R(unsigned char *, cairo_image_surface_get_data, (cairo_surface_t *s), (s)) \
    R(int, cairo_image_surface_get_stride, (cairo_surface_t *s), (s)) \
    R(cairo_status_t, cairo_surface_status, (cairo_surface_t *s), (s)) \
    V(void, cairo_surface_flush, (cairo_surface_t *s), (s)) \
    V(void, cairo_surface_mark_dirty, (cairo_surface_t *s), (s)) \
    V(void, cairo_surface_finish, (cairo_surface_t *s), (s)) \
    V(void, cairo_surface_destroy, (cairo_surface_t *s), (s)) \
    R(cairo_surface_t *, cairo_pdf_surface_create_for_stream, (cairo_write_func_t write_func, void *closure, \
                                                                 double width, double height), \
      (write_func, closure, width, height)) \
    V(void, cairo_pdf_surface_set_metadata, (cairo_surface_t *s, cairo_pdf_metadata_t m, const char *utf8), (s, m, utf8)) \
    R(int, cairo_pdf_surface_add_outline, (cairo_surface_t *s, int parent_id, const char *utf8, const char *link_attribs, \
                                           cairo_pdf_outline_flags_t flags), \
      (s, parent_id, utf8, link_attribs, flags))

KK_LAZY_LIBRARY(KK_CAIRO_FUNCTIONS, KK_CAIRO_SONAME)

bool kk_cairo_open(void) { return kk_lazy_load(&lib); }

KK_LAZY_DEFINE(KK_CAIRO_FUNCTIONS)
