/*
 * canvas.h — internal to the layout stage: what render.c draws pages on.
 *
 * Two backends behind one set of calls.  The PDF canvas (canvas_pdf.c)
 * writes the PDF itself: glyph runs straight from Pango as text operators,
 * fonts subset with HarfBuzz (pdf_font.c), the structure tree, link
 * annotations, destinations and outlines, in one pass.  The Cairo canvas
 * draws on a Cairo PDF surface; render.c falls back to it for a document
 * whose fonts the PDF canvas cannot embed (outlines other than TrueType
 * 'glyf'), so it is the safety net, not the usual path.
 *
 * Structure: kk_canvas_group_begin opens an element that only has
 * elements inside (Document, Sect, L, LI, TR ...); kk_canvas_leaf_begin
 * one whose content is what is drawn while it is innermost (P, H1, TD,
 * Span ...); kk_canvas_link_begin a Link leaf with its annotation.  What is
 * drawn while no leaf is innermost is left unmarked: the finishing stage
 * makes it an artifact (render/pdf_finish.h).  Every begin has an end, in
 * order; an element never spans a page break.
 *
 * Ownership: strings are copied; images and layouts are borrowed for the
 * call.  Errors: drawing calls never fail on their own; kk_canvas_pdf_take
 * and the Cairo surface's status say whether the whole went well.
 */
#ifndef KK_CANVAS_H
#define KK_CANVAS_H

#include "layout/layout.h"

/* A PDF canvas for pages of size w x h pt; `tagged`: content outside any
 * leaf element is written as an artifact (a page with no structure, laid
 * over others by the finishing stage, leaves it unmarked).  NULL when out
 * of memory. */
kk_canvas *kk_canvas_new_pdf(double w, double h, bool tagged);
/* Draws with draw(cv, user) on a Cairo canvas (a Cairo PDF surface):
 * the PDF (caller frees) and its *len, or NULL with *error (static) when
 * draw failed, Cairo did, or libcairo cannot be opened. */
unsigned char *kk_canvas_cairo_pdf(double w, double h, bool (*draw)(kk_canvas *, void *), void *user,
                                   size_t *len, const char **error);
void kk_canvas_free(kk_canvas *cv);

/* Document information (strings copied; NULL = none).  The date is for
 * Cairo, which would otherwise stamp the clock; the PDF canvas writes no
 * dates (the finishing stage writes Info anew). */
void kk_canvas_set_info(kk_canvas *cv, const char *title, const char *author,
                        const char *create_date_iso);

/* Starts the next page (the first call starts page 1). */
void kk_canvas_page(kk_canvas *cv);

void kk_canvas_stroke_rect(kk_canvas *cv, double x, double y, double w, double h, double line_width);
void kk_canvas_stroke_line(kk_canvas *cv, double x0, double y0, double x1, double y1,
                           double line_width);
/* One run of a Pango line, its origin at (x, baseline); text is the
 * layout's text the run's offsets refer to. */
void kk_canvas_glyphs(kk_canvas *cv, const char *text, PangoGlyphItem *run, double x,
                      double baseline);

void kk_canvas_group_begin(kk_canvas *cv, const char *tag);
void kk_canvas_leaf_begin(kk_canvas *cv, const char *tag);
void kk_canvas_link_begin(kk_canvas *cv, const char *uri);
/* The tag of a link's element, as Cairo names it (CAIRO_TAG_LINK). */
#define KK_TAG_LINK "Link"
void kk_canvas_end(kk_canvas *cv, const char *tag /* KK_TAG_LINK for a link */);

/* A named destination at (x, y) of the current page. */
void kk_canvas_dest(kk_canvas *cv, const char *name, double x, double y);
/* A bookmark under `parent` (0 = top level) going to the destination
 * `dest`, or when NULL to (x, y) of the current page; its id for children. */
int kk_canvas_outline(kk_canvas *cv, int parent, const char *title, const char *dest,
                      double x, double y);

/* PDF canvas: the finished file (caller frees), NULL with *unsupported set
 * when a font could not be embedded, or NULL when memory ran out. */
unsigned char *kk_canvas_pdf_take(kk_canvas *cv, size_t *len, bool *unsupported);
/* The PDF canvas has met a font it cannot embed: nothing it draws from now
 * on counts. */
bool kk_canvas_unsupported(const kk_canvas *cv);

#endif
