/*
 * render.c — drawing the paginated flow into a tagged PDF on a canvas
 * (canvas.h): the PDF canvas, or Cairo for a document whose fonts the PDF
 * canvas cannot embed.  See layout.h for how structure and artifacts map
 * onto the PDF.
 */
#define _POSIX_C_SOURCE 200809L /* strdup, setenv */
#include "layout/layout_int.h"
#include "util/fs.h"
#include "util/text.h"
#include "layout/canvas.h"
#include <stdlib.h>
#include <string.h>

typedef struct {
    kk_flow *f;
    kk_canvas *cv;
    int outline[4];          /* last outline id per heading level */
    const char **stack;      /* open non-leaf elements, borrowed tag strings */
    size_t depth;
} rstate;

void kk_layout_process_init(void)
{
    setenv("CAIRO_DEBUG_PDF", "1", 1);
}

static void open_el(rstate *r, const char *tag)
{
    kk_canvas_group_begin(r->cv, tag);
    r->stack[r->depth++] = tag;
}

static void close_el(rstate *r, const char *tag)
{
    if (r->depth == 0 || strcmp(r->stack[r->depth - 1], tag) != 0) {
        kk_sys_error(r->f->diag, NULL, "internal: structure %s closed out of order", tag);
        return;
    }
    r->depth--;
    kk_canvas_end(r->cv, tag);
}

static int find_link(const kk_cell *c, int off)
{
    for (size_t i = 0; i < c->nlinks; i++)
        if (off >= c->links[i].start && off < c->links[i].end)
            return (int)i;
    return -1;
}

/* One line, run by run. */
static void show_line(kk_canvas *cv, const char *text, PangoLayoutLine *line, double x, double base)
{
    for (GSList *rl = line->runs; rl; rl = rl->next) {
        PangoGlyphItem *gi = rl->data;
        kk_canvas_glyphs(cv, text, gi, x, base - (double)gi->y_offset / PANGO_SCALE);
        x += (double)pango_glyph_string_get_width(gi->glyphs) / PANGO_SCALE;
    }
}

/* A line with links, run by run, so each link's glyphs sit inside a Link
 * element and the rest inside Spans (see layout.h). */
static void draw_link_line(kk_canvas *cv, const kk_cell *c, PangoLayoutLine *line,
                           double x, double base)
{
    const char *text = pango_layout_get_text(c->layout);
    int cur = -2;                 /* -2 nothing open, -1 Span, >= 0 link */
    for (GSList *rl = line->runs; rl; rl = rl->next) {
        PangoGlyphItem *gi = rl->data;
        int link = find_link(c, gi->item->offset);
        double w = (double)pango_glyph_string_get_width(gi->glyphs) / PANGO_SCALE;
        if (link != cur) {
            if (cur == -1)
                kk_canvas_end(cv, "Span");
            else if (cur >= 0)
                kk_canvas_end(cv, KK_TAG_LINK);
            if (link >= 0)
                kk_canvas_link_begin(cv, c->links[link].uri);
            else
                kk_canvas_leaf_begin(cv, "Span");
            cur = link;
        }
        kk_canvas_glyphs(cv, text, gi, x, base);
        if (link >= 0) {
            PangoFontDescription *fd = pango_font_describe(gi->item->analysis.font);
            double sz = (double)pango_font_description_get_size(fd) / PANGO_SCALE;
            pango_font_description_free(fd);
            kk_canvas_fill_rect(cv, x, base + sz * 0.11, w, sz * 0.06);
        }
        x += w;
    }
    if (cur == -1)
        kk_canvas_end(cv, "Span");
    else if (cur >= 0)
        kk_canvas_end(cv, KK_TAG_LINK);
}

/* Lines [from, to) of a cell; y is the page y of line `from`'s top, dx the
 * offset of the fragment's column. */
static void draw_lines(rstate *r, const kk_cell *c, int from, int to, double y, double dx)
{
    kk_canvas *cv = r->cv;
    double x0 = r->f->g.margin_left + dx + c->x;
    kk_canvas_set_rgb(cv, c->r, c->g, c->b);
    for (int i = from; i < to; i++) {
        const kk_line *ln = &c->lines[i];
        PangoLayoutLine *line = pango_layout_get_line_readonly(c->layout, i);
        double base = y + ln->baseline - c->lines[from].top;
        if (c->nlinks) {
            draw_link_line(cv, c, line, x0 + ln->x, base);
        } else {
            show_line(cv, pango_layout_get_text(c->layout), line, x0 + ln->x, base);
        }
    }
}

/* A text's element: with links it holds Spans and Links, else its lines. */
static void leaf(rstate *r, const kk_cell *c, int from, int to, double y, double dx)
{
    if (c->nlinks)
        kk_canvas_group_begin(r->cv, c->tag);
    else
        kk_canvas_leaf_begin(r->cv, c->tag);
    draw_lines(r, c, from, to, y, dx);
    kk_canvas_end(r->cv, c->tag);
}

static void heading_marks(rstate *r, const kk_block *b, const kk_frag *fr)
{
    double x = r->f->g.margin_left + fr->x + b->body.x, y = fr->y;
    if (b->dest)
        kk_canvas_dest(r->cv, b->dest, x, y);
    if (!b->outline)
        return;
    int lv = b->level;
    int parent = 0;
    for (int l = lv - 1; l >= 1; l--)
        if (r->outline[l]) {
            parent = r->outline[l];
            break;
        }
    r->outline[lv] = kk_canvas_outline(r->cv, parent, b->outline, b->dest, x, y);
    for (int l = lv + 1; l < 4; l++)
        r->outline[l] = 0;
}

static void draw_text(rstate *r, const kk_block *b, const kk_frag *fr)
{
    if (fr->first && b->side) {
        const kk_cell *sc = b->side;
        double dy = b->body.lines[0].baseline - sc->lines[0].baseline;
        leaf(r, sc, 0, sc->nlines, fr->y + dy, fr->x);
        if (*b->tag)
            open_el(r, b->tag);   /* LBody: stays open for nested lists */
    }
    if (fr->first && b->level)
        heading_marks(r, b, fr);
    leaf(r, &b->body, fr->from, fr->to, fr->y, fr->x);
}

static void draw_row(rstate *r, const kk_block *b, const kk_frag *fr)
{
    kk_canvas *cv = r->cv;
    const kk_flow *f = r->f;
    if (!fr->repeat)
        kk_canvas_group_begin(cv, "TR");
    for (size_t i = 0; i < b->ncells; i++) {
        const kk_cell *c = &b->cells[i];
        int a = fr->cell_from ? fr->cell_from[i] : 0;
        int z = fr->cell_to ? fr->cell_to[i] : c->nlines;
        if (z <= a)
            continue;
        if (fr->repeat)
            draw_lines(r, c, a, z, fr->y + KK_CELL_PAD, fr->x);
        else
            leaf(r, c, a, z, fr->y + KK_CELL_PAD, fr->x);
    }
    if (!fr->repeat)
        kk_canvas_end(cv, "TR");
    /* Borders after the row: drawn with no leaf open, so they are artifacts. */
    const kk_table *t = f->tables[b->table];
    if (t->rules == KK_RULES_NONE)
        return;
    kk_canvas_set_rgb(cv, 0.45, 0.45, 0.45);
    if (t->rules == KK_RULES_GRID) {
        for (size_t i = 0; i < t->ncols; i++)
            kk_canvas_stroke_rect(cv, f->g.margin_left + fr->x + t->colx[i], fr->y, t->colw[i], fr->h, 0.5);
    } else {
        double x0 = f->g.margin_left + fr->x + t->colx[0];
        double x1 = f->g.margin_left + fr->x + t->colx[t->ncols - 1] + t->colw[t->ncols - 1];
        kk_canvas_stroke_line(cv, x0, fr->y + fr->h, x1, fr->y + fr->h, 0.5);
    }
}

static void draw_rule(rstate *r, const kk_block *b, const kk_frag *fr)
{
    kk_canvas_set_rgb(r->cv, 0, 0, 0);
    kk_canvas_fill_rect(r->cv, r->f->g.margin_left + fr->x, fr->y,
                        b->width > 0 ? b->width : r->f->body_w, b->amount);
}

static void start_page(rstate *r, int page, kk_decorate_fn decorate, void *user)
{
    kk_canvas_page(r->cv);
    if (decorate)
        decorate(r->cv, page, r->f->pages, &r->f->g, user);
}

/* Every page of the flow onto cv. */
static bool draw_flow(kk_flow *f, kk_canvas *cv, kk_decorate_fn decorate, void *user)
{
    kk_canvas_set_info(cv, f->title, f->author, f->date);
    rstate r = { f, cv, { 0 }, calloc(f->nblocks + 1, sizeof(char *)), 0 };
    if (!r.stack)
        return false;
    int page = 0;
    size_t fi = 0;
    for (size_t bi = 0; bi < f->nblocks && !kk_canvas_unsupported(cv); bi++) {
        const kk_block *b = &f->blocks[bi];
        if (b->kind == B_OPEN) {
            open_el(&r, b->tag);
            continue;
        }
        if (b->kind == B_CLOSE) {
            close_el(&r, b->tag);
            continue;
        }
        for (; fi < f->nfrags && f->frags[fi].block <= (int)bi; fi++) {
            const kk_frag *fr = &f->frags[fi];
            while (page < fr->page)
                start_page(&r, ++page, decorate, user);
            const kk_block *fb = &f->blocks[fr->block];
            if (fb->kind == B_TEXT)
                draw_text(&r, fb, fr);
            else if (fb->kind == B_ROW)
                draw_row(&r, fb, fr);
            else if (fb->kind == B_RULE)
                draw_rule(&r, fb, fr);
        }
    }
    while (r.depth > 0)        /* unbalanced input: close what is open */
        kk_canvas_end(cv, r.stack[--r.depth]);
    free(r.stack);
    return true;
}

/* Draws with draw(cv, user) on a Cairo PDF surface into *data: the way for
 * what the PDF canvas cannot write (canvas.h). */
static bool cairo_pdf(double w, double h, bool (*draw)(kk_canvas *, void *), void *user,
                      unsigned char **data, size_t *len, const char *name, kk_diag *diag)
{
    const char *error = NULL;
    *data = kk_canvas_cairo_pdf(w, h, draw, user, len, &error);
    if (!*data)
        kk_sys_error(diag, name, "cannot write the PDF: %s", error);
    return *data != NULL;
}

/* The PDF canvas first; Cairo when a font is beyond it.  *canvas says
 * which made it. */
static bool draw_pdf(double w, double h, bool tagged, bool (*draw)(kk_canvas *, void *), void *user,
                     unsigned char **data, size_t *len, bool *canvas, const char *name, kk_diag *diag)
{
    *data = NULL;
    *len = 0;
    *canvas = false;
    if (getenv("KOKOUS_CAIRO_PDF"))   /* for comparing the two */
        return cairo_pdf(w, h, draw, user, data, len, name, diag);
    kk_canvas *cv = kk_canvas_new_pdf(w, h, tagged);
    bool unsupported = false;
    if (cv && draw(cv, user))
        *data = kk_canvas_pdf_take(cv, len, &unsupported);
    kk_canvas_free(cv);
    if (*data)
        return *canvas = true;
    if (unsupported)
        return cairo_pdf(w, h, draw, user, data, len, name, diag);
    kk_sys_error(diag, name, "cannot write the PDF: out of memory");
    return false;
}

typedef struct {
    kk_flow *f;
    kk_decorate_fn decorate;
    void *user;
} flow_job;

static bool draw_flow_job(kk_canvas *cv, void *user)
{
    flow_job *j = user;
    return draw_flow(j->f, cv, j->decorate, j->user);
}

bool kk_flow_render_pdf_memory(kk_flow *f, unsigned char **data, size_t *len,
                               kk_decorate_fn decorate, void *user, int *pages,
                               kk_diag *diag)
{
    if (!diag)
        diag = f->diag;
    *data = NULL;
    *len = 0;
    if (!kk_flow_paginate(f))
        return false;
    flow_job j = { f, decorate, user };
    if (!draw_pdf(f->g.width, f->g.height, true, draw_flow_job, &j, data, len, &f->artifacts_marked,
                  f->title ? f->title : "PDF", diag))
        return false;
    if (pages)
        *pages = f->pages;
    return true;
}

bool kk_flow_marks_artifacts(const kk_flow *f)
{
    return f->artifacts_marked;
}

bool kk_flow_render_pdf(kk_flow *f, const char *out_path, kk_decorate_fn decorate,
                        void *user, int *pages, kk_diag *diag)
{
    if (!diag)
        diag = f->diag;
    unsigned char *data;
    size_t len;
    if (!kk_flow_render_pdf_memory(f, &data, &len, decorate, user, pages, diag))
        return false;
    bool ok = kk_write_atomic(out_path, data, len, diag);
    free(data);
    return ok;
}

typedef struct {
    const kk_page_geometry *g;
    kk_decorate_fn draw;
    void *user;
    int page, pages;
} page_job;

static bool draw_page_job(kk_canvas *cv, void *user)
{
    page_job *j = user;
    kk_canvas_page(cv);
    j->draw(cv, j->page, j->pages, j->g, j->user);
    return true;
}

bool kk_render_page_pdf_memory(const kk_page_geometry *g, kk_decorate_fn draw, void *user,
                               int page, int pages, unsigned char **data, size_t *len,
                               kk_diag *diag)
{
    page_job j = { g, draw, user, page, pages };
    bool canvas;
    return draw_pdf(g->width, g->height, false, draw_page_job, &j, data, len, &canvas, NULL, diag);
}
