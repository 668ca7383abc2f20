/*
 * ttf_subset.h — internal to the layout stage: a TrueType-outline ('glyf')
 * font cut down to the glyphs one PDF draws, for embedding as the
 * /FontFile2 of a CIDFontType2 (pdf_font.c).
 *
 * Why our own and not hb-subset: hb-subset plans over the whole font
 * whatever the glyph set (7 M instructions per document for DejaVu Sans,
 * 3.4 M for Noto Sans, 10-15% of a document's cost), and keeping glyph ids
 * there makes hmtx and loca span every id.  This one costs in proportion
 * to the glyphs kept and renumbers them compactly.
 *
 * Promise: the output has head, hhea, maxp, hmtx, loca (long), glyf and,
 * when the source has them, OS/2 and post (cut to a version 3.0 header, no
 * glyph names); no cmap or name, which a CIDFontType2 does not use, and no
 * hinting: cvt, fpgm and prep are left out and every glyph record loses its
 * instructions (PDF viewers render outlines unhinted; the instructions were
 * a third of the bytes to compress).  Glyph old_gids[i] becomes glyph i;
 * the glyphs that composites use (at any depth) follow in the order first
 * met, depth first, and the component ids inside composite records are
 * rewritten to the new ids.  Glyph records are copied byte for byte
 * otherwise.  Same input, same bytes.
 *
 * Errors: false for a font without TrueType outlines, anything malformed
 * (every read is checked against its table; composites nested deeper than
 * 16 or in a cycle), old_gids not starting with 0 or beyond the font, more
 * than 65,535 glyphs in all, or out of memory.  A glyph given twice is
 * there twice (the PDF gives each copy its own text).
 */
#ifndef KK_TTF_SUBSET_H
#define KK_TTF_SUBSET_H

#include <hb.h>
#include <stdbool.h>
#include <stddef.h>

/* *out is a new buffer of *out_len bytes the caller frees with free();
 * both are left alone on failure.  n is at least 1 (old_gids[0] == 0). */
bool kk_ttf_subset(hb_face_t *face, const unsigned *old_gids, unsigned n, unsigned char **out,
                   size_t *out_len);

#endif
