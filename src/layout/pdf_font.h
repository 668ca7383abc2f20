/*
 * pdf_font.h — internal to the layout stage: the fonts of one PDF written
 * by canvas_pdf.c, embedded as subsets made by ttf_subset.c.
 *
 * Promise: every font is a Type0 font with Identity-H encoding over a
 * CIDFontType2 whose CIDs are compact: 0 for .notdef, then 1, 2, ... in
 * the order glyphs are first drawn, and the subset's glyph ids are the
 * CIDs (CIDToGIDMap /Identity).  The page writer asks kk_pdf_fonts_cid for
 * each glyph it draws and writes the CID as 4 hex digits.  Compact ids keep
 * the subset's hmtx and loca to the glyphs used, and our own subsetter
 * costs in proportion to them where hb-subset walked the whole font for
 * every document (7 M instructions for DejaVu Sans, 3.4 M for Noto Sans).
 * Each font gets /W widths from the font's hmtx (what PDF/A validators
 * compare with the font program), a /ToUnicode CMap from the text each
 * glyph was first drawn for, a FontDescriptor with a subset tag derived
 * from the font's name and glyphs in CID order (same glyphs, same tag), and
 * /FontFile2 with /Length1.  Only TrueType-outline ('glyf') fonts are
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
 * a glyph that stands for no text): the CID to write for it, which is the
 * same for the same glyph all through the document.  The first non-empty
 * text given for a glyph is the one its ToUnicode entry says; *other_text
 * (when other_text is not NULL) says whether this occurrence's text is
 * non-empty and differs from that, so that the page writer can give it
 * its own /ActualText.  Glyph ids the font lacks (Pango's unknown-glyph
 * values among them) and bad indices give CID 0 and are not recorded.
 * Cheap enough for every glyph drawn. */
unsigned kk_pdf_fonts_cid(kk_pdf_fonts *fs, int index, unsigned gid, const char *utf8, int len,
                          bool *other_text);

/* The advance of glyph `gid` (the font's own id, not the CID) in thousandths of an em, rounded to the
 * whole number /W says (hmtx * 1000 / upem): the page writer positions
 * glyphs against it.  0 for a glyph id the font lacks. */
double kk_pdf_fonts_advance(kk_pdf_fonts *fs, int index, unsigned gid);

/* Writes every font's objects into w; objs[i] (caller's array of at least
 * kk_pdf_fonts_count entries) gets the number of font i's Type0
 * dictionary.  False when subsetting fails (a damaged font) or memory
 * runs out. */
int kk_pdf_fonts_count(const kk_pdf_fonts *fs);
bool kk_pdf_fonts_write(kk_pdf_fonts *fs, kk_pdf_out *w, long *objs);

#endif
