/*
 * paginate.c — page breaking.  Runs over the measured blocks once and
 * records fragments (block, page, y, line range); nothing is drawn, so the
 * page count is known before rendering.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include "layout/layout_int.h"
#include <stdlib.h>
#include <string.h>

typedef struct {
    kk_flow *f;
    int page;
    double y;
    bool top;                /* nothing placed in this column yet */
    /* Column region (ncols 0 = none): columns start at col_top on this page
     * and run down to bottom (body_bottom, or less while balancing). */
    int ncols, col;
    double gap, colw, x, col_top, bottom;
    double real_bottom;      /* body_bottom: keep groups are judged against it */
    bool limit;              /* balancing: leaving the last column fails */
    bool overflow;
} pstate;

static kk_frag *add_frag(pstate *p, int block, double y, double h, int from, int to)
{
    kk_flow *f = p->f;
    if (f->nfrags == f->fcap) {
        size_t nc = f->fcap ? f->fcap * 2 : 128;
        kk_frag *nf = realloc(f->frags, nc * sizeof *nf);
        if (!nf)
            return NULL;
        f->frags = nf;
        f->fcap = nc;
    }
    kk_frag *fr = &f->frags[f->nfrags++];
    memset(fr, 0, sizeof *fr);
    fr->block = block;
    fr->page = p->page;
    fr->y = y;
    fr->h = h;
    fr->from = from;
    fr->to = to;
    fr->x = p->x;
    fr->w = p->ncols ? p->colw : f->body_w;
    fr->col = p->col;
    p->top = false;
    return fr;
}

static void page_break(pstate *p)
{
    if (p->limit)
        p->overflow = true;
    p->page++;
    p->y = p->col_top = p->f->body_top;
    p->bottom = p->f->body_bottom;
    p->col = 0;
    p->x = 0;
    p->top = true;
}

/* Where text goes when this column (or page) is full. */
static void new_page(pstate *p)
{
    if (p->ncols && p->col + 1 < p->ncols) {
        p->col++;
        p->x = p->col * (p->colw + p->gap);
        p->y = p->col_top;
        p->top = true;
        return;
    }
    page_break(p);
}

/* The height of an empty column here: what "fits on a page" means.  While
 * balancing, a group that fits a real column must not be split merely
 * because the trial column is shorter. */
static double full_height(const pstate *p) { return p->real_bottom - p->col_top; }

double kk_row_height(const kk_block *b)
{
    double h = 0;
    for (size_t i = 0; i < b->ncells; i++)
        if (b->cells[i].height > h)
            h = b->cells[i].height;
    return h + 2 * KK_CELL_PAD;
}

/* Height of lines [from, to) of a cell. */
static double span_h(const kk_cell *c, int from, int to)
{
    if (to <= from)
        return 0;
    return c->lines[to - 1].top + c->lines[to - 1].height - c->lines[from].top;
}

/* Next block after i that takes room, or -1. */
static int next_content(const kk_flow *f, size_t i)
{
    for (size_t j = i + 1; j < f->nblocks; j++) {
        kk_block_kind k = f->blocks[j].kind;
        if (k == B_TEXT || k == B_ROW || k == B_RULE || k == B_KEEP_BEGIN)
            return (int)j;
        if (k == B_BREAK)
            return -1;
    }
    return -1;
}

static double group_height(const kk_flow *f, size_t i, size_t *end);

/* The least height block i needs on the page it starts on: two lines of a
 * paragraph (all of a <= 3 line one), a whole row, header rows plus the first
 * body row, a whole keep group, plus what a heading must keep with. */
static double min_height(const kk_flow *f, size_t i, int depth, double full)
{
    const kk_block *b = &f->blocks[i];
    double need = 0;
    switch (b->kind) {
    case B_TEXT: {
        int n = b->body.nlines;
        need = span_h(&b->body, 0, n <= 3 ? n : 2);
        if (b->side && b->side->height > need)
            need = b->side->height;
        break;
    }
    case B_ROW:
        need = kk_row_height(b);
        if (b->header) {
            size_t j = i + 1;
            while (j < f->nblocks && f->blocks[j].kind == B_ROW
                   && f->blocks[j].table == b->table) {
                need += kk_row_height(&f->blocks[j]);
                if (!f->blocks[j].header)
                    break;
                j++;
            }
        }
        break;
    case B_RULE:
        need = b->amount;
        break;
    case B_KEEP_BEGIN: {
        size_t end;
        need = group_height(f, i, &end);
        if (need > full) {
            int j = next_content(f, i);
            need = j >= 0 ? min_height(f, (size_t)j, depth + 1, full) : 0;
        }
        return need;
    }
    default:
        return 0;
    }
    if (b->keep_with_next && depth < 8) {
        int j = next_content(f, i);
        if (j >= 0)
            need += b->space_after + f->blocks[j].space_before
                    + min_height(f, (size_t)j, depth + 1, full);
    }
    return need;
}

/* Natural height of the keep group starting at block i (a B_KEEP_BEGIN);
 * *end gets the index of its B_KEEP_END. */
static double group_height(const kk_flow *f, size_t i, size_t *end)
{
    /* Leading space counts (it is only dropped at a page top, where the
     * group fits anyway); trailing space_after does not. */
    double h = 0, after = 0;
    int depth = 0;
    for (size_t j = i; j < f->nblocks; j++) {
        const kk_block *b = &f->blocks[j];
        if (b->kind == B_KEEP_BEGIN)
            depth++;
        else if (b->kind == B_KEEP_END && --depth == 0) {
            *end = j;
            return h - after;
        } else if (b->kind == B_TEXT) {
            double bh = b->body.height;
            if (b->side && b->side->height > bh)
                bh = b->side->height;
            h += b->space_before + bh + b->space_after;
            after = b->space_after;
        } else if (b->kind == B_ROW) {
            h += kk_row_height(b);
            after = 0;
        } else if (b->kind == B_SPACE) {
            h += b->amount;
            after = 0;
        } else if (b->kind == B_RULE) {
            h += b->amount;
            after = 0;
        }
    }
    *end = f->nblocks;
    return h - after;
}

/* Block i from line `from` on (> 0 only when balancing restarts a column
 * region inside a paragraph). */
static bool place_text(pstate *p, size_t i, int from)
{
    kk_flow *f = p->f;
    const kk_block *b = &f->blocks[i];
    const kk_cell *c = &b->body;
    double sb = p->top ? 0 : b->space_before;
    if (!p->top && p->y + sb + min_height(f, i, 0, full_height(p)) > p->bottom) {
        new_page(p);
        sb = 0;
    }
    p->y += sb;
    int n = c->nlines;
    bool first = from == 0;
    while (from < n) {
        if (p->overflow)
            return true;
        double avail = p->bottom - p->y;
        int k = from;
        while (k < n && span_h(c, from, k + 1) <= avail)
            k++;
        double need_side = first && b->side ? b->side->height : 0;
        if (k == n && need_side <= avail) {
            kk_frag *fr = add_frag(p, (int)i, p->y, span_h(c, from, n), from, n);
            if (!fr)
                return false;
            fr->first = first;
            if (need_side > fr->h)
                fr->h = need_side;   /* a label taller than its text: what follows goes below it */
            p->y += fr->h;
            break;
        }
        if (k < n && n - k < 2)
            k = n - 2;              /* no widow: two lines go over together */
        int min_here = from == 0 ? 2 : 1;  /* no orphan */
        if (k - from < min_here || need_side > avail) {
            if (!p->top) {
                new_page(p);
                continue;
            }
            /* Alone on an empty page and still too tall: break anyway. */
            if (k - from < 1)
                k = from + 1;
        }
        kk_frag *fr = add_frag(p, (int)i, p->y, span_h(c, from, k), from, k);
        if (!fr)
            return false;
        fr->first = first;
        first = false;
        from = k;
        new_page(p);
    }
    p->y += b->space_after;
    return true;
}

static bool place_repeats(pstate *p, const kk_table *t, size_t before)
{
    for (size_t h = 0; h < t->nheader; h++) {
        size_t hi = (size_t)t->header_rows[h];
        if (hi >= before)
            break;
        const kk_block *hb = &p->f->blocks[hi];
        kk_frag *fr = add_frag(p, (int)hi, p->y, kk_row_height(hb), 0, 0);
        if (!fr)
            return false;
        fr->repeat = true;
        p->y += fr->h;
    }
    return true;
}

/* A row taller than a page: each cell carries on where it stopped. */
static bool place_tall_row(pstate *p, size_t i, const kk_table *t)
{
    const kk_block *b = &p->f->blocks[i];
    size_t nc = b->ncells;
    int *cur = calloc(nc, sizeof *cur);
    if (!cur)
        return false;
    for (;;) {
        bool done = true;
        for (size_t c = 0; c < nc; c++)
            done &= cur[c] >= b->cells[c].nlines;
        if (done)
            break;
        kk_frag *fr = add_frag(p, (int)i, p->y, 0, 0, 0);
        if (!fr || !(fr->cell_from = calloc(nc, sizeof(int)))
            || !(fr->cell_to = calloc(nc, sizeof(int)))) {
            free(cur);
            return false;
        }
        double avail = p->bottom - p->y - 2 * KK_CELL_PAD, used = 0;
        for (size_t c = 0; c < nc; c++) {
            const kk_cell *cc = &b->cells[c];
            int k = cur[c];
            while (k < cc->nlines && span_h(cc, cur[c], k + 1) <= avail)
                k++;
            if (k == cur[c] && k < cc->nlines)
                k++;                 /* a single line taller than the page */
            fr->cell_from[c] = cur[c];
            fr->cell_to[c] = k;
            if (span_h(cc, cur[c], k) > used)
                used = span_h(cc, cur[c], k);
            cur[c] = k;
        }
        fr->h = used + 2 * KK_CELL_PAD;
        p->y += fr->h;
        done = true;
        for (size_t c = 0; c < nc; c++)
            done &= cur[c] >= b->cells[c].nlines;
        if (!done) {
            new_page(p);
            if (!b->header && !place_repeats(p, t, i)) {
                free(cur);
                return false;
            }
        }
    }
    free(cur);
    return true;
}

static bool place_row(pstate *p, size_t i)
{
    kk_flow *f = p->f;
    const kk_block *b = &f->blocks[i];
    const kk_table *t = f->tables[b->table];
    double h = kk_row_height(b);
    double need = b->header ? min_height(f, i, 0, full_height(p)) : h;
    if (!p->top && p->y + need > p->bottom) {
        new_page(p);
        if (!b->header && !place_repeats(p, t, i))
            return false;
    }
    if (p->y + h > p->bottom)
        return place_tall_row(p, i, t);
    kk_frag *fr = add_frag(p, (int)i, p->y, h, 0, 0);
    if (!fr)
        return false;
    fr->first = true;
    p->y += h;
    return true;
}

static bool end_columns(pstate *p, size_t region_frag, size_t end_block);

/* Place block i (text from line `from`).  *region_frag: first fragment of
 * the open column region.  False on out of memory. */
static bool place_block(pstate *p, size_t i, int from, size_t *region_frag)
{
    kk_flow *f = p->f;
    kk_block *b = &f->blocks[i];
    switch (b->kind) {
    case B_OPEN:
    case B_KEEP_END:
        return true;
    case B_CLOSE:
        if (!p->top)
            p->y += b->space_after;
        return true;
    case B_SPACE:
        if (!p->top)
            p->y += b->amount;
        return true;
    case B_BREAK:
        if (!p->top || p->col > 0)
            page_break(p);
        return true;
    case B_KEEP_BEGIN: {
        size_t end;
        double h = group_height(f, i, &end);
        if (h <= full_height(p) && p->y + h > p->bottom) {
            if (!p->top)
                new_page(p);
            else if (p->limit)
                p->overflow = true;   /* the trial column is too short for it */
        }
        return true;
    }
    case B_RULE: {
        if (!p->top && p->y + b->amount > p->bottom)
            new_page(p);
        kk_frag *fr = add_frag(p, (int)i, p->y, b->amount, 0, 0);
        p->y += b->amount;
        return fr != NULL;
    }
    case B_TEXT:
        return place_text(p, i, from);
    case B_ROW:
        return place_row(p, i);
    case B_COLS_BEGIN:
        /* A region starting in the last few lines of a page starts on the next. */
        if (!p->top && p->bottom - p->y < 60)
            page_break(p);
        p->ncols = b->ncols;
        p->gap = b->amount;
        p->colw = (f->body_w - (b->ncols - 1) * b->amount) / b->ncols;
        p->col = 0;
        p->x = 0;
        p->col_top = p->y;
        p->top = true;
        *region_frag = f->nfrags;
        return true;
    case B_COLS_END:
        return end_columns(p, *region_frag, i);
    }
    return true;
}

/* Lowest point reached on page `page` by fragments from k on. */
static double region_bottom(const kk_flow *f, size_t k, int page, double dflt)
{
    double y = dflt;
    for (; k < f->nfrags; k++)
        if (f->frags[k].page == page && f->frags[k].y + f->frags[k].h > y)
            y = f->frags[k].y + f->frags[k].h;
    return y;
}

static void truncate_frags(kk_flow *f, size_t k)
{
    for (size_t j = k; j < f->nfrags; j++) {
        free(f->frags[j].cell_from);
        free(f->frags[j].cell_to);
        f->frags[j].cell_from = f->frags[j].cell_to = NULL;
    }
    if (k < f->nfrags)
        f->nfrags = k;
}

/* Re-place the region's part on this page (fragments k0.., blocks
 * bstart..end_block, the first from line lstart) in columns of height h.
 * True if it fits on the page. */
static bool replay(pstate *p, int page, double col_top, size_t k0, size_t bstart,
                   int lstart, size_t end_block, double h, bool *oom)
{
    truncate_frags(p->f, k0);
    p->page = page;
    p->col = 0;
    p->x = 0;
    p->y = p->col_top = col_top;
    p->bottom = col_top + h;
    p->top = true;
    p->limit = true;
    p->overflow = false;
    size_t dummy = 0;
    for (size_t i = bstart; i < end_block && !p->overflow; i++)
        if (!place_block(p, i, i == bstart ? lstart : 0, &dummy)) {
            *oom = true;
            return false;
        }
    p->limit = false;
    return !p->overflow;
}

/* Balance the columns of the region's last page, then leave the region. */
static bool end_columns(pstate *p, size_t region_frag, size_t end_block)
{
    kk_flow *f = p->f;
    size_t k0 = region_frag;
    while (k0 < f->nfrags && f->frags[k0].page != p->page)
        k0++;
    bool balance = p->ncols > 1 && k0 < f->nfrags && !p->limit;
    for (size_t k = k0; balance && k < f->nfrags; k++)
        if (f->frags[k].cell_from || f->frags[k].repeat)
            balance = false;     /* tall rows and repeated headers: leave as is */
    if (balance) {
        const kk_frag *first = &f->frags[k0];
        size_t bstart = (size_t)first->block;
        int lstart = f->blocks[bstart].kind == B_TEXT ? first->from : 0;
        /* Restart before the keep group (and structure) the page opens with. */
        while (lstart == 0 && bstart > 0) {
            kk_block_kind k = f->blocks[bstart - 1].kind;
            if (k != B_KEEP_BEGIN && k != B_OPEN && k != B_SPACE && k != B_CLOSE && k != B_KEEP_END)
                break;
            bstart--;
        }
        int page = p->page, ncols = p->ncols;
        double col_top = p->col_top, full = full_height(p), gap = p->gap, colw = p->colw;
        size_t n = f->nfrags - k0;
        kk_frag *saved = malloc(n * sizeof *saved);
        if (!saved)
            return false;
        memcpy(saved, &f->frags[k0], n * sizeof *saved);
        double lo = 0, hi = full;
        bool oom = false;
        while (hi - lo > 0.5 && !oom) {
            double mid = (lo + hi) / 2;
            if (replay(p, page, col_top, k0, bstart, lstart, end_block, mid, &oom))
                hi = mid;
            else
                lo = mid;
        }
        bool fits = !oom && hi < full
                    && replay(p, page, col_top, k0, bstart, lstart, end_block, hi, &oom);
        if (!fits && !oom) {     /* keep the unbalanced placement */
            truncate_frags(f, k0);   /* the array once held k0 + n: room enough */
            memcpy(&f->frags[k0], saved, n * sizeof *saved);
            f->nfrags = k0 + n;
        }
        free(saved);
        if (oom)
            return false;
        p->page = page;
        p->ncols = ncols;
        p->col_top = col_top;
        p->gap = gap;
        p->colw = colw;
    }
    p->y = region_bottom(f, region_frag, p->page, p->col_top);
    p->top = p->y <= p->col_top && p->col_top <= f->body_top;
    p->ncols = 0;
    p->col = 0;
    p->x = 0;
    p->bottom = f->body_bottom;
    return true;
}

int kk_flow_paginate(kk_flow *f)
{
    if (f->pages)
        return f->pages;
    kk_flow_unpaginate(f);
    pstate p = { .f = f, .page = 1, .y = f->body_top, .top = true,
                 .col_top = f->body_top, .bottom = f->body_bottom,
                 .real_bottom = f->body_bottom };
    size_t region_frag = 0;
    for (size_t i = 0; i < f->nblocks; i++) {
        if (!place_block(&p, i, 0, &region_frag)) {
            kk_sys_error(f->diag, NULL, "out of memory while paginating");
            kk_flow_unpaginate(f);
            return 0;
        }
    }
    if (f->nfrags == 0) {
        kk_error(f->diag, NULL, 0, 0, "the document has no content to typeset");
        return 0;
    }
    f->pages = f->frags[f->nfrags - 1].page;
    return f->pages;
}

void kk_flow_debug_breaks(kk_flow *f, FILE *out)
{
    static const char *const kinds[] = { "text", "row", "space", "rule", "break",
                                         "open", "close", "keep", "keepend",
                                         "cols", "colsend" };
    if (!kk_flow_paginate(f))
        return;
    for (size_t i = 0; i < f->nfrags; i++) {
        const kk_frag *fr = &f->frags[i];
        const kk_block *b = &f->blocks[fr->block];
        double xmax = 0;
        int n = 0;
        const char *text = "";
        const kk_cell *cells = b->kind == B_TEXT ? &b->body : b->cells;
        size_t nc = b->kind == B_TEXT ? 1 : b->ncells;
        for (size_t c = 0; c < nc; c++) {
            const kk_cell *cc = &cells[c];
            int a = b->kind == B_TEXT ? fr->from : 0;
            int z = b->kind == B_TEXT ? fr->to : cc->nlines;
            for (int l = a; l < z; l++)
                if (cc->x + cc->lines[l].x + cc->lines[l].width > xmax)
                    xmax = cc->x + cc->lines[l].x + cc->lines[l].width;
            if (c == 0 && cc->layout) {
                text = pango_layout_get_text(cc->layout);
                n = cc->nlines;
            }
        }
        const char *end = text;
        for (int k = 0; k < 24 && *end; k++)
            end = g_utf8_next_char(end);
        fprintf(out, "page %d block %d %s %s lines %d-%d/%d y=%.1f-%.1f xmax=%.1f "
                "width=%.1f col=%d x=%.1f%s \"%.*s\"\n", fr->page, fr->block, kinds[b->kind],
                b->tag && *b->tag ? b->tag : "-", fr->from,
                fr->to > 0 ? fr->to - 1 : 0, n, fr->y, fr->y + fr->h, xmax, fr->w,
                fr->col, fr->x, fr->repeat ? " repeat" : "", (int)(end - text), text);
    }
}
