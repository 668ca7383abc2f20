/*
 * canvas_pdf.c — the PDF canvas (canvas.h): pages written as PDF content
 * straight from Pango's glyph runs, in one pass.
 *
 * Why not Cairo's PDF surface: Cairo 1.16 records every page, replays the
 * recording twice (analysis, then output) and prints every number through
 * printf; it was a third of the time of a document.  Here a glyph run is
 * one TJ with the glyph ids Pango chose and a position correction only
 * where Pango's advance differs from the font's (justification, kerning).
 *
 * The page's coordinates are Cairo's and Pango's: y grows downwards, set
 * once by the page's first operator.  Content is marked (BDC/EMC with an
 * MCID) only while a leaf element is innermost; the rest stays unmarked
 * for the finishing stage to make an artifact, as with Cairo.
 */
#define _POSIX_C_SOURCE 200809L
#include "layout/canvas_pdf_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- numbers ---- */

/* v with at most `dec` decimals, no trailing zeros: printf is the cost
 * Cairo pays per number. */
void kk_pdfc_num(kk_buf *b, double v, int dec)
{
    static const long scale[] = { 1, 10, 100, 1000 };
    char s[40], *e = s + sizeof s, *p = e;
    long long n = llround(fabs(v) * (double)scale[dec]);
    if (n >= 100000000000000LL) {  /* absurd; keep it valid */
        kk_buf_addf(b, "%.0f", v);
        return;
    }
    int d = 0;
    bool any = false;
    for (; d < dec; d++, n /= 10) {
        int digit = (int)(n % 10);
        if (digit || any) {
            *--p = (char)('0' + digit);
            any = true;
        }
    }
    if (any)
        *--p = '.';
    do {
        *--p = (char)('0' + n % 10);
        n /= 10;
    } while (n);
    if (v < 0 && !(p[0] == '0' && p + 1 == e))
        *--p = '-';
    kk_buf_addn(b, p, (size_t)(e - p));
}

void kk_pdfc_nums(kk_buf *b, const double *v, int n, int dec, const char *op)
{
    for (int i = 0; i < n; i++) {
        kk_pdfc_num(b, v[i], dec);
        kk_buf_addn(b, " ", 1);
    }
    kk_buf_add(b, op);
}

/* ---- life ---- */

kk_pdfc *kk_pdfc_new(double w, double h, bool tagged)
{
    kk_pdfc *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->w = w;
    p->h = h;
    p->out = kk_pdf_out_new();
    p->fonts = kk_pdf_fonts_new();
    p->pages = g_array_new(FALSE, TRUE, sizeof(pdf_page));
    p->elems = g_array_new(FALSE, TRUE, sizeof(elem));
    p->stack = g_array_new(FALSE, FALSE, sizeof(int));
    p->dests = g_array_new(FALSE, TRUE, sizeof(dest));
    p->outlines = g_array_new(FALSE, TRUE, sizeof(outline));
    p->images = g_array_new(FALSE, TRUE, sizeof(image));
    p->mc = MC_NONE;
    p->tagged = tagged;
    if (!p->out || !p->fonts) {
        kk_pdfc_free(p);
        return NULL;
    }
    return p;
}

void kk_pdfc_free(kk_pdfc *p)
{
    if (!p)
        return;
    kk_pdf_out_free(p->out);
    kk_pdf_fonts_free(p->fonts);
    for (guint i = 0; i < p->pages->len; i++) {
        pdf_page *pg = &g_array_index(p->pages, pdf_page, i);
        g_array_free(pg->annots, TRUE);
        g_array_free(pg->mcids, TRUE);
    }
    g_array_free(p->pages, TRUE);
    for (guint i = 0; i < p->elems->len; i++) {
        elem *e = &g_array_index(p->elems, elem, i);
        g_free(e->tag);
        g_free(e->uri);
        g_array_free(e->kids, TRUE);
    }
    g_array_free(p->elems, TRUE);
    g_array_free(p->stack, TRUE);
    for (guint i = 0; i < p->dests->len; i++)
        g_free(g_array_index(p->dests, dest, i).name);
    g_array_free(p->dests, TRUE);
    for (guint i = 0; i < p->outlines->len; i++) {
        g_free(g_array_index(p->outlines, outline, i).title);
        g_free(g_array_index(p->outlines, outline, i).dest);
    }
    g_array_free(p->outlines, TRUE);
    for (guint i = 0; i < p->images->len; i++)
        kk_image_unref(g_array_index(p->images, image, i).img);
    g_array_free(p->images, TRUE);
    kk_buf_free(&p->c);
    g_free(p->title);
    g_free(p->author);
    free(p);
}

void kk_pdfc_set_info(kk_pdfc *p, const char *title, const char *author)
{
    p->title = g_strdup(title);
    p->author = g_strdup(author);
}

bool kk_pdfc_unsupported(const kk_pdfc *p)
{
    return p->unsupported;
}

/* ---- pages and marked content ---- */

pdf_page *kk_pdfc_cur_page(kk_pdfc *p)
{
    if (p->pages->len == 0)
        kk_pdfc_page(p);
    return &g_array_index(p->pages, pdf_page, p->pages->len - 1);
}

static void text_end(kk_pdfc *p)
{
    if (p->in_text)
        kk_buf_add(&p->c, "ET\n");
    p->in_text = false;
}

static void close_mc(kk_pdfc *p)
{
    text_end(p);
    if (p->mc != MC_NONE)
        kk_buf_add(&p->c, "EMC\n");
    p->mc = MC_NONE;
}

/* Content is about to be drawn: into the innermost element's marked
 * content when that is a leaf, else into an artifact (running headers,
 * rules, table borders: layout.h), so that the finishing stage need not
 * look for unmarked content in what the canvas wrote. */
static void mark(kk_pdfc *p)
{
    pdf_page *pg = kk_pdfc_cur_page(p);
    if (!p->tagged)
        return;
    int top = p->stack->len ? g_array_index(p->stack, int, p->stack->len - 1) : MC_ARTIFACT;
    if (top >= 0 && !g_array_index(p->elems, elem, top).leaf)
        top = MC_ARTIFACT;
    if (top == p->mc)
        return;
    close_mc(p);   /* and the text object: marked content nests with it */
    if (top == MC_ARTIFACT) {
        kk_buf_add(&p->c, "/Artifact BMC\n");
        p->mc = MC_ARTIFACT;
        return;
    }
    elem *e = &g_array_index(p->elems, elem, top);
    int mcid = (int)pg->mcids->len;
    g_array_append_val(pg->mcids, top);
    kid k = { KID_MCID, (int)p->pages->len - 1, mcid };
    g_array_append_val(e->kids, k);
    kk_buf_addf(&p->c, "/%s <</MCID %d>> BDC\n", e->tag, mcid);
    p->mc = top;
}

void kk_pdfc_end_page(kk_pdfc *p)
{
    if (p->pages->len == 0)
        return;
    close_mc(p);
    pdf_page *pg = &g_array_index(p->pages, pdf_page, p->pages->len - 1);
    kk_pdf_out_stream(p->out, pg->contents, "", p->c.s ? p->c.s : "", p->c.len);
    p->c.len = 0;
}

void kk_pdfc_page(kk_pdfc *p)
{
    kk_pdfc_end_page(p);
    pdf_page pg = { kk_pdf_out_reserve(p->out), kk_pdf_out_reserve(p->out),
                g_array_new(FALSE, FALSE, sizeof(long)), g_array_new(FALSE, FALSE, sizeof(int)), -1 };
    g_array_append_val(p->pages, pg);
    p->fill_set = p->stroke_set = p->lw_set = false;
    p->tf_font = -1;
    kk_buf_add(&p->c, "1 0 0 -1 0 ");
    kk_pdfc_num(&p->c, p->h, 3);
    kk_buf_add(&p->c, " cm\n");
}

/* ---- paint ---- */

void kk_pdfc_rgb(kk_pdfc *p, double r, double g, double b)
{
    p->rgb[0] = r;
    p->rgb[1] = g;
    p->rgb[2] = b;
}

static void use_fill(kk_pdfc *p)
{
    if (p->fill_set && !memcmp(p->fill, p->rgb, sizeof p->fill))
        return;
    memcpy(p->fill, p->rgb, sizeof p->fill);
    p->fill_set = true;
    kk_pdfc_nums(&p->c, p->rgb, 3, 3, "rg\n");
}

static void use_stroke(kk_pdfc *p, double lw)
{
    if (!p->stroke_set || memcmp(p->stroke, p->rgb, sizeof p->stroke)) {
        memcpy(p->stroke, p->rgb, sizeof p->stroke);
        p->stroke_set = true;
        kk_pdfc_nums(&p->c, p->rgb, 3, 3, "RG\n");
    }
    if (!p->lw_set || p->lw != lw) {
        p->lw = lw;
        p->lw_set = true;
        kk_pdfc_nums(&p->c, &lw, 1, 3, "w\n");
    }
}

void kk_pdfc_fill_rect(kk_pdfc *p, double x, double y, double w, double h)
{
    mark(p);
    text_end(p);
    use_fill(p);
    kk_pdfc_nums(&p->c, (double[]){ x, y, w, h }, 4, 3, "re f\n");
}

void kk_pdfc_stroke_rect(kk_pdfc *p, double x, double y, double w, double h, double lw)
{
    mark(p);
    text_end(p);
    use_stroke(p, lw);
    kk_pdfc_nums(&p->c, (double[]){ x, y, w, h }, 4, 3, "re S\n");
}

void kk_pdfc_stroke_line(kk_pdfc *p, double x0, double y0, double x1, double y1, double lw)
{
    mark(p);
    text_end(p);
    use_stroke(p, lw);
    kk_pdfc_nums(&p->c, (double[]){ x0, y0 }, 2, 3, "m ");
    kk_pdfc_nums(&p->c, (double[]){ x1, y1 }, 2, 3, "l S\n");
}

/* The font's index and size, -1 when it cannot be embedded. */
static const font_use *font_of(kk_pdfc *p, PangoFont *font)
{
    for (int i = 0; i < p->nfcache; i++)
        if (p->fcache[i].font == font)
            return &p->fcache[i];
    font_use u = { font, kk_pdf_fonts_index(p->fonts, font), 0 };
    PangoFontDescription *fd = pango_font_describe_with_absolute_size(font);
    u.size = (double)pango_font_description_get_size(fd) / PANGO_SCALE;
    pango_font_description_free(fd);
    int slot = p->nfcache < (int)G_N_ELEMENTS(p->fcache) ? p->nfcache++
                                                        : p->fnext++ % (int)G_N_ELEMENTS(p->fcache);
    p->fcache[slot] = u;
    return &p->fcache[slot];
}

/* A CID's code (pdf_font.h) in a literal string; bytes a reader would
 * take for syntax are escaped. */
static char *put_code(char *o, unsigned cid)
{
    unsigned char by[2];
    int n = 0;
    if (cid < KK_PDF_FONT_ONE_BYTE) {
        by[n++] = (unsigned char)cid;
    } else {
        unsigned code = 0xF000 + cid - KK_PDF_FONT_ONE_BYTE;
        by[n++] = (unsigned char)(code >> 8);
        by[n++] = (unsigned char)code;
    }
    for (int i = 0; i < n; i++) {
        unsigned char c = by[i];
        if (c == '(' || c == ')' || c == '\\' || c == '\r') {
            *o++ = '\\';
            c = c == '\r' ? 'r' : c;
        }
        *o++ = (char)c;
    }
    return o;
}

/* A TJ position adjustment: an integer, at most 11 bytes. */
static char *put_int(char *o, long v)
{
    char tmp[24];
    int n = 0;
    unsigned long u = v < 0 ? 0UL - (unsigned long)v : (unsigned long)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u && n < 20);
    if (v < 0)
        *o++ = '-';
    while (n)
        *o++ = tmp[--n];
    return o;
}

/* The text (bytes) of the cluster that glyph g starts, for ToUnicode. */
static int cluster_text(int len, const PangoGlyphString *gs, int g)
{
    int start = gs->log_clusters[g], end = len;
    for (int k = g + 1; k < gs->num_glyphs; k++)
        if (gs->log_clusters[k] != start) {
            end = gs->log_clusters[k] > start ? gs->log_clusters[k] : end;
            break;
        }
    return start < 0 || start > len || end < start ? 0 : end - start;
}

void kk_pdfc_glyphs(kk_pdfc *p, const char *text, PangoGlyphItem *gi, double x, double base)
{
    if (p->unsupported)
        return;
    const font_use *f = font_of(p, gi->item->analysis.font);
    if (f->index < 0) {
        p->unsupported = true;
        return;
    }
    const PangoGlyphString *gs = gi->glyphs;
    const char *run = text + gi->item->offset;
    int len = gi->item->length;
    double size = f->size, to_units = size > 0 ? 1000.0 / size : 0;
    mark(p);
    use_fill(p);
    kk_buf *c = &p->c;
    if (!p->in_text) {
        kk_buf_add(c, "BT\n");
        p->in_text = true;
        p->have_tlm = false;
    }
    if (p->tf_font != f->index || p->tf_size != size) {
        kk_buf_addf(c, "/F%d ", f->index);
        kk_pdfc_num(c, size, 3);
        kk_buf_add(c, " Tf\n");
        p->tf_font = f->index;
        p->tf_size = size;
    }
    if (p->have_tlm) {
        /* Td: relative to the last line start, text space y up; the start
         * kept is where the viewer's sum of the written moves puts it */
        double dx = round((x - p->tlm_x) * 1000) / 1000, dy = round((p->tlm_y - base) * 1000) / 1000;
        kk_pdfc_nums(c, (double[]){ dx, dy }, 2, 3, "Td [(");
        p->tlm_x += dx;
        p->tlm_y -= dy;
    } else {
        kk_buf_add(c, "1 0 0 -1 ");
        kk_pdfc_nums(c, (double[]){ x, base }, 2, 3, "Tm [(");
        p->have_tlm = true;
        p->tlm_x = round(x * 1000) / 1000;
        p->tlm_y = round(base * 1000) / 1000;
    }

    /* points from x: where the PDF pen is (the line start as written is
     * a rounding off x), where Pango puts the next glyph */
    double pen = p->tlm_x - x, at = 0, rise = 0;
    /* the glyphs are written in place: per glyph at most an adjustment
     * ")-2147483648(" and a code of four bytes */
    enum { PER_GLYPH = 18 };
    char *o = kk_buf_room(c, (size_t)gs->num_glyphs * PER_GLYPH), *o0 = o;
    int told = -1;   /* the cluster whose text was given */
    for (int g = 0; o && g < gs->num_glyphs; g++) {
        const PangoGlyphInfo *gl = &gs->glyphs[g];
        double want = at + (double)gl->geometry.x_offset / PANGO_SCALE;
        at += (double)gl->geometry.width / PANGO_SCALE;
        if (gl->glyph == PANGO_GLYPH_EMPTY)
            continue;
        /* a character no font has: .notdef (a box) standing for it */
        unsigned gid = gl->glyph & PANGO_GLYPH_UNKNOWN_FLAG ? 0 : gl->glyph;
        double y_off = -(double)gl->geometry.y_offset / PANGO_SCALE;
        if (y_off != rise) {   /* rare: a raised glyph; leave the in-place writing */
            kk_buf_commit(c, (size_t)(o - o0));
            kk_buf_add(c, ")] TJ ");
            kk_pdfc_num(c, y_off, 3);
            kk_buf_add(c, " Ts [(");
            rise = y_off;
            o = o0 = kk_buf_room(c, (size_t)(gs->num_glyphs - g) * PER_GLYPH);
            if (!o)
                break;
        }
        /* TJ: positive moves left; whole thousandths of an em (0.01 pt
         * at 10 pt), the rest carried in pen to the next glyph */
        double d = (pen - want) * to_units;
        long adj = (long)(d < 0 ? d - 0.5 : d + 0.5);
        if (adj != 0 && adj > -2000000000L && adj < 2000000000L) {
            *o++ = ')';
            o = put_int(o, adj);
            *o++ = '(';
            pen -= (double)adj / to_units;
        }
        /* the cluster's text goes with its first glyph drawn: a soft
         * hyphen's empty glyph comes before the hyphen of a line end */
        int tl = 0;
        if (gs->log_clusters[g] != told) {
            told = gs->log_clusters[g];
            tl = cluster_text(len, gs, g);
        }
        int cid = kk_pdf_fonts_cid(p->fonts, f->index, gid, tl ? run + told : NULL, tl);
        if (cid < 0) {   /* out of codes: the document goes to Cairo */
            p->unsupported = true;
            break;
        }
        o = put_code(o, (unsigned)cid);
        pen += kk_pdf_fonts_advance(p->fonts, f->index, gid) / to_units;
    }
    if (o)
        kk_buf_commit(c, (size_t)(o - o0));
    kk_buf_add(c, rise != 0 ? ")] TJ 0 Ts\n" : ")] TJ\n");
    /* a link's box grows with its glyphs */
    int top = p->stack->len ? g_array_index(p->stack, int, p->stack->len - 1) : -1;
    elem *e = top >= 0 ? &g_array_index(p->elems, elem, top) : NULL;
    if (e && e->uri) {
        double y0 = base - size * 0.9, y1 = base + size * 0.25, x1 = x + at;
        if (e->x1 <= e->x0) {
            e->x0 = x;
            e->y0 = y0;
            e->x1 = x1;
            e->y1 = y1;
        } else {
            e->x0 = fmin(e->x0, x);
            e->y0 = fmin(e->y0, y0);
            e->x1 = fmax(e->x1, x1);
            e->y1 = fmax(e->y1, y1);
        }
    }
}

void kk_pdfc_image(kk_pdfc *p, kk_image *img, double x, double y, double width)
{
    int w = kk_image_width(img), h = kk_image_height(img);
    if (w <= 0 || h <= 0)
        return;
    guint i = 0;
    while (i < p->images->len && g_array_index(p->images, image, i).img != img)
        i++;
    if (i == p->images->len) {
        image im = { kk_image_ref(img), kk_pdf_out_reserve(p->out) };
        g_array_append_val(p->images, im);
    }
    double height = width * h / w;
    mark(p);
    text_end(p);
    kk_buf_add(&p->c, "q ");
    kk_pdfc_nums(&p->c, (double[]){ width, 0, 0, -height, x, y + height }, 6, 3, "cm");
    kk_buf_addf(&p->c, " /Im%u Do Q\n", i);
}

/* ---- structure ---- */

void kk_pdfc_begin(kk_pdfc *p, const char *tag, bool leaf, const char *uri)
{
    int parent = p->stack->len ? g_array_index(p->stack, int, p->stack->len - 1) : -1;
    elem e = { g_strdup(tag), parent, kk_pdf_out_reserve(p->out), g_array_new(FALSE, FALSE, sizeof(kid)),
               leaf, g_strdup(uri), 0, 0, 0, 0, 0, 0 };
    int idx = (int)p->elems->len;
    g_array_append_val(p->elems, e);
    if (parent >= 0) {
        kid k = { KID_ELEM, 0, idx };
        g_array_append_val(g_array_index(p->elems, elem, parent).kids, k);
    }
    g_array_append_val(p->stack, idx);
}

/* A link's annotation, its box in the page's (y up) space. */
static void write_annot(kk_pdfc *p, elem *e)
{
    if (e->x1 <= e->x0)
        return;
    pdf_page *pg = kk_pdfc_cur_page(p);
    e->annot = kk_pdf_out_reserve(p->out);
    g_array_append_val(pg->annots, e->annot);
    kid k = { KID_ANNOT, (int)p->pages->len - 1, e->annot };
    g_array_append_val(e->kids, k);
    kk_pdf_out_begin(p->out, e->annot);
    kk_buf r = { 0 };
    kk_pdfc_nums(&r, (double[]){ e->x0, p->h - e->y1, e->x1, p->h - e->y0 }, 4, 2, "");
    kk_buf u = { 0 };
    for (const char *s = e->uri; *s; s++) {   /* a literal string */
        if (*s == '(' || *s == ')' || *s == '\\')
            kk_buf_addn(&u, "\\", 1);
        if (*s == '\r' || *s == '\n')
            kk_buf_add(&u, *s == '\r' ? "\\r" : "\\n");
        else
            kk_buf_addn(&u, s, 1);
    }
    e->annot_key = p->next_key++;
    kk_pdf_out_printf(p->out, "<< /Type /Annot /Subtype /Link /StructParent %d /Rect [ %s] /A << /Type /Action /S /URI /URI (%s) >> /BS << /W 0 >> >>",
                      e->annot_key, r.s ? r.s : "0 0 0 0 ", u.s ? u.s : "");
    kk_pdf_out_end(p->out);
    kk_buf_free(&r);
    kk_buf_free(&u);
}

void kk_pdfc_end(kk_pdfc *p, const char *tag)
{
    if (!p->stack->len)
        return;
    int idx = g_array_index(p->stack, int, p->stack->len - 1);
    elem *e = &g_array_index(p->elems, elem, idx);
    (void)tag;
    if (p->mc == idx)
        close_mc(p);
    if (e->uri)
        write_annot(p, e);
    g_array_set_size(p->stack, p->stack->len - 1);
}

void kk_pdfc_dest(kk_pdfc *p, const char *name, double x, double y)
{
    kk_pdfc_cur_page(p);
    dest d = { g_strdup(name), (int)p->pages->len - 1, x, y };
    g_array_append_val(p->dests, d);
}

int kk_pdfc_outline(kk_pdfc *p, int parent, const char *title, const char *dname, double x, double y)
{
    kk_pdfc_cur_page(p);
    outline o = { g_strdup(title), g_strdup(dname), parent, (int)p->pages->len - 1, x, y, 0 };
    g_array_append_val(p->outlines, o);
    return (int)p->outlines->len;
}

