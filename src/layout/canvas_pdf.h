/*
 * canvas_pdf.h — internal to canvas.c: the PDF canvas's own calls, one for
 * each kk_canvas call of canvas.h (which says what they promise).
 */
#ifndef KK_CANVAS_PDF_H
#define KK_CANVAS_PDF_H

#include "layout/layout.h"

typedef struct kk_pdfc kk_pdfc;

kk_pdfc *kk_pdfc_new(double w, double h, bool tagged);
void kk_pdfc_free(kk_pdfc *p);
/* Title and author for the Info dictionary; the dates are the finishing
 * stage's (it writes Info anew from the document). */
void kk_pdfc_set_info(kk_pdfc *p, const char *title, const char *author);
void kk_pdfc_page(kk_pdfc *p);
void kk_pdfc_rgb(kk_pdfc *p, double r, double g, double b);
void kk_pdfc_fill_rect(kk_pdfc *p, double x, double y, double w, double h);
void kk_pdfc_stroke_rect(kk_pdfc *p, double x, double y, double w, double h, double lw);
void kk_pdfc_stroke_line(kk_pdfc *p, double x0, double y0, double x1, double y1, double lw);
void kk_pdfc_glyphs(kk_pdfc *p, const char *text, PangoGlyphItem *run, double x, double base);
void kk_pdfc_image(kk_pdfc *p, kk_image *img, double x, double y, double width);
void kk_pdfc_begin(kk_pdfc *p, const char *tag, bool leaf, const char *uri);
void kk_pdfc_end(kk_pdfc *p, const char *tag);
void kk_pdfc_dest(kk_pdfc *p, const char *name, double x, double y);
int kk_pdfc_outline(kk_pdfc *p, int parent, const char *title, const char *dest, double x, double y);
bool kk_pdfc_unsupported(const kk_pdfc *p);
unsigned char *kk_pdfc_take(kk_pdfc *p, size_t *len);

#endif
