/* compose_int.h — shared by the composer's files; not a public header. */
#ifndef KK_COMPOSE_INT_H
#define KK_COMPOSE_INT_H

#include "layout/compose.h"
#include "layout/richtext.h"

/* A running-header text laid out once and drawn on every page: shaping it
 * anew per page cost more than drawing it. */
typedef struct kk_header_text {
    PangoLayout *layout;          /* owned, NULL until first drawn */
    double width;                 /* what it was laid out at */
} kk_header_text;

enum { KK_HDR_ORG, KK_HDR_SUBLINE, KK_HDR_DOCTYPE, KK_HDR_NUMBER, KK_HDR_DATE,
       KK_HDR_FOOTER, KK_HDR_N };

struct kk_composition {
    kk_typesetter *ts;
    kk_header_text hdr[KK_HDR_N];
    kk_header_text *pageno;       /* owned, one per page: "n (N)" */
    int npageno, pageno_of;       /* its length; the N it was made for */
    char *organization, *subline, *doctype, *number, *date, *footer;
    char *title;
    kk_image *logo;         /* owned */
    double logo_width;
    kk_text_style header, header_bold, small;
    double tab_doctype;           /* x offset of the document-type column */
    double header_top;
    double band_top, band_bottom; /* newsletter masthead band on page 1 (top < bottom) */
    kk_rgb band;
    char **owned;                 /* strings the flow outlived: freed at the end */
    size_t nowned, capowned;
};

typedef struct cctx {
    kk_flow *flow;
    kk_typesetter *ts;
    const kk_doc *doc;
    const kk_style *style;
    const kk_locale *loc;
    const char *lang;
    const kk_compose_opts *opts;
    kk_diag *diag;
    kk_composition *comp;
    kk_rich rich;
    double indent;                /* body text column */
    double field_label_w;         /* label column of "Aika  ..." fields */
    kk_text_style body, text, label, title, h2, h3, small, cell, head, lead;
    bool ok;
} cctx;

/* A string owned by the composition from now on (NULL-safe); returns it. */
const char *kk_c_keep(cctx *c, char *s);
/* A label in the document's language (style overrides applied). */
const char *kk_c_label(cctx *c, const char *key);
/* A filled pattern, kept by the composition. */
const char *kk_c_format(cctx *c, const char *key, const char *const *names,
                        const char *const *values, size_t n);
/* Plain text field as markup (personal data resolved, escaped, hyphenated). */
const char *kk_c_plain(cctx *c, const char *text);
/* Text without markup for bookmarks (personal data resolved). */
const char *kk_c_bare(cctx *c, const char *text);
/* "21.6.2017" or with the weekday. */
const char *kk_c_date(cctx *c, kk_date d, bool weekday);
/* "klo 12.00–14.00" */
const char *kk_c_time_range(cctx *c, kk_time a, kk_time b);
/* The label of a participant or signature role ("puheenjohtaja"), or the
 * free text itself. */
const char *kk_c_role(cctx *c, const char *role, bool caption);

/* A "Label   value" row in the body column. */
void kk_c_field(cctx *c, const char *label_key, const char *value_markup);
/* A bold sub-heading label followed by rich text, indented. */
void kk_c_rich_section(cctx *c, const char *label_key, const char *markdown);
void kk_c_paragraph(cctx *c, const kk_text_style *st, const char *markup);

/* The meeting parts. */
void kk_c_meeting_block(cctx *c);
void kk_c_signatures(cctx *c, bool excerpt);
void kk_c_appeals(cctx *c, int only_section);
void kk_c_items(cctx *c, int only_section);
void kk_c_notice(cctx *c);
void kk_c_newsletter(cctx *c);    /* compose_newsletter.c; c->opts->digest set */

#endif
