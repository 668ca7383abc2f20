/*
 * canvas_pdf_int.h — private to the PDF canvas: what its drawing half
 * (canvas_pdf.c: pages, marked content, text, paint) records for its
 * file half (canvas_pdf_file.c: fonts, images, pages, structure tree,
 * outlines, destinations, catalog at the end).
 */
#ifndef KK_CANVAS_PDF_INT_H
#define KK_CANVAS_PDF_INT_H

#include "layout/canvas_pdf.h"
#include "layout/layout_int.h"
#include "layout/pdf_font.h"
#include "layout/pdf_out.h"
#include "util/text.h"

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
} pdf_page;

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
    kk_image *img;        /* one reference */
    long obj;
} image;

enum { MC_NONE = -1, MC_ARTIFACT = -2 };

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
    int mc;             /* element whose marked content is open, MC_NONE, MC_ARTIFACT */
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
    bool tagged;        /* unmarked content is written as an artifact */
    char *title, *author;
};

/* v with at most `dec` (0..3) decimals and no trailing zeros, without
 * printf; kk_pdfc_nums writes n of them, each followed by a space, then op. */
void kk_pdfc_num(kk_buf *b, double v, int dec);
void kk_pdfc_nums(kk_buf *b, const double *v, int n, int dec, const char *op);

/* The current page, starting page 1 if none was started. */
pdf_page *kk_pdfc_cur_page(kk_pdfc *p);
/* Writes the current page's content stream (its marked content and text
 * object closed); nothing when no page was started. */
void kk_pdfc_end_page(kk_pdfc *p);

#endif
