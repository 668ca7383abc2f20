/*
 * richtext.h — CommonMark text (cmark) and plain text fields as Pango
 * markup and flow blocks.
 *
 * Promise: everything a document says reaches the page through here, so
 * this is where the public version loses its personal data: with
 * `redact` set, every {{...}} span is replaced by `placeholder` before the
 * text is parsed, and nothing of it survives in the markup, the PDF text,
 * its bookmarks or metadata.  Text is escaped for Pango and hyphenated.
 */
#ifndef KK_RICHTEXT_H
#define KK_RICHTEXT_H

#include <stdbool.h>
#include "layout/hyphenate.h"
#include "layout/layout.h"

typedef struct kk_rich {
    kk_flow *flow;
    const kk_text_style *para;    /* paragraphs and list items */
    const kk_text_style *heading; /* Markdown headings inside the text */
    kk_hyphenator *hyph;          /* may be NULL */
    bool redact;                  /* public version: drop {{...}} */
    const char *placeholder;      /* what {{...}} becomes when redacted */
    const char *lead_in;          /* markup that opens the first paragraph (a
                                     run-in label, "<b>Päätös:</b> "); when the
                                     text opens with no paragraph, it is a
                                     paragraph of its own.  NULL = none */
} kk_rich;

/* The text with {{...}} resolved (kept, or replaced by the placeholder), no
 * markup, no soft hyphens: for bookmarks and metadata too.  Caller frees;
 * NULL on allocation failure. */
char *kk_rich_personal(const kk_rich *r, const char *text);

/* A plain-text field (a title, a name) as Pango markup: personal data
 * resolved, escaped, hyphenated.  Caller frees (g_free is not needed:
 * plain free). NULL on allocation failure. */
char *kk_rich_plain(const kk_rich *r, const char *text);

/* A CommonMark field as flow blocks (paragraphs, lists, headings,
 * quotes).  False when the flow refused a block (reported there). */
bool kk_rich_blocks(const kk_rich *r, const char *markdown);

#endif
