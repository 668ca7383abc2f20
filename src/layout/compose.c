/*
 * compose.c — the composer's entry point, its text helpers and the running
 * header (SFS 2487: organization left, document type, number and date in
 * the middle column, page "n (N)" right).
 */
#define _POSIX_C_SOURCE 200809L
#include "layout/compose_int.h"
#include "util/text.h"
#include "util/xml.h"

#include <stdlib.h>
#include <string.h>

/* ---- small helpers ---- */

const char *kk_c_keep(cctx *c, char *s)
{
    kk_composition *k = c->comp;
    if (!s) {
        c->ok = false;
        return "";
    }
    if (k->nowned == k->capowned) {
        size_t cap = k->capowned ? k->capowned * 2 : 64;
        char **v = realloc(k->owned, cap * sizeof *v);
        if (!v) {
            free(s);
            c->ok = false;
            return "";
        }
        k->owned = v;
        k->capowned = cap;
    }
    k->owned[k->nowned++] = s;
    return s;
}

const char *kk_c_label(cctx *c, const char *key)
{
    return kk_style_label(c->style, c->loc, c->lang, key);
}

const char *kk_c_format(cctx *c, const char *key, const char *const *names,
                        const char *const *values, size_t n)
{
    return kk_c_keep(c, kk_style_format(c->style, c->loc, c->lang, key, names, values, n));
}

const char *kk_c_plain(cctx *c, const char *text)
{
    return kk_c_keep(c, kk_rich_plain(&c->rich, text ? text : ""));
}

const char *kk_c_bare(cctx *c, const char *text)
{
    return kk_c_keep(c, kk_rich_personal(&c->rich, text ? text : ""));
}

const char *kk_c_date(cctx *c, kk_date d, bool weekday)
{
    if (!d.y)
        return "";
    return kk_c_keep(c, kk_locale_date(c->loc, d.y, d.m, d.d, weekday));
}

const char *kk_c_time_range(cctx *c, kk_time a, kk_time b)
{
    if (!a.set)
        return "";
    return kk_c_keep(c, kk_locale_time_range(c->loc, a.h, a.min, b.set ? b.h : -1, b.min));
}

const char *kk_c_role(cctx *c, const char *role, bool caption)
{
    static const char *const known[] = { "chair", "vice_chair", "member", "deputy", "presenter",
                                         "secretary", "expert", "other" };
    if (!role)
        return "";
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (!strcmp(role, known[i])) {
            char key[48];
            if (caption && (!strcmp(role, "chair") || !strcmp(role, "secretary")))
                snprintf(key, sizeof key, "signature_%s", role);
            else
                snprintf(key, sizeof key, "role_%s", role);
            return kk_c_label(c, key);
        }
    return kk_c_plain(c, role);
}

void kk_c_paragraph(cctx *c, const kk_text_style *st, const char *markup)
{
    if (!kk_flow_paragraph(c->flow, "P", st, markup))
        c->ok = false;
}

void kk_c_field(cctx *c, const char *label_key, const char *value_markup)
{
    if (!value_markup || !*value_markup)
        return;
    if (!kk_flow_field(c->flow, &c->label, &c->body, c->field_label_w,
                       kk_c_plain(c, kk_c_label(c, label_key)), value_markup))
        c->ok = false;
}

void kk_c_rich_section(cctx *c, const char *label_key, const char *markdown)
{
    if (!markdown)
        return;
    if (label_key && c->style->run_in_labels) {
        const char *names[] = { "label" };
        const char *values[] = { kk_c_label(c, label_key) };
        kk_rich r = c->rich;
        r.lead_in = kk_c_keep(c, g_strdup_printf("<b>%s</b> ", kk_c_plain(c, kk_c_format(c, "run_in_label", names, values, 1))));
        if (!kk_rich_blocks(&r, markdown))
            c->ok = false;
        return;
    }
    if (label_key) {
        kk_text_style st = c->label;
        st.indent_left = c->indent;
        st.space_before = c->style->paragraph_space;
        kk_c_paragraph(c, &st, kk_c_plain(c, kk_c_label(c, label_key)));
    }
    if (!kk_rich_blocks(&c->rich, markdown))
        c->ok = false;
}

/* ---- styles ---- */

/* A family the style names but fontconfig replaces (not installed, or
 * misspelt) is typeset anyway, in the replacement: say so, once per family,
 * at the document's `style` key. */
static void warn_missing_fonts(cctx *c)
{
    const kk_font *fonts[] = { &c->style->body, &c->style->heading, &c->style->title,
                               &c->style->header, &c->style->small };
    for (size_t i = 0; i < sizeof fonts / sizeof *fonts; i++) {
        const char *family = fonts[i]->family;
        bool seen = !family;
        for (size_t j = 0; j < i && !seen; j++)
            seen = fonts[j]->family && !g_ascii_strcasecmp(fonts[j]->family, family);
        char used[128];
        if (seen || !kk_typesetter_family_used(c->ts, family, used, sizeof used)
            || !g_ascii_strcasecmp(used, family))
            continue;
        xmlNodePtr at = kk_child(xmlDocGetRootElement(kk_source_doc(c->doc->src)), "style");
        kk_pos pos = at ? kk_source_value_pos(c->doc->src, at) : (kk_pos){ 0, 0 };
        kk_diag_report(c->diag, KK_WARNING, KK_FAIL_NONE, kk_source_path(c->doc->src), pos.line, pos.col,
                       "the style's font family \"%s\" is not installed; the document is set in \"%s\" "
                       "instead: install the font, or name an installed family in the style (fc-list : family)",
                       family, used);
    }
}

static kk_text_style text_style(const kk_style *s, const kk_font *f, kk_rgb color)
{
    kk_text_style t = { 0 };
    t.family = f->family;
    t.size = f->size;
    t.bold = f->weight >= 600;
    t.r = color.r;
    t.g = color.g;
    t.b = color.b;
    t.line_spacing = s->line_height;
    t.space_after = s->paragraph_space;
    return t;
}

static void make_styles(cctx *c)
{
    const kk_style *s = c->style;
    c->indent = s->text_indent;
    /* Fields hang their label in the indent; a style that sets the body at
     * the margin (text_indent 0) still needs a label column: the first tab. */
    c->field_label_w = s->text_indent;
    if (c->field_label_w < 15 * KK_MM_TO_PT) {
        double area_w = s->page_width - s->margin_left - s->margin_right;
        c->field_label_w = s->n_tabs && s->tabs[0] >= 15 * KK_MM_TO_PT ? s->tabs[0] : 23 * KK_MM_TO_PT;
        if (c->field_label_w > area_w / 3)
            c->field_label_w = area_w / 3;
    }
    c->body = text_style(s, &s->body, s->colors.text);
    c->body.justify = s->justify;
    c->text = c->body;
    c->text.indent_left = c->indent;
    c->label = text_style(s, &s->heading, s->colors.heading);
    c->label.space_after = 0;
    c->title = text_style(s, &s->title, s->colors.heading);
    c->title.space_after = s->heading_after * 2;
    c->h2 = text_style(s, &s->heading, s->colors.heading);
    c->h2.space_before = s->item_before;
    c->h2.space_after = s->heading_after;
    c->h3 = c->h2;
    c->h3.space_before = s->heading_before;
    c->h3.indent_left = c->indent;
    c->small = text_style(s, &s->small, s->colors.muted);
    c->cell = text_style(s, &s->body, s->colors.text);
    c->cell.space_after = 0;
    c->cell.size = s->body.size - 1;
    c->head = c->cell;
    c->head.bold = true;
    c->lead = c->body;
    c->lead.bold = true;
    c->lead.size = s->body.size + 1;
}

kk_page_geometry kk_compose_geometry(const kk_style *s)
{
    return (kk_page_geometry){ s->page_width, s->page_height, s->margin_top, s->margin_bottom,
                               s->margin_left, s->margin_right, 0, 0 };
}

/* ---- the header ---- */

static void header_text(cctx *c)
{
    kk_composition *k = c->comp;
    const kk_doc *d = c->doc;
    /* the record's owner is the document's organization; the style's name
     * is only a fallback for documents that leave it out */
    const char *org = d->organization ? d->organization : kk_text3_get(&c->style->organization, c->lang);
    k->organization = strdup(org ? org : "");
    k->subline = strdup(d->kind == KK_NOTICE || d->kind == KK_NEWSLETTER ? (d->unit ? d->unit : "")
                        : d->body ? d->body : "");
    const char *kind = c->opts->excerpt_section ? "excerpt" : d->kind_name;
    k->doctype = strdup(kk_c_label(c, kind));
    k->number = strdup(d->meeting_number ? d->meeting_number : "");
    k->date = kk_locale_date(c->loc, d->date.y ? d->date.y : d->period_from.y,
                             d->date.y ? d->date.m : d->period_from.m,
                             d->date.y ? d->date.d : d->period_from.d, false);
    k->footer = strdup(c->opts->public_version ? kk_c_label(c, "public_version") : "");
    if (!k->organization || !k->subline || !k->doctype || !k->number || !k->date || !k->footer)
        c->ok = false;
    k->header = text_style(c->style, &c->style->header, c->style->colors.text);
    k->header_bold = k->header;
    k->header_bold.bold = true;
    k->small = c->small;
    k->tab_doctype = c->style->n_tabs > 2 ? c->style->tabs[2] : c->style->page_width / 2 - c->style->margin_left;
    k->header_top = c->style->header_top;
    if (c->opts->logo_png) {
        k->logo = kk_image_new_png(c->opts->logo_png, c->opts->logo_len);
        if (k->logo)
            k->logo_width = c->style->logo_width > 0 ? c->style->logo_width : 100;
        else {
            kk_diag_report(c->diag, KK_WARNING, KK_FAIL_NONE, c->style->logo_path, 0, 0, "the logo is not a readable PNG; the documents are made without it");
        }
    }
}

static void header_text_clear(kk_header_text *h)
{
    if (h->layout)
        g_object_unref(h->layout);
    h->layout = NULL;
}

/* Draws `text` at (x, y), laying it out only the first time (or when the
 * width differs): the composition is drawn once per page and per version. */
static void show(kk_canvas *cv, kk_typesetter *ts, kk_header_text *h, const kk_text_style *st,
                 const char *text, double x, double y, double width, int align)
{
    if (h->layout && h->width != width)
        header_text_clear(h);
    if (!h->layout) {
        kk_buf b = { 0 };
        kk_buf_add_escaped(&b, text, strlen(text));
        char *markup = kk_buf_take(&b);
        kk_text_style s = *st;
        s.align = align;
        h->layout = markup ? kk_typesetter_layout(ts, &s, markup, width) : NULL;
        h->width = width;
        free(markup);
        if (!h->layout)
            return;
    }
    kk_canvas_set_rgb(cv, st->r, st->g, st->b);
    kk_canvas_show_layout(cv, h->layout, x, y);
}

/* The slot for the page number of `page`; NULL on out of memory. */
static kk_header_text *pageno_slot(kk_composition *k, int page, int pages)
{
    if (k->pageno_of != pages || page > k->npageno) {
        for (int i = 0; i < k->npageno; i++)
            header_text_clear(&k->pageno[i]);
        free(k->pageno);
        k->pageno = calloc((size_t)(pages > page ? pages : page), sizeof *k->pageno);
        k->npageno = k->pageno ? (pages > page ? pages : page) : 0;
        k->pageno_of = pages;
    }
    return page >= 1 && page <= k->npageno ? &k->pageno[page - 1] : NULL;
}

void kk_compose_decorate(kk_canvas *cv, int page, int pages, const kk_page_geometry *g, void *user)
{
    kk_composition *k = user;
    kk_header_text *h = k->hdr;
    double left = g->margin_left, right = g->width - g->margin_right;
    double y = k->header_top, line = k->header.size * 1.3;
    double mid = left + k->tab_doctype;
    if (page == 1 && k->band_bottom > k->band_top) {
        kk_canvas_set_rgb(cv, k->band.r, k->band.g, k->band.b);
        kk_canvas_fill_rect(cv, 0, k->band_top, g->width, k->band_bottom - k->band_top);
    }
    if (k->logo) {
        double w = kk_image_width(k->logo), h_ = kk_image_height(k->logo);
        double scale = k->logo_width / w;
        kk_canvas_image(cv, k->logo, left, y, k->logo_width);
        show(cv, k->ts, &h[KK_HDR_SUBLINE], &k->header, k->subline, left, y + h_ * scale + 2, mid - left - 12, 0);
    } else {
        show(cv, k->ts, &h[KK_HDR_ORG], &k->header_bold, k->organization, left, y, mid - left - 12, 0);
        show(cv, k->ts, &h[KK_HDR_SUBLINE], &k->header, k->subline, left, y + line, mid - left - 12, 0);
    }
    show(cv, k->ts, &h[KK_HDR_DOCTYPE], &k->header_bold, k->doctype, mid, y, right - mid - 60, 0);
    if (*k->number)
        show(cv, k->ts, &h[KK_HDR_NUMBER], &k->header, k->number, mid, y + line, right - mid - 60, 0);
    show(cv, k->ts, &h[KK_HDR_DATE], &k->header, k->date, mid, y + line * (*k->number ? 2 : 1), right - mid - 60, 0);
    char pg[64];
    snprintf(pg, sizeof pg, "%d (%d)", page, pages);
    kk_header_text *ph = pageno_slot(k, page, pages);
    kk_header_text once = { 0 };
    show(cv, k->ts, ph ? ph : &once, &k->header, pg, right - 80, y, 80, 2);
    header_text_clear(&once);
    kk_compose_decorate_public(cv, page, pages, g, user);
}

void kk_compose_decorate_public(kk_canvas *cv, int page, int pages, const kk_page_geometry *g, void *user)
{
    kk_composition *k = user;
    (void)page;
    (void)pages;
    double left = g->margin_left, right = g->width - g->margin_right;
    if (*k->footer)
        show(cv, k->ts, &k->hdr[KK_HDR_FOOTER], &k->small, k->footer, left,
             g->height - g->margin_bottom + 10, right - left, 0);
}

/* ---- entry ---- */

bool kk_compose_has_section(const kk_doc *doc, int section)
{
    for (size_t i = 0; i < doc->nitems; i++)
        if (doc->items[i].section == section)
            return true;
    return false;
}

static char *derive_title(cctx *c)
{
    const kk_doc *d = c->doc;
    kk_buf b = { 0 };
    if (d->title && (!c->opts->public_version || !strstr(d->title, "{{"))) {
        char *t = kk_rich_personal(&c->rich, d->title);
        kk_buf_add(&b, t ? t : "");
        free(t);
    } else {
        /* "Kuntajohtajakokous, muistio 21.6.2017" */
        const char *kind = kk_c_label(c, c->opts->excerpt_section ? "excerpt" : d->kind_name);
        kk_buf_addf(&b, "%s", d->body ? d->body : d->organization ? d->organization : "");
        gchar *lower = g_utf8_strdown(kind, -1);   /* PÖYTÄKIRJA -> pöytäkirja */
        kk_buf_addf(&b, ", %s", lower ? lower : kind);
        g_free(lower);
        if (d->meeting_number)
            kk_buf_addf(&b, " %s", d->meeting_number);
        char *date = kk_locale_date(c->loc, d->date.y, d->date.m, d->date.d, false);
        if (date)
            kk_buf_addf(&b, " %s", date);
        free(date);
    }
    if (c->opts->excerpt_section && d->title)
        kk_buf_addf(&b, " – %d §", c->opts->excerpt_section);
    return kk_buf_take(&b);
}

kk_composition *kk_compose(kk_flow *flow, kk_typesetter *ts, const kk_doc *doc,
                           const kk_style *style, const kk_locale *loc,
                           kk_hyphenator *hyph, const kk_compose_opts *opts,
                           kk_diag *diag)
{
    kk_composition *k = calloc(1, sizeof *k);
    if (!k) {
        kk_sys_error(diag, kk_source_path(doc->src), "out of memory");
        return NULL;
    }
    k->ts = ts;
    cctx c = { .flow = flow, .ts = ts, .doc = doc, .style = style, .loc = loc, .lang = doc->language,
               .opts = opts, .diag = diag, .comp = k, .ok = true };
    make_styles(&c);
    warn_missing_fonts(&c);
    c.rich = (kk_rich){ flow, &c.text, &c.h3, style->hyphenate ? hyph : NULL,
                        opts->public_version || doc->kind == KK_NEWSLETTER,
                        kk_c_label(&c, "personal_data_removed"), NULL };
    header_text(&c);
    k->title = derive_title(&c);
    if (!k->title)
        c.ok = false;

    kk_flow_struct_begin(flow, "Document");
    if (doc->kind == KK_NOTICE) {
        kk_c_notice(&c);
    } else if (doc->kind == KK_NEWSLETTER) {
        if (opts->digest)
            kk_c_newsletter(&c);
        else
            c.ok = false;
    } else {
        kk_flow_heading(flow, 1, &c.title, kk_c_plain(&c, k->title), k->title, "title");
        kk_c_meeting_block(&c);
        kk_c_items(&c, opts->excerpt_section);
        if (doc->kind == KK_MINUTES || opts->excerpt_section)
            kk_c_signatures(&c, opts->excerpt_section != 0);
        if (doc->kind == KK_MINUTES)
            kk_c_appeals(&c, opts->excerpt_section);
    }
    kk_flow_struct_end(flow);
    if (!c.ok) {
        kk_sys_error(diag, kk_source_path(doc->src), "the document could not be laid out (see the messages above)");
        kk_composition_free(k);
        return NULL;
    }
    return k;
}

const char *kk_composition_title(const kk_composition *c) { return c->title; }

static bool has_personal_data(const xmlNode *n)
{
    for (; n; n = n->next) {
        if (n->type == XML_TEXT_NODE && n->content && strstr((const char *)n->content, "{{"))
            return true;
        if (n->children && has_personal_data(n->children))
            return true;
    }
    return false;
}

bool kk_compose_public_differs(const kk_doc *doc)
{
    if (strcmp(doc->publicity.cls, "public"))
        return true;
    for (size_t i = 0; i < doc->nitems; i++) {
        const kk_item *it = &doc->items[i];
        if (strcmp(it->publicity.cls, "public") || it->excerpt_to.n)
            return true;
        for (size_t a = 0; a < it->nattachments; a++)
            if (!it->attachments[a].is_public)
                return true;
    }
    return has_personal_data(xmlDocGetRootElement(kk_source_doc(doc->src)));
}

bool kk_composition_set_public(kk_composition *c, const kk_style *style,
                               const kk_locale *loc, const char *lang)
{
    char *footer = strdup(kk_style_label(style, loc, lang, "public_version"));
    if (!footer)
        return false;
    free(c->footer);
    c->footer = footer;
    header_text_clear(&c->hdr[KK_HDR_FOOTER]);
    return true;
}

void kk_composition_free(kk_composition *k)
{
    if (!k)
        return;
    for (size_t i = 0; i < k->nowned; i++)
        free(k->owned[i]);
    free(k->owned);
    free(k->organization);
    free(k->subline);
    free(k->doctype);
    free(k->number);
    free(k->date);
    free(k->footer);
    free(k->title);
    kk_image_unref(k->logo);
    for (int i = 0; i < KK_HDR_N; i++)
        header_text_clear(&k->hdr[i]);
    for (int i = 0; i < k->npageno; i++)
        header_text_clear(&k->pageno[i]);
    free(k->pageno);
    free(k);
}
