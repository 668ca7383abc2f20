/*
 * pdf_font.h — internal to the layout stage: the fonts of one PDF written
 * by canvas_pdf.c, embedded as subsets made by ttf_subset.c.
 *
 * Promise: every font is a Type0 font over a CIDFontType2 whose CIDs are
 * compact: 0 for .notdef, then 1, 2, ... in the order glyphs are first
 * drawn, and the subset's glyph ids are the CIDs (CIDToGIDMap /Identity).
 * A glyph drawn for another text than the one it was first drawn for (the
 * hyphen glyph of a soft hyphen at a line end, after a real hyphen) gets
 * a CID of its own, a copy of the glyph, so that ToUnicode says each text
 * and no /ActualText is needed.  Codes: the fonts share one embedded CMap
 * in which CIDs below KK_PDF_FONT_ONE_BYTE are one byte and the rest two
 * (0xF000 + CID - KK_PDF_FONT_ONE_BYTE), which halves the page content of
 * Latin text against Identity-H; a font has at most KK_PDF_FONT_MAX_CIDS.
 * Compact ids keep the subset's hmtx and loca to the glyphs used, and our
 * own subsetter costs in proportion to them where hb-subset walked the
 * whole font for every document (7 M instructions for DejaVu Sans, 3.4 M
 * for Noto Sans).  Each font gets /W widths from the font's hmtx (what
 * PDF/A validators compare with the font program), a /ToUnicode CMap, a
 * FontDescriptor with a subset tag derived from the font's name and glyphs
 * in CID order (same glyphs, same tag), and /FontFile2 with /Length1.
 * Only TrueType-outline ('glyf') fonts are taken; kk_pdf_fonts_index
 * refuses others (CFF, bitmap), and the caller falls back to Cairo for
 * that document.
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

/* One-byte codes are 0x00..0xEF; two-byte ones 0xF000..0xFFFF. */
#define KK_PDF_FONT_ONE_BYTE 240
#define KK_PDF_FONT_MAX_CIDS (KK_PDF_FONT_ONE_BYTE + 4096)
#define KK_PDF_FONT_CODESPACE "2 begincodespacerange\n<00> <EF>\n<F000> <FFFF>\nendcodespacerange\n"

/* Glyph `gid` of font `index` is drawn for utf8[0..len) (len may be 0 for
 * a glyph that stands for no text): the CID to write for it (as its code,
 * above), the same for the same glyph and text all through the document;
 * -1 when the font has no CIDs left or memory ran out (the caller then
 * falls back to Cairo).  A glyph first drawn without text takes the first
 * text given later.  Glyph ids the font lacks (Pango's unknown-glyph
 * values among them) and bad indices give CID 0 and are not recorded.
 * Cheap enough for every glyph drawn. */
int kk_pdf_fonts_cid(kk_pdf_fonts *fs, int index, unsigned gid, const char *utf8, int len);

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
