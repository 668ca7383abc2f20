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
#include "layout/canvas_pdf.h"
#include "layout/pdf_font.h"
#include "layout/pdf_out.h"
#include "util/text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef enum { KID_ELEM, KID_MCID, KID_ANNOT } kid_kind;

typedef struct {
    kid_kind kind;
    int page;          /* KID_MCID, KID_ANNOT */
    long n;            /* element index, MCID or annotation object */
} kid;

typedef struct {
    char *tag;         /* owned */
    int parent;        /* element index, -1 for the root's children */
    long obj;
    GArray *kids;      /* of kid */
    bool leaf;
    char *uri;         /* owned; a Link's */
    /* a Link's annotation on its page: the box of what it holds */
    double x0, y0, x1, y1;
    long annot;
    int annot_key;     /* its parent-tree key */
} elem;

typedef struct {
    long obj, contents;
    GArray *annots;    /* of long */
    GArray *mcids;     /* of int: element index of each MCID */
    int struct_parents;/* -1 when the page has no marked content */
} page;

typedef struct {
    PangoFont *font;   /* borrowed key */
    int index;
    double size;
} font_use;

typedef struct {
    char *name;        /* owned */
    int page;
    double x, y;
} dest;

typedef struct {
    char *title, *dest;/* owned */
    int parent, page;  /* parent: outline id, 0 = top */
    double x, y;
    long obj;
} outline;

typedef struct {
    cairo_surface_t *img; /* one reference */
    long obj;
} image;

struct kk_pdfc {
    double w, h;
    kk_pdf_out *out;
    kk_pdf_fonts *fonts;
    GArray *pages;      /* of page */
    GArray *elems;      /* of elem */
    GArray *stack;      /* of int: open elements */
    GArray *dests;      /* of dest */
    GArray *outlines;   /* of outline; id = index + 1 */
    GArray *images;     /* of image */
    font_use fcache[8]; /* the last fonts met, most runs hit it */
    int nfcache, fnext;
    kk_buf c;           /* the current page's content */
    int mc;             /* element whose marked content is open, -1 none */
    int next_key;       /* parent tree keys */
    double fill[3], stroke[3], lw;
    bool fill_set, stroke_set, lw_set;
    /* text state: a text object stays open from run to run of a leaf */
    bool in_text, have_tlm;
    double tlm_x, tlm_y;     /* where the last Tm/Td put the line start */
    int tf_font;             /* -1 = no Tf on this page yet */
    double tf_size;
    double rgb[3];
    bool unsupported;
    char *title, *author, *date;
};

/* ---- numbers ---- */

/* v with at most `dec` decimals, no trailing zeros: printf is the cost
 * Cairo pays per number. */
static void add_num(kk_buf *b, double v, int dec)
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

static void add_nums(kk_buf *b, const double *v, int n, int dec, const char *op)
{
    for (int i = 0; i < n; i++) {
        add_num(b, v[i], dec);
        kk_buf_addn(b, " ", 1);
    }
    kk_buf_add(b, op);
}

/* ---- life ---- */

kk_pdfc *kk_pdfc_new(double w, double h)
{
    kk_pdfc *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->w = w;
    p->h = h;
    p->out = kk_pdf_out_new();
    p->fonts = kk_pdf_fonts_new();
    p->pages = g_array_new(FALSE, TRUE, sizeof(page));
    p->elems = g_array_new(FALSE, TRUE, sizeof(elem));
    p->stack = g_array_new(FALSE, FALSE, sizeof(int));
    p->dests = g_array_new(FALSE, TRUE, sizeof(dest));
    p->outlines = g_array_new(FALSE, TRUE, sizeof(outline));
    p->images = g_array_new(FALSE, TRUE, sizeof(image));
    p->mc = -1;
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
        page *pg = &g_array_index(p->pages, page, i);
        g_array_free(pg->annots, TRUE);
        g_array_free(pg->mcids, TRUE);
    }
    g_array_free(p->pages, TRUE);
    for (guint i = 0; i < p->elems->len; i++) {
        elem *e = &g_array_index(p->elems, elem, i);
        free(e->tag);
        free(e->uri);
        g_array_free(e->kids, TRUE);
    }
    g_array_free(p->elems, TRUE);
    g_array_free(p->stack, TRUE);
    for (guint i = 0; i < p->dests->len; i++)
        free(g_array_index(p->dests, dest, i).name);
    g_array_free(p->dests, TRUE);
    for (guint i = 0; i < p->outlines->len; i++) {
        free(g_array_index(p->outlines, outline, i).title);
        free(g_array_index(p->outlines, outline, i).dest);
    }
    g_array_free(p->outlines, TRUE);
    for (guint i = 0; i < p->images->len; i++)
        cairo_surface_destroy(g_array_index(p->images, image, i).img);
    g_array_free(p->images, TRUE);
    kk_buf_free(&p->c);
    free(p->title);
    free(p->author);
    free(p->date);
    free(p);
}

void kk_pdfc_set_info(kk_pdfc *p, const char *title, const char *author, const char *date)
{
    p->title = title ? strdup(title) : NULL;
    p->author = author ? strdup(author) : NULL;
    p->date = date ? strdup(date) : NULL;
}

bool kk_pdfc_unsupported(const kk_pdfc *p)
{
    return p->unsupported;
}

/* ---- pages and marked content ---- */

static page *cur_page(kk_pdfc *p)
{
    if (p->pages->len == 0)
        kk_pdfc_page(p);
    return &g_array_index(p->pages, page, p->pages->len - 1);
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
    if (p->mc >= 0)
        kk_buf_add(&p->c, "EMC\n");
    p->mc = -1;
}

/* Content is about to be drawn: into the innermost element's marked
 * content when that is a leaf, else unmarked. */
static void mark(kk_pdfc *p)
{
    page *pg = cur_page(p);
    int top = p->stack->len ? g_array_index(p->stack, int, p->stack->len - 1) : -1;
    if (top >= 0 && !g_array_index(p->elems, elem, top).leaf)
        top = -1;
    if (top == p->mc)
        return;
    close_mc(p);   /* and the text object: marked content nests with it */
    if (top < 0)
        return;
    elem *e = &g_array_index(p->elems, elem, top);
    int mcid = (int)pg->mcids->len;
    g_array_append_val(pg->mcids, top);
    kid k = { KID_MCID, (int)p->pages->len - 1, mcid };
    g_array_append_val(e->kids, k);
    kk_buf_addf(&p->c, "/%s <</MCID %d>> BDC\n", e->tag, mcid);
    p->mc = top;
}

static void end_page(kk_pdfc *p)
{
    if (p->pages->len == 0)
        return;
    close_mc(p);
    page *pg = &g_array_index(p->pages, page, p->pages->len - 1);
    kk_pdf_out_stream(p->out, pg->contents, "", p->c.s ? p->c.s : "", p->c.len);
    p->c.len = 0;
}

void kk_pdfc_page(kk_pdfc *p)
{
    end_page(p);
    page pg = { kk_pdf_out_reserve(p->out), kk_pdf_out_reserve(p->out),
                g_array_new(FALSE, FALSE, sizeof(long)), g_array_new(FALSE, FALSE, sizeof(int)), -1 };
    g_array_append_val(p->pages, pg);
    p->fill_set = p->stroke_set = p->lw_set = false;
    p->tf_font = -1;
    kk_buf_add(&p->c, "1 0 0 -1 0 ");
    add_num(&p->c, p->h, 3);
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
    add_nums(&p->c, p->rgb, 3, 3, "rg\n");
}

static void use_stroke(kk_pdfc *p, double lw)
{
    if (!p->stroke_set || memcmp(p->stroke, p->rgb, sizeof p->stroke)) {
        memcpy(p->stroke, p->rgb, sizeof p->stroke);
        p->stroke_set = true;
        add_nums(&p->c, p->rgb, 3, 3, "RG\n");
    }
    if (!p->lw_set || p->lw != lw) {
        p->lw = lw;
        p->lw_set = true;
        add_nums(&p->c, &lw, 1, 3, "w\n");
    }
}

void kk_pdfc_fill_rect(kk_pdfc *p, double x, double y, double w, double h)
{
    mark(p);
    text_end(p);
    use_fill(p);
    add_nums(&p->c, (double[]){ x, y, w, h }, 4, 3, "re f\n");
}

void kk_pdfc_stroke_rect(kk_pdfc *p, double x, double y, double w, double h, double lw)
{
    mark(p);
    text_end(p);
    use_stroke(p, lw);
    add_nums(&p->c, (double[]){ x, y, w, h }, 4, 3, "re S\n");
}

void kk_pdfc_stroke_line(kk_pdfc *p, double x0, double y0, double x1, double y1, double lw)
{
    mark(p);
    text_end(p);
    use_stroke(p, lw);
    add_nums(&p->c, (double[]){ x0, y0 }, 2, 3, "m ");
    add_nums(&p->c, (double[]){ x1, y1 }, 2, 3, "l S\n");
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
        add_num(c, size, 3);
        kk_buf_add(c, " Tf\n");
        p->tf_font = f->index;
        p->tf_size = size;
    }
    if (p->have_tlm) {   /* Td: relative to the last line start, text space y up */
        add_nums(c, (double[]){ x - p->tlm_x, p->tlm_y - base }, 2, 3, "Td [(");
    } else {
        kk_buf_add(c, "1 0 0 -1 ");
        add_nums(c, (double[]){ x, base }, 2, 3, "Tm [(");
    }
    p->have_tlm = true;
    p->tlm_x = x;
    p->tlm_y = base;
    double pen = 0, at = 0, rise = 0; /* points from x: where the PDF pen is, where Pango puts the next glyph */
    /* the glyphs are written in place: per glyph at most an adjustment
     * ")-2147483648(" and a code of four bytes */
    enum { PER_GLYPH = 18 };
    char *o = kk_buf_room(c, (size_t)gs->num_glyphs * PER_GLYPH), *o0 = o;
    int told = -1;   /* the cluster whose text was given */
    for (int g = 0; o && g < gs->num_glyphs; g++) {
        const PangoGlyphInfo *gl = &gs->glyphs[g];
        double want = at + (double)gl->geometry.x_offset / PANGO_SCALE;
        at += (double)gl->geometry.width / PANGO_SCALE;
        if (gl->glyph == PANGO_GLYPH_EMPTY || (gl->glyph & PANGO_GLYPH_UNKNOWN_FLAG))
            continue;
        double y_off = -(double)gl->geometry.y_offset / PANGO_SCALE;
        if (y_off != rise) {   /* rare: a raised glyph; leave the in-place writing */
            kk_buf_commit(c, (size_t)(o - o0));
            kk_buf_add(c, ")] TJ ");
            add_num(c, y_off, 3);
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
        int cid = kk_pdf_fonts_cid(p->fonts, f->index, gl->glyph, tl ? run + told : NULL, tl);
        if (cid < 0) {   /* out of codes: the document goes to Cairo */
            p->unsupported = true;
            break;
        }
        o = put_code(o, (unsigned)cid);
        pen += kk_pdf_fonts_advance(p->fonts, f->index, gl->glyph) / to_units;
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

void kk_pdfc_image(kk_pdfc *p, cairo_surface_t *img, double x, double y, double width)
{
    int w = cairo_image_surface_get_width(img), h = cairo_image_surface_get_height(img);
    if (w <= 0 || h <= 0)
        return;
    guint i = 0;
    while (i < p->images->len && g_array_index(p->images, image, i).img != img)
        i++;
    if (i == p->images->len) {
        image im = { cairo_surface_reference(img), kk_pdf_out_reserve(p->out) };
        g_array_append_val(p->images, im);
    }
    double height = width * h / w;
    mark(p);
    text_end(p);
    kk_buf_add(&p->c, "q ");
    add_nums(&p->c, (double[]){ width, 0, 0, -height, x, y + height }, 6, 3, "cm");
    kk_buf_addf(&p->c, " /Im%u Do Q\n", i);
}

/* ---- structure ---- */

void kk_pdfc_begin(kk_pdfc *p, const char *tag, bool leaf, const char *uri)
{
    int parent = p->stack->len ? g_array_index(p->stack, int, p->stack->len - 1) : -1;
    elem e = { strdup(tag), parent, kk_pdf_out_reserve(p->out), g_array_new(FALSE, FALSE, sizeof(kid)),
               leaf, uri ? strdup(uri) : NULL, 0, 0, 0, 0, 0, 0 };
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
    page *pg = cur_page(p);
    e->annot = kk_pdf_out_reserve(p->out);
    g_array_append_val(pg->annots, e->annot);
    kid k = { KID_ANNOT, (int)p->pages->len - 1, e->annot };
    g_array_append_val(e->kids, k);
    kk_pdf_out_begin(p->out, e->annot);
    kk_buf r = { 0 };
    add_nums(&r, (double[]){ e->x0, p->h - e->y1, e->x1, p->h - e->y0 }, 4, 2, "");
    kk_buf u = { 0 };
    for (const char *s = e->uri; *s; s++) {   /* a literal string */
        if (*s == '(' || *s == ')' || *s == '\\')
            kk_buf_addn(&u, "\\", 1);
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
    cur_page(p);
    dest d = { strdup(name), (int)p->pages->len - 1, x, y };
    g_array_append_val(p->dests, d);
}

int kk_pdfc_outline(kk_pdfc *p, int parent, const char *title, const char *dname, double x, double y)
{
    cur_page(p);
    outline o = { strdup(title), dname ? strdup(dname) : NULL, parent, (int)p->pages->len - 1, x, y, 0 };
    g_array_append_val(p->outlines, o);
    return (int)p->outlines->len;
}

/* ---- the file ---- */

static long page_obj(kk_pdfc *p, int i)
{
    return g_array_index(p->pages, page, i).obj;
}

static void write_image(kk_pdfc *p, image *im)
{
    cairo_surface_t *s = im->img;
    cairo_surface_flush(s);
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *d = cairo_image_surface_get_data(s);
    bool alpha = cairo_image_surface_get_format(s) == CAIRO_FORMAT_ARGB32;
    size_t n = (size_t)w * (size_t)h;
    unsigned char *rgb = malloc(n * 3), *a = alpha ? malloc(n) : NULL;
    if (!rgb || (alpha && !a) || !d) {
        free(rgb);
        free(a);
        kk_pdf_out_begin(p->out, im->obj);   /* keep the file whole */
        kk_pdf_out_printf(p->out, "null");
        kk_pdf_out_end(p->out);
        return;
    }
    bool translucent = false;
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            uint32_t px;
            memcpy(&px, d + (size_t)y * (size_t)stride + (size_t)x * 4, 4);
            unsigned al = alpha ? px >> 24 : 255;
            unsigned ch[3] = { px >> 16 & 255, px >> 8 & 255, px & 255 };
            size_t o = (size_t)y * (size_t)w + (size_t)x;
            for (int k = 0; k < 3; k++)   /* Cairo's pixels are premultiplied */
                rgb[o * 3 + (size_t)k] = (unsigned char)(al ? (ch[k] * 255 + al / 2) / al : 0);
            if (a)
                a[o] = (unsigned char)al;
            translucent |= al != 255;
        }
    char dict[160];
    long smask = 0;
    if (translucent) {
        smask = kk_pdf_out_reserve(p->out);
        snprintf(dict, sizeof dict, "/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8", w, h);
        kk_pdf_out_stream(p->out, smask, dict, a, n);
    }
    int k = snprintf(dict, sizeof dict, "/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB /BitsPerComponent 8", w, h);
    if (smask)
        snprintf(dict + k, sizeof dict - (size_t)k, " /SMask %ld 0 R", smask);
    kk_pdf_out_stream(p->out, im->obj, dict, rgb, n * 3);
    free(rgb);
    free(a);
}

static void add_text_string(kk_buf *b, const char *utf8)
{
    kk_buf_add_pdf_text(b, utf8);
}

static int cmp_dest(const void *a, const void *b)
{
    return strcmp(((const dest *)a)->name, ((const dest *)b)->name);
}

/* Named destinations (a name tree's one leaf, sorted); 0 when none. */
static long write_dests(kk_pdfc *p)
{
    if (!p->dests->len)
        return 0;
    g_array_sort(p->dests, cmp_dest);
    long names = kk_pdf_out_reserve(p->out), tree = kk_pdf_out_reserve(p->out);
    kk_buf b = { 0 };
    kk_buf_add(&b, "<< /Names [");
    for (guint i = 0; i < p->dests->len; i++) {
        const dest *d = &g_array_index(p->dests, dest, i);
        if (i && !strcmp(d->name, g_array_index(p->dests, dest, i - 1).name))
            continue;   /* a name tree has each key once */
        kk_buf_add(&b, " ");
        add_text_string(&b, d->name);
        kk_buf_addf(&b, " [%ld 0 R /XYZ ", page_obj(p, d->page));
        add_nums(&b, (double[]){ d->x, p->h - d->y }, 2, 2, "0]");
    }
    kk_buf_add(&b, " ] >>");
    kk_pdf_out_begin(p->out, tree);
    kk_pdf_out_bytes(p->out, b.s, b.len);
    kk_pdf_out_end(p->out);
    kk_pdf_out_begin(p->out, names);
    kk_pdf_out_printf(p->out, "<< /Dests %ld 0 R >>", tree);
    kk_pdf_out_end(p->out);
    kk_buf_free(&b);
    return names;
}

/* The outline: items in order, each knowing its parent. */
static long write_outlines(kk_pdfc *p)
{
    guint n = p->outlines->len;
    if (!n)
        return 0;
    long root = kk_pdf_out_reserve(p->out);
    for (guint i = 0; i < n; i++)
        g_array_index(p->outlines, outline, i).obj = kk_pdf_out_reserve(p->out);
    int top = 0;
    for (guint i = 0; i < n; i++) {
        outline *o = &g_array_index(p->outlines, outline, i);
        long first = 0, last = 0, prev = 0, next = 0;
        int kids = 0;
        for (guint j = 0; j < n; j++) {
            outline *q = &g_array_index(p->outlines, outline, j);
            if (q->parent == (int)i + 1) {
                if (!first)
                    first = q->obj;
                last = q->obj;
                kids++;
            }
            if (q->parent == o->parent && j < i)
                prev = q->obj;
            if (q->parent == o->parent && j > i && !next)
                next = q->obj;
        }
        if (!o->parent)
            top++;
        kk_buf b = { 0 };
        kk_buf_add(&b, "<< /Title ");
        add_text_string(&b, o->title);
        kk_buf_addf(&b, " /Parent %ld 0 R", o->parent ? g_array_index(p->outlines, outline, o->parent - 1).obj : root);
        if (prev)
            kk_buf_addf(&b, " /Prev %ld 0 R", prev);
        if (next)
            kk_buf_addf(&b, " /Next %ld 0 R", next);
        if (kids)
            kk_buf_addf(&b, " /First %ld 0 R /Last %ld 0 R /Count -%d", first, last, kids);
        if (o->dest) {
            kk_buf_add(&b, " /Dest ");
            add_text_string(&b, o->dest);
        } else {
            kk_buf_addf(&b, " /Dest [%ld 0 R /XYZ ", page_obj(p, o->page));
            add_nums(&b, (double[]){ o->x, p->h - o->y }, 2, 2, "0]");
        }
        kk_buf_add(&b, " >>");
        kk_pdf_out_begin(p->out, o->obj);
        kk_pdf_out_bytes(p->out, b.s, b.len);
        kk_pdf_out_end(p->out);
        kk_buf_free(&b);
    }
    long first = 0, last = 0;
    for (guint i = 0; i < n; i++)
        if (!g_array_index(p->outlines, outline, i).parent) {
            if (!first)
                first = g_array_index(p->outlines, outline, i).obj;
            last = g_array_index(p->outlines, outline, i).obj;
        }
    kk_pdf_out_begin(p->out, root);
    kk_pdf_out_printf(p->out, "<< /Type /Outlines /First %ld 0 R /Last %ld 0 R /Count %d >>", first, last, top);
    kk_pdf_out_end(p->out);
    return root;
}

/* Each element; the parent tree (each page's MCIDs, then each link
 * annotation); the root.  0 when nothing is tagged. */
static long write_structure(kk_pdfc *p)
{
    if (!p->elems->len)
        return 0;
    long root = kk_pdf_out_reserve(p->out), tree = kk_pdf_out_reserve(p->out);
    kk_buf b = { 0 };
    for (guint i = 0; i < p->elems->len; i++) {
        elem *e = &g_array_index(p->elems, elem, i);
        b.len = 0;
        kk_buf_addf(&b, "<< /Type /StructElem /S /%s /P %ld 0 R", e->tag,
                    e->parent >= 0 ? g_array_index(p->elems, elem, e->parent).obj : root);
        int pg = -1;
        bool one_page = true;
        for (guint k = 0; k < e->kids->len; k++) {
            const kid *c = &g_array_index(e->kids, kid, k);
            if (c->kind == KID_ELEM)
                continue;
            if (pg >= 0 && c->page != pg)
                one_page = false;
            pg = c->page;
        }
        if (pg >= 0 && one_page)
            kk_buf_addf(&b, " /Pg %ld 0 R", page_obj(p, pg));
        kk_buf_add(&b, " /K [");
        for (guint k = 0; k < e->kids->len; k++) {
            const kid *c = &g_array_index(e->kids, kid, k);
            if (c->kind == KID_ELEM)
                kk_buf_addf(&b, " %ld 0 R", g_array_index(p->elems, elem, c->n).obj);
            else if (c->kind == KID_ANNOT)
                kk_buf_addf(&b, " << /Type /OBJR /Obj %ld 0 R /Pg %ld 0 R >>", c->n, page_obj(p, c->page));
            else if (one_page)
                kk_buf_addf(&b, " %ld", c->n);
            else
                kk_buf_addf(&b, " << /Type /MCR /Pg %ld 0 R /MCID %ld >>", page_obj(p, c->page), c->n);
        }
        kk_buf_add(&b, " ] >>");
        kk_pdf_out_begin(p->out, e->obj);
        kk_pdf_out_bytes(p->out, b.s, b.len);
        kk_pdf_out_end(p->out);
    }
    b.len = 0;
    kk_buf_add(&b, "<< /Nums [");
    /* keys in order: the link annotations as they were drawn, then the
     * pages with marked content (kk_pdfc_take numbers them so) */
    for (guint i = 0; i < p->elems->len; i++) {
        elem *e = &g_array_index(p->elems, elem, i);
        if (e->annot)
            kk_buf_addf(&b, " %d %ld 0 R", e->annot_key, e->obj);
    }
    for (guint i = 0; i < p->pages->len; i++) {
        page *pg = &g_array_index(p->pages, page, i);
        if (pg->struct_parents < 0)
            continue;
        kk_buf_addf(&b, " %d [", pg->struct_parents);
        for (guint m = 0; m < pg->mcids->len; m++)
            kk_buf_addf(&b, " %ld 0 R", g_array_index(p->elems, elem, g_array_index(pg->mcids, int, m)).obj);
        kk_buf_add(&b, " ]");
    }
    kk_buf_add(&b, " ] >>");
    kk_pdf_out_begin(p->out, tree);
    kk_pdf_out_bytes(p->out, b.s, b.len);
    kk_pdf_out_end(p->out);
    b.len = 0;
    kk_buf_addf(&b, "<< /Type /StructTreeRoot /ParentTree %ld 0 R /ParentTreeNextKey %d /K [", tree, p->next_key);
    for (guint i = 0; i < p->elems->len; i++)
        if (g_array_index(p->elems, elem, i).parent < 0)
            kk_buf_addf(&b, " %ld 0 R", g_array_index(p->elems, elem, i).obj);
    kk_buf_add(&b, " ] >>");
    kk_pdf_out_begin(p->out, root);
    kk_pdf_out_bytes(p->out, b.s, b.len);
    kk_pdf_out_end(p->out);
    kk_buf_free(&b);
    return root;
}

unsigned char *kk_pdfc_take(kk_pdfc *p, size_t *len)
{
    *len = 0;
    cur_page(p);
    while (p->stack->len)      /* unbalanced input: close what is open */
        kk_pdfc_end(p, NULL);
    end_page(p);
    int nfonts = kk_pdf_fonts_count(p->fonts);
    long *fobj = calloc((size_t)nfonts + 1, sizeof *fobj);
    if (!fobj || !kk_pdf_fonts_write(p->fonts, p->out, fobj)) {
        free(fobj);
        return NULL;
    }
    for (guint i = 0; i < p->images->len; i++)
        write_image(p, &g_array_index(p->images, image, i));
    long res = kk_pdf_out_reserve(p->out);
    kk_buf b = { 0 };
    kk_buf_add(&b, "<< /Font <<");
    for (int i = 0; i < nfonts; i++)
        kk_buf_addf(&b, " /F%d %ld 0 R", i, fobj[i]);
    kk_buf_add(&b, " >>");
    free(fobj);
    if (p->images->len) {
        kk_buf_add(&b, " /XObject <<");
        for (guint i = 0; i < p->images->len; i++)
            kk_buf_addf(&b, " /Im%u %ld 0 R", i, g_array_index(p->images, image, i).obj);
        kk_buf_add(&b, " >>");
    }
    kk_buf_add(&b, " >>");
    kk_pdf_out_begin(p->out, res);
    kk_pdf_out_bytes(p->out, b.s, b.len);
    kk_pdf_out_end(p->out);
    /* parent-tree keys for the pages come after the annotations' */
    for (guint i = 0; i < p->pages->len; i++) {
        page *pg = &g_array_index(p->pages, page, i);
        if (pg->mcids->len)
            pg->struct_parents = p->next_key++;
    }
    long pages = kk_pdf_out_reserve(p->out);
    for (guint i = 0; i < p->pages->len; i++) {
        page *pg = &g_array_index(p->pages, page, i);
        b.len = 0;
        kk_buf_addf(&b, "<< /Type /Page /Parent %ld 0 R /MediaBox [ 0 0 ", pages);
        add_nums(&b, (double[]){ p->w, p->h }, 2, 3, "]");
        kk_buf_addf(&b, " /Contents %ld 0 R /Resources %ld 0 R", pg->contents, res);
        if (pg->struct_parents >= 0)
            kk_buf_addf(&b, " /StructParents %d", pg->struct_parents);
        if (pg->annots->len) {
            kk_buf_add(&b, " /Annots [");
            for (guint k = 0; k < pg->annots->len; k++)
                kk_buf_addf(&b, " %ld 0 R", g_array_index(pg->annots, long, k));
            kk_buf_add(&b, " ]");
        }
        kk_buf_add(&b, " >>");
        kk_pdf_out_begin(p->out, pg->obj);
        kk_pdf_out_bytes(p->out, b.s, b.len);
        kk_pdf_out_end(p->out);
    }
    b.len = 0;
    kk_buf_addf(&b, "<< /Type /Pages /Kids [");
    for (guint i = 0; i < p->pages->len; i++)
        kk_buf_addf(&b, " %ld 0 R", page_obj(p, (int)i));
    kk_buf_addf(&b, " ] /Count %u >>", p->pages->len);
    kk_pdf_out_begin(p->out, pages);
    kk_pdf_out_bytes(p->out, b.s, b.len);
    kk_pdf_out_end(p->out);
    long structure = write_structure(p), outlines = write_outlines(p), names = write_dests(p);
    long info = kk_pdf_out_reserve(p->out), catalog = kk_pdf_out_reserve(p->out);
    b.len = 0;
    kk_buf_add(&b, "<< /Producer ");
    add_text_string(&b, "kokous");
    kk_buf_add(&b, " /Creator ");
    add_text_string(&b, "kokous");
    if (p->title) {
        kk_buf_add(&b, " /Title ");
        add_text_string(&b, p->title);
    }
    if (p->author) {
        kk_buf_add(&b, " /Author ");
        add_text_string(&b, p->author);
    }
    kk_buf_add(&b, " >>");
    kk_pdf_out_begin(p->out, info);
    kk_pdf_out_bytes(p->out, b.s, b.len);
    kk_pdf_out_end(p->out);
    b.len = 0;
    kk_buf_addf(&b, "<< /Type /Catalog /Pages %ld 0 R", pages);
    if (structure)
        kk_buf_addf(&b, " /StructTreeRoot %ld 0 R /MarkInfo << /Marked true >>", structure);
    if (outlines)
        kk_buf_addf(&b, " /Outlines %ld 0 R", outlines);
    if (names)
        kk_buf_addf(&b, " /Names %ld 0 R", names);
    kk_buf_add(&b, " >>");
    kk_pdf_out_begin(p->out, catalog);
    kk_pdf_out_bytes(p->out, b.s, b.len);
    kk_pdf_out_end(p->out);
    kk_buf_free(&b);
    return kk_pdf_out_finish(p->out, catalog, info, len);
}
