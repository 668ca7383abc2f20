/*
 * pdf_font.h — internal to the layout stage: the fonts of one PDF written
 * by canvas_pdf.c, embedded as subsets made with HarfBuzz (hb-subset).
 *
 * Promise: every font is a Type0 font with Identity-H encoding over a
 * CIDFontType2 whose CIDs are the font's own glyph ids (the subset keeps
 * glyph ids, CIDToGIDMap /Identity), so the page writer can write glyph ids
 * as they come from Pango, as 4 hex digits.  Each font gets /W widths from
 * the font's hmtx (what PDF/A validators compare with the font program), a
 * /ToUnicode CMap from the text each glyph was drawn for, a FontDescriptor
 * with a subset tag derived from the glyphs used (same glyphs, same tag),
 * and /FontFile2 with /Length1.  Only TrueType-outline ('glyf') fonts are
 * taken; kk_pdf_fonts_index refuses others (CFF, bitmap), and the caller
 * falls back to Cairo for that document.
 *
 * Ownership: the kk_pdf_fonts holds a reference on each PangoFont it was
 * given until freed.  Errors: bool/-1 returns; nothing is reported here.
 */
#ifndef KK_PDF_FONT_H
#define KK_PDF_FONT_H

#include <stdbool.h>
#include <pango/pango.h>

#include "layout/pdf_out.h"

typedef struct kk_pdf_fonts kk_pdf_fonts;

kk_pdf_fonts *kk_pdf_fonts_new(void);
void kk_pdf_fonts_free(kk_pdf_fonts *fs);

/* The index (0, 1, ...) of `font` in this PDF, the same for the same font
 * face (the size is not part of it: it goes into the content's Tf); -1
 * when it cannot be embedded here (no 'glyf' outlines, or an instance of a
 * variable font other than its default one) or memory ran out.  Cheap when
 * asked again for a font given before. */
int kk_pdf_fonts_index(kk_pdf_fonts *fs, PangoFont *font);

/* Glyph `gid` of font `index` is drawn for utf8[0..len) (len may be 0 for
 * a glyph that stands for no text); the first non-empty text given for a
 * glyph is the one its ToUnicode entry says.  Glyph ids the font lacks
 * (Pango's unknown-glyph values among them) are ignored. */
void kk_pdf_fonts_use(kk_pdf_fonts *fs, int index, unsigned gid, const char *utf8, int len);

/* The advance of glyph `gid` in thousandths of an em, rounded to the
 * whole number /W says (hmtx * 1000 / upem): the page writer positions
 * glyphs against it.  0 for a glyph id the font lacks. */
double kk_pdf_fonts_advance(kk_pdf_fonts *fs, int index, unsigned gid);

/* Writes every font's objects into w; objs[i] (caller's array of at least
 * kk_pdf_fonts_count entries) gets the number of font i's Type0
 * dictionary.  False when subsetting fails or memory runs out. */
int kk_pdf_fonts_count(const kk_pdf_fonts *fs);
bool kk_pdf_fonts_write(kk_pdf_fonts *fs, kk_pdf_out *w, long *objs);

#endif
