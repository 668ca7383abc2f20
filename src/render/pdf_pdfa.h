/*
 * pdf_pdfa.h — PDF/A details the layout stage leaves out (the PDF canvas
 * and Cairo alike), added by the finishing stage.
 *
 * Promise, for every page's resources (also through form XObjects):
 *   - every embedded TrueType CIDFont (CIDFontType2) gets /CIDToGIDMap
 *     /Identity when it has none (the PDF default made explicit, as PDF/A
 *     requires);
 *   - for PDF/A-1 (part 1) also: a /CIDSet stream in its FontDescriptor
 *     naming every glyph of the embedded subset (both number subset glyphs
 *     densely from 0, CID = GID); images with a soft mask (alpha) are
 *     flattened onto white and lose the mask, since PDF/A-1 has no
 *     transparency; /Interpolate is removed from images.
 * Entries already present are left alone; images in a form the code does
 * not know (not 8-bit DeviceRGB/DeviceGray) keep their mask, and the
 * validator will say so.
 */
#ifndef KK_PDF_PDFA_H
#define KK_PDF_PDFA_H

#include <stdbool.h>
#include "render/pdf_object.h"
#include "util/diag.h"

/* False after reporting to `diag` (file name `path`). */
bool kk_pdf_pdfa_fixups(kk_pdf *p, int pdfa_part, const char *path, kk_diag *diag);

#endif
