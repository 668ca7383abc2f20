/*
 * flow.c — building the flow: each API call appends blocks that carry
 * measured Pango layouts; paginate.c and render.c consume them.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include "layout/layout_int.h"
#include <stdlib.h>
#include <string.h>

#define KK_MAX_STRUCT 32

static char *dupnull(const char *s) { return s ? strdup(s) : NULL; }

kk_flow *kk_flow_new(kk_typesetter *ts, const kk_page_geometry *g, kk_diag *diag)
{
    kk_flow *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->ts = ts;
    f->diag = diag;
    f->g = *g;
    f->body_w = g->width - g->margin_left - g->margin_right;
    f->cur_w = f->body_w;
    f->body_top = g->margin_top + g->header_height;
    f->body_bottom = g->height - g->margin_bottom - g->footer_height;
    if (f->body_w < 36 || f->body_bottom - f->body_top < 72) {
        kk_error(diag, NULL, 0, 0, "page geometry leaves no room for text "
                 "(body %.0f x %.0f pt); make the margins smaller",
                 f->body_w, f->body_bottom - f->body_top);
        free(f);
        return NULL;
    }
    return f;
}

static void block_clear(kk_block *b)
{
    free(b->tag);
    kk_cell_clear(&b->body);
    if (b->side) {
        kk_cell_clear(b->side);
        free(b->side);
    }
    for (size_t i = 0; i < b->ncells; i++)
        kk_cell_clear(&b->cells[i]);
    free(b->cells);
    free(b->outline);
    free(b->dest);
}

void kk_flow_unpaginate(kk_flow *f)
{
    for (size_t i = 0; i < f->nfrags; i++) {
        free(f->frags[i].cell_from);
        free(f->frags[i].cell_to);
    }
    f->nfrags = 0;
    f->pages = 0;
}

void kk_flow_free(kk_flow *f)
{
    if (!f)
        return;
    kk_flow_unpaginate(f);
    free(f->frags);
    for (size_t i = 0; i < f->nblocks; i++)
        block_clear(&f->blocks[i]);
    free(f->blocks);
    for (size_t i = 0; i < f->ntables; i++) {
        kk_table *t = f->tables[i];
        free(t->colx); free(t->colw); free(t->hfamily); free(t->cfamily);
        free(t->header_rows);
        free(t);
    }
    free(f->tables);
    free(f->title); free(f->author); free(f->date);
    free(f);
}

void kk_flow_set_metadata(kk_flow *f, const char *title, const char *author,
                          const char *create_date_iso)
{
    free(f->title); free(f->author); free(f->date);
    f->title = dupnull(title);
    f->author = dupnull(author);
    f->date = dupnull(create_date_iso);
}

/* Returned pointer is valid until the next push.  NULL on out of memory. */
kk_block *kk_flow_push(kk_flow *f, kk_block_kind kind)
{
    if (f->nblocks == f->cap) {
        size_t nc = f->cap ? f->cap * 2 : 64;
        kk_block *nb = realloc(f->blocks, nc * sizeof *nb);
        if (!nb) {
            kk_sys_error(f->diag, NULL, "out of memory");
            return NULL;
        }
        f->blocks = nb;
        f->cap = nc;
    }
    kk_flow_unpaginate(f);
    kk_block *b = &f->blocks[f->nblocks++];
    memset(b, 0, sizeof *b);
    b->kind = kind;
    b->table = -1;
    return b;
}

static bool push_tagged(kk_flow *f, kk_block_kind kind, const char *tag)
{
    kk_block *b = kk_flow_push(f, kind);
    if (!b)
        return false;
    b->tag = dupnull(tag);
    return true;
}

/* A text block whose body starts at x; fails cleanly (block removed). */
static kk_block *text_block(kk_flow *f, const char *tag, const kk_text_style *st,
                            const char *markup, double x, const char *leaf)
{
    kk_block *b = kk_flow_push(f, B_TEXT);
    if (!b)
        return NULL;
    if (!kk_cell_init(f, &b->body, st, markup, x, f->cur_w - x, leaf)) {
        f->nblocks--;
        return NULL;
    }
    b->tag = strdup(tag);
    b->space_before = st->space_before;
    b->space_after = st->space_after;
    return b;
}

bool kk_flow_paragraph(kk_flow *f, const char *tag, const kk_text_style *st,
                       const char *markup)
{
    const char *t = tag && *tag ? tag : "P";
    return text_block(f, t, st, markup, st->indent_left, t) != NULL;
}

bool kk_flow_heading(kk_flow *f, int level, const kk_text_style *st, const char *markup,
                     const char *outline_title, const char *dest_name)
{
    static const char *const tags[] = { "H1", "H2", "H3" };
    if (level < 1 || level > 3) {
        kk_sys_error(f->diag, NULL, "internal: heading level %d is not 1..3", level);
        return false;
    }
    kk_block *b = text_block(f, tags[level - 1], st, markup, st->indent_left,
                             tags[level - 1]);
    if (!b)
        return false;
    b->keep_with_next = true;
    b->level = level;
    b->outline = dupnull(outline_title);
    b->dest = dupnull(dest_name);
    return true;
}

/* A text block with a label beside its first line. */
static bool labelled(kk_flow *f, const kk_text_style *lst, const kk_text_style *vst,
                     double x, double label_w, const char *label, const char *value,
                     const char *side_tag, const char *body_tag, const char *block_tag)
{
    kk_cell side;
    if (!kk_cell_init(f, &side, lst, label, x, label_w, side_tag))
        return false;
    kk_block *b = text_block(f, block_tag, vst, value, x + label_w, body_tag);
    if (!b) {
        kk_cell_clear(&side);
        return false;
    }
    b->side = malloc(sizeof *b->side);
    if (!b->side) {
        kk_cell_clear(&side);
        return false;
    }
    *b->side = side;
    return true;
}

bool kk_flow_field(kk_flow *f, const kk_text_style *label_style,
                   const kk_text_style *value_style, double label_width,
                   const char *label_markup, const char *value_markup)
{
    double x = value_style->indent_left;
    if (label_width <= 0 || x + label_width > f->cur_w - 36) {
        kk_sys_error(f->diag, NULL, "internal: field label width %.1f pt does not fit",
                     label_width);
        return false;
    }
    if (!push_tagged(f, B_OPEN, "P"))
        return false;
    /* The block tag "" means: the leaves are the two Spans, P wraps them. */
    if (!labelled(f, label_style, value_style, x, label_width, label_markup,
                  value_markup, "Span", "Span", "")) {
        f->nblocks--;
        return false;
    }
    return push_tagged(f, B_CLOSE, "P");
}

/* ---- lists ---- */

bool kk_flow_list_begin(kk_flow *f, bool ordered, int start)
{
    if (f->list_depth >= 8) {
        kk_error(f->diag, NULL, 0, 0, "lists are nested more than 8 deep");
        return false;
    }
    if (!push_tagged(f, B_OPEN, "L"))
        return false;
    f->list_ordered[f->list_depth] = ordered;
    f->list_counter[f->list_depth] = start;
    f->list_item_open[f->list_depth] = false;
    f->list_depth++;
    return true;
}

static bool close_item(kk_flow *f)
{
    int d = f->list_depth - 1;
    if (!f->list_item_open[d])
        return true;
    f->list_item_open[d] = false;
    return push_tagged(f, B_CLOSE, "LBody") && push_tagged(f, B_CLOSE, "LI");
}

bool kk_flow_list_item(kk_flow *f, const kk_text_style *st, const char *markup)
{
    if (f->list_depth == 0) {
        kk_sys_error(f->diag, NULL, "internal: list item outside a list");
        return false;
    }
    int d = f->list_depth - 1;
    if (!close_item(f) || !push_tagged(f, B_OPEN, "LI"))
        return false;
    char label[32];
    if (f->list_ordered[d])
        snprintf(label, sizeof label, "%d.", f->list_counter[d]++);
    else
        snprintf(label, sizeof label, "%s", d % 2 ? "\xe2\x80\x93" : "\xe2\x80\xa2");
    double size = st->size > 0 ? st->size : 10;
    double lw = size * 1.8;
    double x = st->indent_left + d * lw;
    kk_text_style lst = *st;
    lst.justify = false;
    lst.first_line_indent = 0;
    /* The block tag "LBody" is opened after the label and stays open so that
     * a nested list lands inside it; close_item() ends it. */
    if (!labelled(f, &lst, st, x, lw, label, markup, "Lbl", "P", "LBody")) {
        f->nblocks--;
        return false;
    }
    f->list_item_open[d] = true;
    return true;
}

bool kk_flow_list_end(kk_flow *f)
{
    if (f->list_depth == 0) {
        kk_sys_error(f->diag, NULL, "internal: list end without a list");
        return false;
    }
    if (!close_item(f))
        return false;
    f->list_depth--;
    return push_tagged(f, B_CLOSE, "L");
}

/* ---- tables ---- */

kk_table *kk_flow_table_begin(kk_flow *f, size_t ncols, const double *rel,
                              const kk_text_style *hs, const kk_text_style *cs)
{
    if (ncols == 0 || ncols > 64) {
        kk_sys_error(f->diag, NULL, "internal: table with %zu columns", ncols);
        return NULL;
    }
    kk_table **nt = realloc(f->tables, (f->ntables + 1) * sizeof *nt);
    if (!nt)
        return NULL;
    f->tables = nt;
    kk_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->colx = calloc(ncols, sizeof *t->colx);
    t->colw = calloc(ncols, sizeof *t->colw);
    if (!t->colx || !t->colw || !push_tagged(f, B_OPEN, "Table")) {
        free(t->colx); free(t->colw); free(t);
        return NULL;
    }
    double sum = 0;
    for (size_t i = 0; i < ncols; i++)
        sum += rel && rel[i] > 0 ? rel[i] : 1;
    double x = 0;
    for (size_t i = 0; i < ncols; i++) {
        t->colx[i] = x;
        t->colw[i] = f->cur_w * (rel && rel[i] > 0 ? rel[i] : 1) / sum;
        x += t->colw[i];
    }
    t->flow = f;
    t->ncols = ncols;
    t->header_style = *hs;
    t->cell_style = *cs;
    t->hfamily = dupnull(hs->family);
    t->cfamily = dupnull(cs->family);
    t->header_style.family = t->hfamily;
    t->cell_style.family = t->cfamily;
    t->index = (int)f->ntables;
    t->open = true;
    f->tables[f->ntables++] = t;
    return t;
}

void kk_table_set_rules(kk_table *t, kk_table_rules rules)
{
    if (t)
        t->rules = rules;
}

bool kk_table_row(kk_table *t, bool header, const char *const *cells)
{
    kk_flow *f = t->flow;
    if (!t->open)
        return false;
    const kk_text_style *st = header ? &t->header_style : &t->cell_style;
    kk_cell *cs = calloc(t->ncols, sizeof *cs);
    if (!cs)
        return false;
    for (size_t i = 0; i < t->ncols; i++) {
        double w = t->colw[i] - 2 * KK_CELL_PAD;
        if (!kk_cell_init(f, &cs[i], st, cells[i] ? cells[i] : "",
                          t->colx[i] + KK_CELL_PAD, w > 4 ? w : 4,
                          header ? "TH" : "TD")) {
            for (size_t j = 0; j < i; j++)
                kk_cell_clear(&cs[j]);
            free(cs);
            return false;
        }
    }
    if (header) {
        int *nh = realloc(t->header_rows, (t->nheader + 1) * sizeof *nh);
        if (!nh)
            goto oom;
        t->header_rows = nh;
    }
    kk_block *b = kk_flow_push(f, B_ROW);
    if (!b)
        goto oom;
    b->tag = strdup("TR");
    b->cells = cs;
    b->ncells = t->ncols;
    b->table = t->index;
    b->header = header;
    if (header)
        t->header_rows[t->nheader++] = (int)f->nblocks - 1;
    return true;
oom:
    for (size_t j = 0; j < t->ncols; j++)
        kk_cell_clear(&cs[j]);
    free(cs);
    return false;
}

bool kk_flow_table_end(kk_flow *f, kk_table *t)
{
    if (!t || !t->open)
        return false;
    t->open = false;
    kk_block *b = kk_flow_push(f, B_CLOSE);
    if (!b)
        return false;
    b->tag = strdup("Table");
    b->space_after = t->cell_style.space_after;
    return true;
}

/* ---- the rest ---- */

bool kk_flow_space(kk_flow *f, double pt)
{
    kk_block *b = kk_flow_push(f, B_SPACE);
    if (b)
        b->amount = pt;
    return b != NULL;
}

bool kk_flow_rule(kk_flow *f, double thickness)
{
    kk_block *b = kk_flow_push(f, B_RULE);
    if (b) {
        b->amount = thickness > 0 ? thickness : 0.5;
        b->width = f->cur_w;
    }
    return b != NULL;
}

bool kk_flow_keep_begin(kk_flow *f)
{
    f->keep_depth++;
    return kk_flow_push(f, B_KEEP_BEGIN) != NULL;
}

bool kk_flow_keep_end(kk_flow *f)
{
    if (f->keep_depth == 0) {
        kk_sys_error(f->diag, NULL, "internal: keep end without keep begin");
        return false;
    }
    f->keep_depth--;
    return kk_flow_push(f, B_KEEP_END) != NULL;
}

bool kk_flow_page_break(kk_flow *f)
{
    return kk_flow_push(f, B_BREAK) != NULL;
}

bool kk_flow_columns_begin(kk_flow *f, int ncols, double gap)
{
    if (f->cols_open || ncols < 1 || ncols > 4 || gap < 0
        || (f->body_w - (ncols - 1) * gap) / ncols < 72) {
        kk_sys_error(f->diag, NULL, "internal: bad column region (%d columns, gap %.1f pt%s)",
                     ncols, gap, f->cols_open ? ", regions do not nest" : "");
        return false;
    }
    kk_block *b = kk_flow_push(f, B_COLS_BEGIN);
    if (!b)
        return false;
    b->ncols = ncols;
    b->amount = gap;
    f->cols_open = ncols;
    f->cur_w = (f->body_w - (ncols - 1) * gap) / ncols;
    return true;
}

bool kk_flow_columns_end(kk_flow *f)
{
    if (!f->cols_open) {
        kk_sys_error(f->diag, NULL, "internal: column end without column begin");
        return false;
    }
    if (!kk_flow_push(f, B_COLS_END))
        return false;
    f->cols_open = 0;
    f->cur_w = f->body_w;
    return true;
}

bool kk_flow_struct_begin(kk_flow *f, const char *tag)
{
    if (f->struct_depth >= KK_MAX_STRUCT || !tag || !*tag) {
        kk_sys_error(f->diag, NULL, "internal: bad structure element");
        return false;
    }
    if (!push_tagged(f, B_OPEN, tag))
        return false;
    f->struct_depth++;
    return true;
}

bool kk_flow_struct_end(kk_flow *f)
{
    if (f->struct_depth == 0) {
        kk_sys_error(f->diag, NULL, "internal: structure end without begin");
        return false;
    }
    /* Find the matching open element: the innermost struct_begin that is
     * not yet closed. */
    int depth = 0;
    for (size_t i = f->nblocks; i-- > 0;) {
        kk_block *b = &f->blocks[i];
        if (b->kind == B_CLOSE)
            depth++;
        else if ((b->kind == B_OPEN || (b->kind == B_TEXT && b->side && *b->tag))
                 && depth-- == 0) {
            f->struct_depth--;
            return push_tagged(f, B_CLOSE, b->tag);
        }
    }
    return false;
}

double kk_flow_last_height(const kk_flow *f)
{
    if (!f->nblocks || f->blocks[f->nblocks - 1].kind != B_TEXT)
        return 0;
    const kk_block *b = &f->blocks[f->nblocks - 1];
    double h = b->body.height;
    return b->side && b->side->height > h ? b->side->height : h;
}
