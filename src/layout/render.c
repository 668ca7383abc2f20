/*
 * render.c — drawing the paginated flow into a tagged PDF with Cairo 1.16.
 * See layout.h for how structure and artifacts map onto what Cairo 1.16
 * can express.
 */
#define _POSIX_C_SOURCE 200809L /* strdup, setenv */
#include "layout/layout_int.h"
#include "util/text.h"
#include <cairo-pdf.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    kk_flow *f;
    cairo_t *cr;
    cairo_surface_t *s;
    int outline[4];          /* last outline id per heading level */
    const char **stack;      /* open non-leaf elements, borrowed tag strings */
    size_t depth;
} rstate;

void kk_layout_process_init(void)
{
    setenv("CAIRO_DEBUG_PDF", "1", 1);
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

static void open_el(rstate *r, const char *tag)
{
    cairo_tag_begin(r->cr, tag, NULL);
    r->stack[r->depth++] = tag;
}

static void close_el(rstate *r, const char *tag)
{
    if (r->depth == 0 || strcmp(r->stack[r->depth - 1], tag) != 0) {
        kk_sys_error(r->f->diag, NULL, "internal: structure %s closed out of order", tag);
        return;
    }
    r->depth--;
    cairo_tag_end(r->cr, tag);
}

static int find_link(const kk_cell *c, int off)
{
    for (size_t i = 0; i < c->nlinks; i++)
        if (off >= c->links[i].start && off < c->links[i].end)
            return (int)i;
    return -1;
}

/* A soft hyphen (U+00AD) where no line breaks is an empty glyph; passed on
 * to Cairo, each one becomes a marked-content span with /ActualText and
 * splits the text operator it sits in (1,650 of them in four pages of
 * hyphenated Finnish).  So a run is drawn without those glyphs and their
 * bytes; a hyphen at a line end is a real glyph and stays. */
static void show_run(cairo_t *cr, const char *text, PangoGlyphItem *gi)
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

/* One line, run by run (see show_run). */
static void show_line(cairo_t *cr, const char *text, PangoLayoutLine *line, double x, double base)
{
    for (GSList *rl = line->runs; rl; rl = rl->next) {
        PangoGlyphItem *gi = rl->data;
        cairo_move_to(cr, x, base - (double)gi->y_offset / PANGO_SCALE);
        show_run(cr, text, gi);
        x += (double)pango_glyph_string_get_width(gi->glyphs) / PANGO_SCALE;
    }
}

/* A line with links, run by run, so each link's glyphs sit inside a Link
 * element and the rest inside Spans (see layout.h). */
static void draw_link_line(cairo_t *cr, const kk_cell *c, PangoLayoutLine *line,
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
                cairo_tag_end(cr, "Span");
            else if (cur >= 0)
                cairo_tag_end(cr, CAIRO_TAG_LINK);
            if (link >= 0) {
                char *a = quote_attr("uri", c->links[link].uri);
                cairo_tag_begin(cr, CAIRO_TAG_LINK, a);
                g_free(a);
            } else {
                cairo_tag_begin(cr, "Span", NULL);
            }
            cur = link;
        }
        cairo_move_to(cr, x, base);
        show_run(cr, text, gi);
        if (link >= 0) {
            PangoFontDescription *fd = pango_font_describe(gi->item->analysis.font);
            double sz = (double)pango_font_description_get_size(fd) / PANGO_SCALE;
            pango_font_description_free(fd);
            cairo_rectangle(cr, x, base + sz * 0.11, w, sz * 0.06);
            cairo_fill(cr);
        }
        x += w;
    }
    if (cur == -1)
        cairo_tag_end(cr, "Span");
    else if (cur >= 0)
        cairo_tag_end(cr, CAIRO_TAG_LINK);
}

/* Lines [from, to) of a cell; y is the page y of line `from`'s top, dx the
 * offset of the fragment's column. */
static void draw_lines(rstate *r, const kk_cell *c, int from, int to, double y, double dx)
{
    cairo_t *cr = r->cr;
    double x0 = r->f->g.margin_left + dx + c->x;
    cairo_set_source_rgb(cr, c->r, c->g, c->b);
    for (int i = from; i < to; i++) {
        const kk_line *ln = &c->lines[i];
        PangoLayoutLine *line = pango_layout_get_line_readonly(c->layout, i);
        double base = y + ln->baseline - c->lines[from].top;
        if (c->nlinks) {
            draw_link_line(cr, c, line, x0 + ln->x, base);
        } else {
            show_line(cr, pango_layout_get_text(c->layout), line, x0 + ln->x, base);
        }
    }
}

static void leaf(rstate *r, const kk_cell *c, int from, int to, double y, double dx)
{
    cairo_tag_begin(r->cr, c->tag, NULL);
    draw_lines(r, c, from, to, y, dx);
    cairo_tag_end(r->cr, c->tag);
}

static void heading_marks(rstate *r, const kk_block *b, const kk_frag *fr)
{
    double x = r->f->g.margin_left + fr->x + b->body.x, y = fr->y;
    char link[256];
    if (b->dest) {
        char *n = quote_attr("name", b->dest);
        char *a = g_strdup_printf("%s x=%.2f y=%.2f", n, x, y);
        cairo_tag_begin(r->cr, CAIRO_TAG_DEST, a);
        cairo_tag_end(r->cr, CAIRO_TAG_DEST);
        g_free(a);
        g_free(n);
    }
    if (!b->outline)
        return;
    char *d = b->dest ? quote_attr("dest", b->dest) : NULL;
    if (d)
        snprintf(link, sizeof link, "%s", d);
    if (!d || strlen(d) >= sizeof link)
        snprintf(link, sizeof link, "page=%d pos=[%.2f %.2f]", fr->page, x, y);
    g_free(d);
    int lv = b->level;
    int parent = CAIRO_PDF_OUTLINE_ROOT;
    for (int l = lv - 1; l >= 1; l--)
        if (r->outline[l]) {
            parent = r->outline[l];
            break;
        }
    r->outline[lv] = cairo_pdf_surface_add_outline(r->s, parent, b->outline, link, 0);
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
    cairo_t *cr = r->cr;
    const kk_flow *f = r->f;
    if (!fr->repeat)
        cairo_tag_begin(cr, "TR", NULL);
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
        cairo_tag_end(cr, "TR");
    /* Borders after the row: drawn with no leaf open, so they are artifacts. */
    const kk_table *t = f->tables[b->table];
    if (t->rules == KK_RULES_NONE)
        return;
    cairo_set_source_rgb(cr, 0.45, 0.45, 0.45);
    cairo_set_line_width(cr, 0.5);
    if (t->rules == KK_RULES_GRID) {
        for (size_t i = 0; i < t->ncols; i++)
            cairo_rectangle(cr, f->g.margin_left + fr->x + t->colx[i], fr->y, t->colw[i], fr->h);
    } else {
        double x0 = f->g.margin_left + fr->x + t->colx[0];
        double x1 = f->g.margin_left + fr->x + t->colx[t->ncols - 1] + t->colw[t->ncols - 1];
        cairo_move_to(cr, x0, fr->y + fr->h);
        cairo_line_to(cr, x1, fr->y + fr->h);
    }
    cairo_stroke(cr);
}

static void draw_rule(rstate *r, const kk_block *b, const kk_frag *fr)
{
    cairo_t *cr = r->cr;
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_rectangle(cr, r->f->g.margin_left + fr->x, fr->y,
                    b->width > 0 ? b->width : r->f->body_w, b->amount);
    cairo_fill(cr);
}

static void start_page(rstate *r, int page, kk_decorate_fn decorate, void *user)
{
    if (page > 1)
        cairo_show_page(r->cr);
    if (decorate) {
        cairo_save(r->cr);
        decorate(r->cr, page, r->f->pages, &r->f->g, user);
        cairo_restore(r->cr);
    }
}

/* Draw every page onto `s` (a PDF surface) and finish it. */
static bool render_to(kk_flow *f, cairo_surface_t *s, const char *name, kk_decorate_fn decorate,
                      void *user, int *pages, kk_diag *diag)
{
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        kk_sys_error(diag, name, "cannot write the PDF: %s",
                     cairo_status_to_string(cairo_surface_status(s)));
        cairo_surface_destroy(s);
        return false;
    }
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "kokous");
    if (f->title)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, f->title);
    if (f->author)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_AUTHOR, f->author);
    if (f->date)
        cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, f->date);
    rstate r = { f, cairo_create(s), s, { 0 }, calloc(f->nblocks + 1, sizeof(char *)), 0 };
    if (!r.stack) {
        cairo_destroy(r.cr);
        cairo_surface_destroy(s);
        return false;
    }
    int page = 0;
    size_t fi = 0;
    for (size_t bi = 0; bi < f->nblocks; bi++) {
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
        cairo_tag_end(r.cr, r.stack[--r.depth]);
    free(r.stack);
    cairo_destroy(r.cr);
    cairo_surface_finish(s);
    cairo_status_t st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (st != CAIRO_STATUS_SUCCESS) {
        kk_sys_error(diag, name, "cannot write the PDF: %s", cairo_status_to_string(st));
        return false;
    }
    if (pages)
        *pages = f->pages;
    return true;
}

bool kk_flow_render_pdf(kk_flow *f, const char *out_path, kk_decorate_fn decorate,
                        void *user, int *pages, kk_diag *diag)
{
    if (!diag)
        diag = f->diag;
    if (!kk_flow_paginate(f))
        return false;
    cairo_surface_t *s = cairo_pdf_surface_create(out_path, f->g.width, f->g.height);
    return render_to(f, s, out_path, decorate, user, pages, diag);
}

/* Cairo's output into a kk_buf. */
static cairo_status_t mem_write(void *closure, const unsigned char *data, unsigned int n)
{
    kk_buf *m = closure;
    kk_buf_addn(m, (const char *)data, n);
    return m->oom ? CAIRO_STATUS_WRITE_ERROR : CAIRO_STATUS_SUCCESS;
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
    kk_buf m = { 0 };
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(mem_write, &m, f->g.width, f->g.height);
    if (!render_to(f, s, f->title ? f->title : "PDF", decorate, user, pages, diag) || m.oom) {
        kk_buf_free(&m);
        return false;
    }
    *len = m.len;
    *data = (unsigned char *)kk_buf_take(&m);
    return true;
}

bool kk_render_page_pdf_memory(const kk_page_geometry *g, kk_decorate_fn draw, void *user,
                               int page, int pages, unsigned char **data, size_t *len,
                               kk_diag *diag)
{
    *data = NULL;
    *len = 0;
    kk_buf m = { 0 };
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(mem_write, &m, g->width, g->height);
    cairo_t *cr = cairo_create(s);
    draw(cr, page, pages, g, user);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_status_t st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (st != CAIRO_STATUS_SUCCESS || m.oom) {
        kk_sys_error(diag, NULL, "cannot draw a page: %s",
                     m.oom ? "out of memory" : cairo_status_to_string(st));
        kk_buf_free(&m);
        return false;
    }
    *len = m.len;
    *data = (unsigned char *)kk_buf_take(&m);
    return true;
}
