/*
 * style.h — an organization's look and contacts, from styles/NAME.yaml.
 *
 * Promise: a validated <style> tree (schema/style.xsd) becomes a plain
 * kk_style.  All lengths are PostScript points (1/72 in), colours are 0..1
 * doubles, font weights are Pango's numbers (400 normal, 700 bold).
 *
 * `extends`: kk_style_from_xml starts from built-in defaults (the same as
 * styles/default.yaml) and lays the tree over them; kk_style_merge lays a
 * further tree over an existing style.  So the caller resolves
 *     uusimaa.yaml (extends: default)
 * as  s = kk_style_from_xml(default_doc, dir); kk_style_merge(s, uusimaa_doc, dir);
 * following `extends` (kk_style_extends) until a style has none, and merging
 * from the farthest ancestor to the nearest.  A key a tree leaves out keeps
 * the value it had.
 */
#ifndef KK_STYLE_H
#define KK_STYLE_H

#include <stdbool.h>
#include <stddef.h>
#include <libxml/tree.h>
#include "model/locale.h"

enum { KK_STYLE_MAX_TABS = 16 };

#define KK_MM_TO_PT (72.0 / 25.4)   /* points in a millimetre */

/* A text in fi, sv and en; any may be NULL (owned by the style). */
typedef struct { char *fi, *sv, *en; } kk_text3;

typedef struct {
    char *family;     /* fontconfig family, owned */
    double size;      /* points */
    int weight;       /* 300 light, 400 normal, 500 medium, 600 semibold, 700 bold */
} kk_font;

typedef struct { double r, g, b; } kk_rgb;

typedef struct {
    char *lang;       /* "fi", "sv", "en"; owned */
    char *key;        /* label or pattern key; owned */
    char *text;       /* owned */
} kk_label_override;

typedef struct kk_style {
    char *extends;                 /* parent style name of the last merged tree, or NULL */
    kk_text3 organization;         /* overrides the document's organization when set */

    /* page, points */
    double page_width, page_height;
    double margin_top, margin_bottom, margin_left, margin_right;
    double header_top, footer_bottom;
    double text_indent;            /* body text column from the left margin */
    double tabs[KK_STYLE_MAX_TABS];
    size_t n_tabs;

    kk_font body, heading, title, header, small;

    struct { kk_rgb text, heading, accent, muted, rule, link; } colors;

    double line_height;            /* multiple of the font's own line height (ascent + descent) */
    double paragraph_space, heading_before, heading_after, item_before;   /* points */

    bool justify, hyphenate;

    /* How meeting documents are arranged (style key `layout`) */
    bool run_in_labels;            /* "Päätösehdotus" opens the text's first paragraph */
    bool participant_list;         /* name and role on a line, not a ruled table */
    bool item_list;                /* agendas and minutes open with the list of items */

    char *logo_path;               /* absolute, or NULL for no logo; the file is not checked */
    double logo_width, logo_height;  /* points; 0 = derive from the image's aspect */

    struct {
        kk_text3 authority;        /* who reviews requests for correction */
        char *address, *email;
        kk_text3 court;
        char *court_address, *court_email;
    } appeal;

    kk_label_override *labels;     /* in the order merged; later entries win */
    size_t n_labels;
} kk_style;

/* Defaults, then the tree.  `style_dir` is the folder of the style file:
 * the logo path is resolved against it (and against the working directory
 * when it is relative).  NULL on allocation failure or when the root is not
 * <style>.  Caller frees with kk_style_free. */
kk_style *kk_style_from_xml(xmlDocPtr doc, const char *style_dir);

/* Lay `doc` over `s` (see the top of this file).  False on allocation
 * failure or a root that is not <style>; `s` then stays valid and freeable
 * but may hold part of the tree. */
bool kk_style_merge(kk_style *s, xmlDocPtr doc, const char *style_dir);

/* Whether the page of `s` leaves room for text: a text area and a body
 * column of at least 30 mm each way, the running header above the text and
 * the footer below it.  On false, *keys lists the page keys that decide it,
 * the likeliest first (static, NULL-terminated), and `why` (cap bytes) says
 * what to write instead. */
bool kk_style_check_page(const kk_style *s, const char *const **keys, char *why, size_t cap);

/* The `extends` value of a style tree; borrowed from the doc, NULL if none. */
const char *kk_style_extends(xmlDocPtr doc);

void kk_style_free(kk_style *s);

/* The style's override of `key` for `lang`, else the locale's label.
 * Borrowed, never NULL (see kk_locale_label).  s may be NULL. */
const char *kk_style_label(const kk_style *s, const kk_locale *loc,
                           const char *lang, const char *key);

/* kk_locale_fill on kk_style_label.  Caller frees; NULL on allocation failure. */
char *kk_style_format(const kk_style *s, const kk_locale *loc, const char *lang,
                      const char *key, const char *const *names,
                      const char *const *values, size_t n);

/* The text in `lang`, else Finnish, else NULL.  Borrowed. */
const char *kk_text3_get(const kk_text3 *t, const char *lang);

/* The appeal instruction of `kind` with the style's appeal contacts filled
 * in; placeholders the style does not set stay visible.  NULL for an
 * unknown kind or on allocation failure; caller frees. */
char *kk_style_appeal_text(const kk_style *s, const kk_locale *loc,
                           const char *lang, const char *appeal_kind);

#endif
