/*
 * pdf_finish.h — the last step of rendering: turn the PDF the layout stage
 * drew (its PDF canvas, or Cairo 1.16 as the fallback) into the one kokous
 * delivers.
 *
 * Promise: the output has exactly the document information we were given
 * (Info dictionary and an XMP packet that agree with each other), catalog
 * /Lang, /ViewerPreferences /DisplayDocTitle, /MarkInfo and /PageLabels,
 * a deterministic trailer /ID, no trace of the wall clock, and Cairo 1.16's
 * structure-tree slips repaired (link annotations whose /StructParent is
 * missing from the ParentTree).  In a tagged PDF (one with a
 * StructTreeRoot) every page's painted content that is neither structure
 * content nor an artifact is wrapped in /Artifact BMC/EMC, and each page
 * then has one Flate-compressed content stream (render/pdf_content.h),
 * unless meta says the PDF did that itself (artifacts_marked);
 * untagged PDFs keep their page content as it is.  With pdfa_part 1 or 2 it also carries the
 * PDF/A identification and an sRGB OutputIntent; part 1 is written as
 * PDF 1.4 without object streams and without page transparency groups,
 * the others with object streams and a cross-reference stream.  Only
 * objects reachable from the trailer are written; the input's other
 * objects keep their bytes (render/pdf_object.h).
 * The same input and meta give byte-identical output.
 *
 * Not promised: full PDF/A conformance.  That also depends on what the
 * layout stage put in the page content (fonts, images with alpha, ...), which this
 * stage does not rewrite.
 */
#ifndef KK_PDF_FINISH_H
#define KK_PDF_FINISH_H

#include <stdbool.h>

#include "util/diag.h"

/* Borrowed strings, UTF-8; the caller keeps ownership.  Control characters
 * are replaced by spaces in both Info and XMP so that they stay equal. */
typedef struct kk_pdf_meta {
    const char *title;    /* required; Info /Title + XMP dc:title */
    const char *author;   /* organization; Info /Author + dc:creator; may be NULL */
    const char *subject;  /* Info /Subject + dc:description; may be NULL */
    const char *keywords; /* Info /Keywords + pdf:Keywords; may be NULL */
    const char *creator;  /* e.g. "kokous 0.1.0"; Info /Creator + xmp:CreatorTool; may be NULL */
    const char *lang;     /* BCP 47, e.g. "fi"; catalog /Lang + dc:language; may be NULL */
    long long created;    /* Unix time (UTC), 0..253402300799; all dates come from it */
    int pdfa_part;        /* 0 = plain, 1 = PDF/A-1b, 2 = PDF/A-2b */
    const char *icc_path; /* sRGB ICC profile for PDF/A; NULL = KK_PDF_DEFAULT_ICC */
    /* the PDF marks all its non-content marks as artifacts itself (the
     * layout stage's PDF canvas: kk_flow_marks_artifacts), so the pages
     * need not be read for unmarked content */
    bool artifacts_marked;
} kk_pdf_meta;

/* Shipped by Debian's icc-profiles-free (an ICC v2 profile, fine for PDF/A-1). */
#define KK_PDF_DEFAULT_ICC "/usr/share/color/icc/sRGB.icc"

/* Rewrite the Cairo PDF at in_path into out_path (which may be the same
 * path).  The result is written to a temporary file in out_path's folder and
 * renamed into place, so nothing partial is left on failure.  The input
 * must be what Cairo writes (one classic cross-reference table, no object
 * streams).  Returns false after reporting the reason to diag; objects the
 * input lists but lacks are reported as warnings and do not fail the call. */
bool kk_pdf_finish(const char *in_path, const char *out_path,
                   const kk_pdf_meta *meta, kk_diag *diag);

/* The same with the rendered PDF in memory (borrowed), saving a file
 * round trip; messages about the input name out_path. */
bool kk_pdf_finish_memory(const unsigned char *pdf, size_t len, const char *out_path,
                          const kk_pdf_meta *meta, kk_diag *diag);

/* kk_pdf_finish_memory into out_path and, from the same parse, a second
 * file overlay_path: the same document with the first page of `overlay`
 * (a Cairo PDF of the same page size, borrowed) drawn over every page as
 * one shared Form XObject inside an /Artifact sequence.  This is how the
 * public version gets its footer without being drawn a second time.  If
 * the second file fails, the first stays written. */
bool kk_pdf_finish_pair(const unsigned char *pdf, size_t len, const char *out_path,
                        const unsigned char *overlay, size_t overlay_len, const char *overlay_path,
                        const kk_pdf_meta *meta, kk_diag *diag);

#endif
