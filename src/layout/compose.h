/*
 * compose.h — a document becomes a flow of blocks (layout.h) in the
 * conventions of Finnish municipal documents: SFS 2487 header, meeting
 * block, § items, votes, signatures, verification, appeal instructions.
 *
 * Promise: the same document, style and options give the same flow.  In
 * the public version (KuntaL 140 §) a confidential item keeps only its §
 * number and the mention "Salassa pidettävä, <basis>"; a partly
 * confidential item loses its background text, discussion and non-public
 * attachments; every {{personal data}} span is replaced by the placeholder.
 * Nothing removed reaches the flow, its bookmarks or the title.
 *
 * A newsletter (opts->digest required) is always composed as public: no
 * {{personal data}}, no confidential item; see docs/newsletter.md and
 * compose_newsletter.c.
 */
#ifndef KK_COMPOSE_H
#define KK_COMPOSE_H

#include <stdbool.h>
#include "layout/hyphenate.h"
#include "layout/layout.h"
#include "model/document.h"
#include "model/locale.h"
#include "model/style.h"

struct kk_digest;

typedef struct kk_compose_opts {
    bool public_version;
    int excerpt_section;              /* 0: the whole document; N: excerpt of § N */
    const unsigned char *logo_png;    /* may be NULL */
    size_t logo_len;
    const struct kk_digest *digest;   /* newsletters: what they gather (model/digest.h) */
} kk_compose_opts;

typedef struct kk_composition kk_composition;   /* opaque: header data for every page */

/* Fill `flow` with the document.  Returns the page decoration state (pass
 * kk_compose_decorate and it to kk_flow_render_pdf), or NULL after
 * reporting.  `title_out` gets the document title for metadata (owned by
 * the composition).  Caller frees with kk_composition_free, after
 * rendering. */
kk_composition *kk_compose(kk_flow *flow, kk_typesetter *ts, const kk_doc *doc,
                           const kk_style *style, const kk_locale *loc,
                           kk_hyphenator *hyph, const kk_compose_opts *opts,
                           kk_diag *diag);
void kk_composition_free(kk_composition *c);

/* The document title as it appears in metadata (no markup).  Borrowed. */
const char *kk_composition_title(const kk_composition *c);

/* Whether § N exists in the document (for --excerpt). */
bool kk_compose_has_section(const kk_doc *doc, int section);

/* Whether the public version of `doc` can differ from the official one in
 * anything but its page footer: a {{personal data}} span anywhere, a
 * publicity other than public (document or item), a non-public attachment,
 * an excerpt recipient list.  When it cannot, one layout serves both
 * versions (kk_composition_set_public).  Every public-version branch of the
 * composer must be reflected here; tests/groups/40-build.sh compares the
 * two texts of such documents. */
bool kk_compose_public_differs(const kk_doc *doc);

/* Turn a finished official composition into the public one's page
 * decoration (the footer line); only valid when !kk_compose_public_differs. */
bool kk_composition_set_public(kk_composition *c, const kk_style *style,
                               const kk_locale *loc, const char *lang);

/* The running header and footer of every page (kk_decorate_fn). */
void kk_compose_decorate(kk_canvas *cv, int page, int pages, const kk_page_geometry *g, void *composition);

/* Only what the public version's decoration adds to the official one's
 * (its footer line), the same on every page: drawn once and laid over
 * each page of the official PDF (kk_render_page_pdf_memory). */
void kk_compose_decorate_public(kk_canvas *cv, int page, int pages, const kk_page_geometry *g, void *composition);

/* The page geometry of a style. */
kk_page_geometry kk_compose_geometry(const kk_style *style);

#endif
