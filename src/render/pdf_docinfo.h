/*
 * pdf_docinfo.h — internal to render/pdf_finish.c: the document information
 * prepared once, so that the Info dictionary and the XMP packet are built
 * from the very same strings (PDF/A requires them to agree).
 */
#ifndef KK_PDF_DOCINFO_H
#define KK_PDF_DOCINFO_H

#include <stdbool.h>

#include "render/pdf_finish.h"
#include "util/diag.h"

typedef struct kk_pdf_docinfo {
    /* Owned, cleaned UTF-8 (controls turned into spaces); NULL = absent.
     * producer is filled in later by pdf_finish.c. */
    char *title, *author, *subject, *keywords, *creator, *lang, *producer;
    char info_date[48]; /* D:YYYYMMDDHHmmSS+00'00' */
    char xmp_date[48];  /* YYYY-MM-DDTHH:MM:SSZ */
    int pdfa_part;
} kk_pdf_docinfo;

/* Checks and copies meta into *d.  On false, *d holds nothing to free and
 * the reason went to diag (against out_path). */
bool kk_pdf_docinfo_init(kk_pdf_docinfo *d, const kk_pdf_meta *meta,
                         const char *out_path, kk_diag *diag);
void kk_pdf_docinfo_free(kk_pdf_docinfo *d);

/* A cleaned copy of s (caller frees), NULL for NULL.  Sets *bad when s is
 * not UTF-8 and *oom when memory ran out; both return NULL. */
char *kk_pdf_clean_text(const char *s, bool *bad, bool *oom);

/* The XMP packet for d (caller frees), NULL when out of memory. */
char *kk_pdf_xmp_build(const kk_pdf_docinfo *d);

#endif
