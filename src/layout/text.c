/*
 * text.c — the typesetter (font map + Pango context reused across flows)
 * and the turning of styled markup into measured Pango layouts.
 */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include "layout/layout_int.h"
#include "util/text.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pango/pangoft2.h>

kk_typesetter *kk_typesetter_new(const char *language)
{
    kk_typesetter *ts = calloc(1, sizeof *ts);
    if (!ts)
        return NULL;
    /* A private font map rather than the process default, so that a worker
     * owns its fontconfig/HarfBuzz caches and frees them.  Pango's FreeType
     * map, not its Cairo one: no canvas draws through Pango, and a process
     * that never falls back to Cairo never loads it (canvas.c). */
    ts->fontmap = pango_ft2_font_map_new();
    /* Nothing more to set: PangoFT2's resolution is 72 dpi, which makes one
     * Pango point one PDF unit, and Pango 1.50 takes glyph positions from
     * HarfBuzz, unhinted, whatever fontconfig says about hinting, so line
     * breaks do not depend on a rasteriser's grid.  (Setting either again
     * rebuilds the font map's fontconfig state on a thread: ~2 ms of a
     * one-document build.) */
    ts->ctx = pango_font_map_create_context(ts->fontmap);
    /* KOKOUS_NO_KEPT_LAYOUTS: every text laid out anew, for the test that
     * kept layouts change no byte of the output (40-build) */
    const char *no_kept = getenv("KOKOUS_NO_KEPT_LAYOUTS");
    ts->kept = no_kept && *no_kept ? NULL : kk_kept_new();
    pango_context_set_round_glyph_positions(ts->ctx, FALSE);
    pango_context_set_language(ts->ctx,
                               pango_language_from_string(language ? language : "fi"));
    return ts;
}

void kk_typesetter_free(kk_typesetter *ts)
{
    if (!ts)
        return;
    kk_kept_free(ts->kept);
    g_object_unref(ts->ctx);
    g_object_unref(ts->fontmap);
    free(ts);
}

PangoFontDescription *kk_font_for(const kk_text_style *st)
{
    PangoFontDescription *fd = pango_font_description_new();
    pango_font_description_set_family(fd, st->family ? st->family : "Sans");
    pango_font_description_set_size(fd, (int)((st->size > 0 ? st->size : 10) * PANGO_SCALE));
    if (st->bold)
        pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
    if (st->italic)
        pango_font_description_set_style(fd, PANGO_STYLE_ITALIC);
    return fd;
}

bool kk_typesetter_family_used(kk_typesetter *ts, const char *family, char *used, size_t cap)
{
    kk_text_style st = { .family = family, .size = 10 };
    PangoFontDescription *fd = kk_font_for(&st);
    PangoFont *font = pango_font_map_load_font(ts->fontmap, ts->ctx, fd);
    pango_font_description_free(fd);
    if (!font)
        return false;
    PangoFontDescription *got = pango_font_describe(font);
    const char *name = got ? pango_font_description_get_family(got) : NULL;
    snprintf(used, cap, "%s", name ? name : "");
    if (got)
        pango_font_description_free(got);
    g_object_unref(font);
    return true;
}

/* ---- <a href> extraction ------------------------------------------------
 * Pango markup has no links, so the markup is re-serialised with each <a>
 * turned into an underlined span, counting text bytes exactly as Pango's own
 * parser will, which gives each link's byte range in the layout text. */

typedef struct {
    GString *out;
    int text_len;
    GArray *links;      /* kk_link */
    int open_link;      /* index in links, -1 = none */
} link_scan;

static void ls_start(GMarkupParseContext *c, const char *name, const char **an,
                     const char **av, void *ud, GError **err)
{
    (void)c;
    link_scan *s = ud;
    if (!strcmp(name, "markup"))
        return;
    if (!strcmp(name, "a")) {
        const char *href = NULL;
        for (size_t i = 0; an[i]; i++)
            if (!strcmp(an[i], "href"))
                href = av[i];
        if (!href || s->open_link >= 0) {
            g_set_error(err, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                        "<a> needs an href and links cannot nest");
            return;
        }
        kk_link l = { s->text_len, s->text_len, strdup(href) };
        g_array_append_val(s->links, l);
        s->open_link = (int)s->links->len - 1;
        g_string_append(s->out, "<span underline=\"single\">");
        return;
    }
    g_string_append_printf(s->out, "<%s", name);
    for (size_t i = 0; an[i]; i++) {
        char *v = g_markup_escape_text(av[i], -1);
        g_string_append_printf(s->out, " %s=\"%s\"", an[i], v);
        g_free(v);
    }
    g_string_append_c(s->out, '>');
}

static void ls_end(GMarkupParseContext *c, const char *name, void *ud, GError **err)
{
    (void)c; (void)err;
    link_scan *s = ud;
    if (!strcmp(name, "markup"))
        return;
    if (!strcmp(name, "a")) {
        g_array_index(s->links, kk_link, s->open_link).end = s->text_len;
        s->open_link = -1;
        g_string_append(s->out, "</span>");
        return;
    }
    g_string_append_printf(s->out, "</%s>", name);
}

static void ls_text(GMarkupParseContext *c, const char *text, gsize len, void *ud,
                    GError **err)
{
    (void)c; (void)err;
    link_scan *s = ud;
    char *e = g_markup_escape_text(text, (gssize)len);
    g_string_append(s->out, e);
    g_free(e);
    s->text_len += (int)len;
}

/* Returns the Pango markup to use (owned by caller, g_free) and the links. */
static char *extract_links(const char *markup, kk_link **links, size_t *nlinks,
                           GError **err)
{
    static const GMarkupParser p = { ls_start, ls_end, ls_text, NULL, NULL };
    link_scan s = { g_string_new(NULL), 0, g_array_new(FALSE, FALSE, sizeof(kk_link)), -1 };
    GMarkupParseContext *ctx = g_markup_parse_context_new(&p, 0, &s, NULL);
    bool ok = g_markup_parse_context_parse(ctx, "<markup>", -1, err)
              && g_markup_parse_context_parse(ctx, markup, -1, err)
              && g_markup_parse_context_parse(ctx, "</markup>", -1, err)
              && g_markup_parse_context_end_parse(ctx, err);
    g_markup_parse_context_free(ctx);
    *nlinks = s.links->len;
    *links = (kk_link *)(void *)g_array_free(s.links, FALSE);
    if (!ok) {
        for (size_t i = 0; i < *nlinks; i++)
            free((*links)[i].uri);
        g_free(*links);
        *links = NULL;
        *nlinks = 0;
        g_string_free(s.out, TRUE);
        return NULL;
    }
    return g_string_free(s.out, FALSE);
}

static void apply_style(PangoLayout *l, const kk_text_style *st, double width)
{
    PangoFontDescription *fd = kk_font_for(st);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    if (width > 0) {
        pango_layout_set_width(l, (int)(width * PANGO_SCALE));
        /* Long words and URLs break anywhere rather than overflow. */
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_justify(l, st->justify);
    pango_layout_set_alignment(l, st->align == 1 ? PANGO_ALIGN_CENTER
                                  : st->align == 2 ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
    if (st->first_line_indent != 0)
        pango_layout_set_indent(l, (int)(st->first_line_indent * PANGO_SCALE));
    if (st->line_spacing > 0)
        pango_layout_set_line_spacing(l, (float)st->line_spacing);
}

PangoLayout *kk_typesetter_layout(kk_typesetter *ts, const kk_text_style *st,
                                  const char *markup, double width)
{
    PangoAttrList *al = NULL;
    char *text = NULL;
    if (!pango_parse_markup(markup, -1, 0, &al, &text, NULL, NULL))
        return NULL;
    PangoLayout *l = pango_layout_new(ts->ctx);
    apply_style(l, st, width);
    pango_layout_set_text(l, text, -1);
    pango_layout_set_attributes(l, al);
    pango_attr_list_unref(al);
    g_free(text);
    return l;
}

/* Pango 1.50 shapes the rest of an item again for every line it breaks
 * off (process_item), so a paragraph that is one item costs about
 * lines²/2 shapings.  Attribute boundaries cut it into items of a few words
 * each.  They stand just before a space followed by a lower-case letter:
 * no ligature or kerning pair of a text font reaches across that point
 * (Noto Sans kerns a space before capitals), so the glyphs and their
 * positions stay as they were.  The attribute is the default fallback,
 * which changes nothing else. */
#define ITEM_WORDS 4
#define ITEM_MIN_BYTES 120

static void split_items(PangoAttrList *al, const char *text)
{
    size_t n = strlen(text);
    if (n < ITEM_MIN_BYTES)
        return;
    size_t start = 0;
    int words = 0;
    for (const char *p = text; *p; p = g_utf8_next_char(p)) {
        if (*p != ' ' || !g_unichar_islower(g_utf8_get_char(p + 1)) || ++words % ITEM_WORDS)
            continue;
        size_t at = (size_t)(p - text);
        PangoAttribute *a = pango_attr_fallback_new(TRUE);
        a->start_index = (guint)start;
        a->end_index = (guint)at;
        pango_attr_list_insert_before(al, a);
        start = at;
    }
}

/* c from a kept layout; false when out of memory (c is then empty). */
static bool cell_from_kept(kk_cell *c, const kk_kept_layout *k)
{
    c->lines = malloc((size_t)k->nlines * sizeof *c->lines);
    if (!c->lines)
        return false;
    memcpy(c->lines, k->lines, (size_t)k->nlines * sizeof *c->lines);
    c->nlines = k->nlines;
    c->height = k->height;
    c->layout = g_object_ref(k->layout);
    return true;
}

bool kk_cell_init(kk_flow *f, kk_cell *c, const kk_text_style *st, const char *markup,
                  double x, double width, const char *tag)
{
    memset(c, 0, sizeof *c);
    c->x = x;
    c->width = width;
    c->tag = tag;
    c->r = st->r; c->g = st->g; c->b = st->b;
    GError *err = NULL;
    char *pm = NULL;
    const char *use = markup ? markup : "";
    char *key = kk_kept_key(st, use, width);
    const kk_kept_layout *kept = kk_kept_find(f->ts->kept, key);
    if (kept) {
        g_free(key);
        if (cell_from_kept(c, kept))
            return true;
        kk_sys_error(f->diag, NULL, "out of memory");
        return false;
    }
    /* Cheap test first: most blocks have no links and skip the re-parse. */
    if (strstr(use, "<a")) {
        pm = extract_links(use, &c->links, &c->nlinks, &err);
        if (!pm) {
            kk_error(f->diag, NULL, 0, 0, "invalid text markup: %s", err->message);
            g_error_free(err);
            return false;
        }
        use = pm;
    }
    PangoAttrList *al = NULL;
    char *text = NULL;
    if (!pango_parse_markup(use, -1, 0, &al, &text, NULL, &err)) {
        kk_error(f->diag, NULL, 0, 0, "invalid text markup: %s", err->message);
        g_error_free(err);
        g_free(pm);
        g_free(key);
        kk_cell_clear(c);
        return false;
    }
    g_free(pm);
    split_items(al, text);
    c->layout = pango_layout_new(f->ts->ctx);
    apply_style(c->layout, st, width);
    pango_layout_set_text(c->layout, text, -1);
    pango_layout_set_attributes(c->layout, al);
    pango_attr_list_unref(al);
    g_free(text);

    c->nlines = pango_layout_get_line_count(c->layout);
    kk_glyph_extents_install(c->layout);
    c->lines = calloc((size_t)c->nlines, sizeof *c->lines);
    if (!c->lines) {
        kk_sys_error(f->diag, NULL, "out of memory");
        g_free(key);
        kk_cell_clear(c);
        return false;
    }
    PangoLayoutIter *it = pango_layout_get_iter(c->layout);
    int i = 0;
    do {
        PangoRectangle log;
        pango_layout_iter_get_line_extents(it, NULL, &log);
        kk_line *ln = &c->lines[i++];
        ln->top = (double)log.y / PANGO_SCALE;
        ln->height = (double)log.height / PANGO_SCALE;
        ln->x = (double)log.x / PANGO_SCALE;
        ln->width = (double)log.width / PANGO_SCALE;
        ln->baseline = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
    } while (i < c->nlines && pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    c->height = c->lines[c->nlines - 1].top + c->lines[c->nlines - 1].height;
    kk_kept_offer(f->ts->kept, key, c);
    return true;
}

void kk_cell_clear(kk_cell *c)
{
    if (c->layout)
        g_object_unref(c->layout);
    for (size_t i = 0; i < c->nlinks; i++)
        free(c->links[i].uri);
    g_free(c->links);
    free(c->lines);
    memset(c, 0, sizeof *c);
}
