/* render_int.h — shared by the render stage's files; not a public header. */
#ifndef KK_RENDER_INT_H
#define KK_RENDER_INT_H

#include <stdbool.h>
#include "layout/compose.h"
#include "model/digest.h"
#include "model/document.h"
#include "model/resources.h"
#include "render/render.h"

/* The renderer's resources (borrowed). */
kk_resources *kk_renderer_resources(kk_renderer *r);
/* Where the file of document `id` with `suffix` (".pdf") goes: the output
 * folder and prefix kk_renderer_set_output gave.  Caller frees; NULL when
 * memory ran out. */
char *kk_renderer_out_path(const kk_renderer *r, const char *id, const char *suffix);

/* Compose `doc`, paginate, draw and finish into `path` (document.c).
 * With `public_path`, the same layout is drawn again as the public version
 * (only the footer changes): for documents where !kk_compose_public_differs. */
bool kk_render_pdf_file(kk_renderer *r, const kk_doc *doc, const kk_style *style,
                        const kk_locale *loc, const kk_compose_opts *copts,
                        const char *path, kk_diag *diag);
bool kk_render_pdf_files(kk_renderer *r, const kk_doc *doc, const kk_style *style,
                         const kk_locale *loc, const kk_compose_opts *copts,
                         const char *path, const char *public_path, kk_diag *diag);

/* A newsletter: gather its documents and write DIR/<id>.pdf, .html and
 * .txt (newsletter.c).  False after reporting. */
bool kk_render_newsletter(kk_renderer *r, const kk_doc *nl, kk_diag *diag);

/* The e-mail twin and its plain-text alternative, as new strings the
 * caller frees (NULL on allocation failure).  Same content, order and
 * links as the PDF; public view only (newsletter_html.c, newsletter_txt.c). */
char *kk_newsletter_html(const kk_doc *nl, const kk_digest *dg, const kk_style *style,
                         const kk_locale *loc, const unsigned char *logo_png, size_t logo_len);
char *kk_newsletter_txt(const kk_doc *nl, const kk_digest *dg, const kk_style *style,
                        const kk_locale *loc);

/* Text helpers shared by the twins (newsletter.c).  All return new
 * strings the caller frees, NULL on allocation failure. */
typedef struct kk_nl_words {
    const kk_doc *nl;
    const kk_style *style;
    const kk_locale *loc;
    const char *lang;
} kk_nl_words;
/* The text with every {{...}} replaced by the placeholder label. */
char *kk_nl_public(const kk_nl_words *w, const char *text);
/* "21.6.2017"; "" for an absent date. */
char *kk_nl_date(const kk_nl_words *w, kk_date d);
/* "1.6.2017–30.6.2017" */
char *kk_nl_period(const kk_nl_words *w);
/* "Uutiskirje 6/2017", or NULL when the newsletter has no issue. */
char *kk_nl_issue(const kk_nl_words *w);
/* A meeting's heading: its own title, else its body (redacted). */
char *kk_nl_entry_title(const kk_nl_words *w, const kk_doc *d);
/* The line above it: "21.6.2017 · MUISTIO", or date · body when the
 * heading is the document's own title and show_body is set. */
char *kk_nl_kicker(const kk_nl_words *w, const kk_doc *d, bool show_body);
/* A label (borrowed, never NULL). */
const char *kk_nl_label(const kk_nl_words *w, const char *key);

#endif
