/*
 * layout.h — the typesetting engine: a flow of blocks -> paginated, tagged PDF.
 *
 * Promises: the engine knows nothing about meetings.  The composer feeds
 * blocks in reading order; kk_flow_render_pdf paginates them (page count is
 * known before any page is drawn, so running headers can say "n (N)") and
 * writes a tagged PDF on a canvas (canvas.h): kokous's own PDF writer, or
 * Cairo for a document with a font the writer cannot embed.  Same input +
 * same create date gives a byte-identical file.
 *
 * Pagination rules: a heading is never the last thing on a page (it keeps
 * with the first lines of what follows); a paragraph split across pages
 * leaves at least two lines on each side (so paragraphs of <= 3 lines move
 * whole); table header rows repeat on each page the table crosses and rows
 * do not split unless taller than a page; keep groups move whole unless taller
 * than a page; long tokens break inside the word instead of overflowing;
 * justified paragraphs leave their last line ragged.
 *
 * Markup: Pango markup (caller escapes text).  Links are written as
 * <a href="URI">text</a> inside that markup; the engine turns them into a
 * PDF link annotation with a Link structure element (Pango itself has no
 * links).  Soft hyphens U+00AD are honoured by Pango.
 *
 * Tagged PDF — what the finishing stage must know (both canvases):
 *  - Marked content is written only for leaf structure elements.  Content
 *    drawn while no leaf element is open is an artifact: the decorate()
 *    callback (running header/footer), table borders, rules, and the
 *    repeated header rows of a table on continuation pages.  The PDF canvas
 *    writes it in /Artifact BMC/EMC; Cairo leaves it unmarked, and the
 *    finishing stage must then wrap it (kk_flow_marks_artifacts says which).
 *  - A leaf (P, H1, TD, LBody ...) that crosses a page is closed at the foot
 *    of the page and reopened on the next one, because otherwise the running
 *    header of the next page would land inside it; a paragraph split over two
 *    pages is thus two sibling P elements.
 *  - A paragraph with links becomes P > (Span | Link)*: an element with
 *    children has no marked content of its own (Cairo 1.16's rule, kept).
 *  - Page content streams are written uncompressed; finishing compresses
 *    every plain stream once.
 *  - Cairo 1.16 aborts on a tagged page with no content; the engine never
 *    emits an empty page.
 */
#ifndef KK_LAYOUT_H
#define KK_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <pango/pango.h>
#include "util/diag.h"

/* Call first in main, before any thread starts (it sets an environment
 * variable): Cairo 1.16, when it is the canvas, then writes page content
 * without compressing it, as the PDF canvas does, since the finishing stage
 * reads every page's content and compresses it anyway
 * (render/pdf_finish.c); Cairo's only use of CAIRO_DEBUG_PDF is to leave
 * its streams uncompressed.  A PDF from kk_flow_render_pdf* must
 * therefore go through the finishing stage, which every kokous output does. */
void kk_layout_process_init(void);

/* All lengths are PDF points. */
typedef struct kk_page_geometry {
    double width, height;
    double margin_top, margin_bottom, margin_left, margin_right;
    double header_height, footer_height;  /* body = margins minus these */
} kk_page_geometry;

typedef struct kk_text_style {
    const char *family;      /* e.g. "DejaVu Sans"; NULL = "Sans" */
    double size;             /* pt */
    bool bold, italic;
    double r, g, b;          /* 0..1 */
    double space_before, space_after;  /* pt; space_before is dropped at a page top */
    double line_spacing;     /* factor of the font's line height; 0 = natural */
    double indent_left;      /* pt, whole block */
    double first_line_indent;/* pt, negative = hanging */
    bool justify;
    int align;               /* 0 left, 1 center, 2 right */
} kk_text_style;

/* One typesetter per thread: owns the font map and Pango context, which are
 * expensive to build and are reused by every flow, and keeps the layouts of
 * texts that come back within a document and from document to document
 * (labels, names, item titles, the appeal instructions); a kept layout
 * gives the very same lines and glyphs.
 * Caller frees. */
typedef struct kk_typesetter kk_typesetter;
kk_typesetter *kk_typesetter_new(const char *language /* "fi", NULL = "fi" */);

/* The family fontconfig actually gives for `family` (regular, 10 pt), into
 * `used` (cap bytes); false when no font loads at all. */
bool kk_typesetter_family_used(kk_typesetter *ts, const char *family, char *used, size_t cap);
void kk_typesetter_free(kk_typesetter *ts);

/* A layout in the typesetter's context, for decorate() callbacks drawing
 * running headers.  width <= 0 = no wrapping.  Caller g_object_unref()s it.
 * NULL if the markup is invalid. */
PangoLayout *kk_typesetter_layout(kk_typesetter *ts, const kk_text_style *st,
                                  const char *markup, double width);

typedef struct kk_flow kk_flow;
typedef struct kk_table kk_table;

/* `ts` and `diag` must outlive the flow.  Caller frees the flow. */
kk_flow *kk_flow_new(kk_typesetter *ts, const kk_page_geometry *g, kk_diag *diag);
void kk_flow_free(kk_flow *f);

/* Document info.  create_date_iso ("2024-05-13T17:00:00Z" or with +hh:mm)
 * must be given for reproducible output; NULL lets Cairo stamp "now".
 * Strings are copied. */
void kk_flow_set_metadata(kk_flow *f, const char *title, const char *author,
                          const char *create_date_iso);

/* Blocks, in reading order.  All strings are copied; styles are read at
 * call time.  Every call returns false (and reports to diag) on invalid
 * markup or misuse; the flow stays usable. */
bool kk_flow_paragraph(kk_flow *f, const char *tag /* "P", "Caption"... */,
                       const kk_text_style *st, const char *markup);
bool kk_flow_heading(kk_flow *f, int level /* 1..3 */, const kk_text_style *st,
                     const char *markup, const char *outline_title /* NULL = none */,
                     const char *dest_name /* NULL = none */);
/* "Aika   keskiviikko 21.6.2017 klo 12.00–14.00": label column label_width pt. */
bool kk_flow_field(kk_flow *f, const kk_text_style *label_style,
                   const kk_text_style *value_style, double label_width,
                   const char *label_markup, const char *value_markup);

/* Tables.  The table is owned by the flow; it is valid until kk_flow_table_end. */
kk_table *kk_flow_table_begin(kk_flow *f, size_t ncols, const double *col_widths_rel,
                              const kk_text_style *header_style,
                              const kk_text_style *cell_style);
/* How a table is ruled: a full grid (the default), a hairline under each
 * row (lighter, for lists of people and items), or nothing (signatures). */
typedef enum { KK_RULES_GRID, KK_RULES_ROWS, KK_RULES_NONE } kk_table_rules;
void kk_table_set_rules(kk_table *t, kk_table_rules rules);

/* cells_markup has ncols entries; NULL entries are empty cells. */
bool kk_table_row(kk_table *t, bool header, const char *const *cells_markup);
bool kk_flow_table_end(kk_flow *f, kk_table *t);

/* Lists nest: an item may be followed by a nested list_begin..list_end. */
bool kk_flow_list_begin(kk_flow *f, bool ordered, int start);
bool kk_flow_list_item(kk_flow *f, const kk_text_style *st, const char *markup);
bool kk_flow_list_end(kk_flow *f);

bool kk_flow_space(kk_flow *f, double pt);       /* dropped at a page top */
bool kk_flow_rule(kk_flow *f, double thickness); /* full-width line, artifact */
bool kk_flow_keep_begin(kk_flow *f);
bool kk_flow_keep_end(kk_flow *f);
bool kk_flow_page_break(kk_flow *f);             /* no-op at the top of a page */

/* Column regions (newsletters).  Blocks between begin and end are measured
 * at the column width ((body - (ncols-1)*gap) / ncols) and flow column by
 * column, page by page; a page break inside starts a new page at column 1.
 * The columns of the region's last page are balanced: the shortest column
 * height that still holds that page's content without a new page is used
 * (binary search to 0.5 pt).  Keep groups and keep-with-next headings
 * behave per column as they do per page (a keep group that fits in a column
 * is not split across columns).  Regions do not nest; tables inside a
 * region take the column width.  After end, the flow continues full width
 * below the longest column.  ncols 1..4; gap >= 0 pt. */
bool kk_flow_columns_begin(kk_flow *f, int ncols, double gap);
bool kk_flow_columns_end(kk_flow *f);

/* The measured height (pt) of the last block added if it is text (its
 * body or label, whichever is taller), else 0.  For callers that draw
 * decoration around known blocks, e.g. a masthead band. */
double kk_flow_last_height(const kk_flow *f);
bool kk_flow_struct_begin(kk_flow *f, const char *tag /* "Document", "Sect"... */);
bool kk_flow_struct_end(kk_flow *f);

/* What decorate() callbacks draw on: a page of the PDF being written
 * (canvas.h says more).  Coordinates are PDF points from the page's top
 * left corner, y downwards, as in Pango. */
typedef struct kk_canvas kk_canvas;
/* The colour of what is filled and drawn from now on on this canvas. */
void kk_canvas_set_rgb(kk_canvas *cv, double r, double g, double b);
void kk_canvas_fill_rect(kk_canvas *cv, double x, double y, double w, double h);
/* A laid-out text with its top left corner at (x, y). */
void kk_canvas_show_layout(kk_canvas *cv, PangoLayout *layout, double x, double y);
/* A raster image (8-bit RGBA, not premultiplied), counted references. */
typedef struct kk_image kk_image;
/* Decodes a PNG (libpng); NULL when it is not a readable PNG, larger than
 * 64 M pixels, or memory ran out.  The caller owns one reference. */
kk_image *kk_image_new_png(const unsigned char *data, size_t len);
kk_image *kk_image_ref(kk_image *img);   /* returns img */
void kk_image_unref(kk_image *img);      /* NULL is fine */
int kk_image_width(const kk_image *img);
int kk_image_height(const kk_image *img);
/* An image (borrowed; a canvas keeps a reference while it needs one) with
 * its top left corner at (x, y), `width` wide, its aspect kept. */
void kk_canvas_image(kk_canvas *cv, kk_image *img, double x, double y, double width);

/* Called once per page, before the page's body, with no structure leaf open
 * (see above: its marks end up as artifacts).  The colour it sets does not
 * carry over to the body. */
typedef void (*kk_decorate_fn)(kk_canvas *cv, int page, int pages,
                               const kk_page_geometry *g, void *user);

/* Paginates (if not done yet) and writes out_path, whole or not at all
 * (util/fs.h).  *pages gets the page count (may be NULL).  The flow can be
 * rendered again. */
bool kk_flow_render_pdf(kk_flow *f, const char *out_path, kk_decorate_fn decorate,
                        void *user, int *pages, kk_diag *diag);

/* The same into memory: *data (caller frees) and *len get the PDF.  Saves
 * the file system round trip when the PDF is finished right away. */
bool kk_flow_render_pdf_memory(kk_flow *f, unsigned char **data, size_t *len,
                               kk_decorate_fn decorate, void *user, int *pages,
                               kk_diag *diag);

/* One page of size g drawn by draw(cv, page, pages, g, user) alone, as an
 * untagged PDF in memory (*data, caller frees): e.g. what the public
 * version adds to every page, for the finishing stage to lay over the
 * official one (render/pdf_finish.h, kk_pdf_finish_pair). */
bool kk_render_page_pdf_memory(const kk_page_geometry *g, kk_decorate_fn draw, void *user,
                               int page, int pages, unsigned char **data, size_t *len,
                               kk_diag *diag);

/* Whether the last PDF drawn from f marks every non-content mark as an
 * artifact itself: the PDF canvas does, the Cairo fallback leaves them
 * unmarked (see above). */
bool kk_flow_marks_artifacts(const kk_flow *f);

/* Paginates without drawing; returns the page count, 0 on error. */
int kk_flow_paginate(kk_flow *f);

/* Debug dump of the page breaks, one fragment per line:
 *   page P block B KIND TAG lines A-B/N y=TOP-BOTTOM xmax=X width=W col=C x=CX "text..."
 * (A-B are 0-based, inclusive; xmax is the right edge of the widest line,
 * relative to its column's left edge; C is the column (0 outside column
 * regions) and CX its offset from the body's left edge).  Paginates if
 * needed. */
void kk_flow_debug_breaks(kk_flow *f, FILE *out);

#endif
