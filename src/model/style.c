/*
 * style.c — reading <style> trees into a kk_style.
 *
 * Numbers are parsed by hand: strtod follows LC_NUMERIC, and a decimal
 * comma locale must not change a margin.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L   /* strdup, getcwd */
#endif
#include "model/style.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/xml.h"
#include <unistd.h>


static bool is_kk(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           strcmp((const char *)n->ns->href, KK_NS) == 0 &&
           (!name || strcmp((const char *)n->name, name) == 0);
}

static bool named(const xmlNode *n, const char *name)
{
    return strcmp((const char *)n->name, name) == 0;
}


/* Replace *dst by the node's text; false on allocation failure. */
static bool set_str(char **dst, const xmlNode *n)
{
    char *s = kk_text_dup(n);
    if (!s)
        return false;
    free(*dst);
    *dst = s;
    return true;
}

/* "12", "10.5": the schema has already checked the shape.  The number's
 * end is stored in *end. */
static double parse_decimal(const char *s, const char **end)
{
    double v = 0, scale = 1;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (*s++ - '0');
    if (*s == '.') {
        s++;
        while (*s >= '0' && *s <= '9') {
            scale /= 10;
            v += (*s++ - '0') * scale;
        }
    }
    *end = s;
    return v;
}

/* A length or font size in points; *ok false when the text is not one. */
static double node_points(const xmlNode *n, bool *ok)
{
    xmlChar *c = xmlNodeGetContent(n);
    const char *s = c ? (const char *)c : "";
    const char *end;
    double v = parse_decimal(s, &end);
    double out = 0;
    if (end != s && strcmp(end, "mm") == 0)
        out = v * KK_MM_TO_PT;
    else if (end != s && strcmp(end, "pt") == 0)
        out = v;
    else
        *ok = false;
    xmlFree(c);
    return out;
}

static void set_points(double *dst, const xmlNode *n)
{
    bool ok = true;
    double v = node_points(n, &ok);
    if (ok)
        *dst = v;
}

static bool text_is(const xmlNode *n, const char *a, const char *b)
{
    xmlChar *c = xmlNodeGetContent(n);
    bool r = c && (strcmp((const char *)c, a) == 0 || (b && strcmp((const char *)c, b) == 0));
    xmlFree(c);
    return r;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static void set_colour(kk_rgb *dst, const xmlNode *n)
{
    xmlChar *c = xmlNodeGetContent(n);
    const char *s = c ? (const char *)c : "";
    int v[6];
    bool ok = strlen(s) == 7 && s[0] == '#';
    for (int i = 0; ok && i < 6; i++)
        ok = (v[i] = hexval(s[i + 1])) >= 0;
    if (ok) {
        dst->r = (v[0] * 16 + v[1]) / 255.0;
        dst->g = (v[2] * 16 + v[3]) / 255.0;
        dst->b = (v[4] * 16 + v[5]) / 255.0;
    }
    xmlFree(c);
}

static bool set_text3(kk_text3 *t, const xmlNode *n)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (!is_kk(c, NULL))
            continue;
        char **dst = named(c, "fi") ? &t->fi : named(c, "sv") ? &t->sv :
                     named(c, "en") ? &t->en : NULL;
        if (dst && !set_str(dst, c))
            return false;
    }
    return true;
}

static void free_text3(kk_text3 *t)
{
    free(t->fi);
    free(t->sv);
    free(t->en);
}

static bool set_font(kk_font *f, const xmlNode *n)
{
    static const struct { const char *name; int weight; } weights[] = {
        {"light", 300}, {"normal", 400}, {"medium", 500}, {"semibold", 600}, {"bold", 700}
    };
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (!is_kk(c, NULL))
            continue;
        if (named(c, "family")) {
            if (!set_str(&f->family, c))
                return false;
        } else if (named(c, "size")) {
            set_points(&f->size, c);
        } else if (named(c, "weight")) {
            for (size_t i = 0; i < sizeof weights / sizeof *weights; i++)
                if (text_is(c, weights[i].name, NULL))
                    f->weight = weights[i].weight;
        }
    }
    return true;
}

static void set_page(kk_style *s, const xmlNode *n)
{
    /* size first, so that an explicit width or height wins over it */
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (!is_kk(c, "size"))
            continue;
        if (text_is(c, "A4", NULL)) {
            s->page_width = 210 * KK_MM_TO_PT;
            s->page_height = 297 * KK_MM_TO_PT;
        } else if (text_is(c, "A5", NULL)) {
            s->page_width = 148 * KK_MM_TO_PT;
            s->page_height = 210 * KK_MM_TO_PT;
        } else if (text_is(c, "letter", NULL)) {
            s->page_width = 612;
            s->page_height = 792;
        }
    }
    static const struct { const char *name; size_t off; } lengths[] = {
        {"width", offsetof(kk_style, page_width)},
        {"height", offsetof(kk_style, page_height)},
        {"margin_top", offsetof(kk_style, margin_top)},
        {"margin_bottom", offsetof(kk_style, margin_bottom)},
        {"margin_left", offsetof(kk_style, margin_left)},
        {"margin_right", offsetof(kk_style, margin_right)},
        {"header_top", offsetof(kk_style, header_top)},
        {"footer_bottom", offsetof(kk_style, footer_bottom)},
        {"text_indent", offsetof(kk_style, text_indent)},
    };
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (!is_kk(c, NULL))
            continue;
        for (size_t i = 0; i < sizeof lengths / sizeof *lengths; i++)
            if (named(c, lengths[i].name))
                set_points((double *)((char *)s + lengths[i].off), c);
        if (named(c, "tabs")) {
            s->n_tabs = 0;   /* a list replaces the inherited one whole */
            for (const xmlNode *t = c->children; t; t = t->next) {
                bool ok = true;
                double v = is_kk(t, NULL) ? node_points(t, &ok) : 0;
                if (is_kk(t, NULL) && ok && s->n_tabs < KK_STYLE_MAX_TABS)
                    s->tabs[s->n_tabs++] = v;
            }
        }
    }
}

/* dir + "/" + file, made absolute against the working directory.
 * Owned by the caller; NULL on failure. */
static char *join_path(const char *dir, const char *file)
{
    if (file[0] == '/')
        return strdup(file);
    char cwd[4096] = "";
    bool rel_dir = !dir || dir[0] != '/';
    if (rel_dir && !getcwd(cwd, sizeof cwd))
        return NULL;
    const char *parts[3] = {rel_dir ? cwd : "", dir && *dir ? dir : "", file};
    size_t len = strlen(parts[0]) + strlen(parts[1]) + strlen(file) + 3;
    char *p = malloc(len);
    if (!p)
        return NULL;
    p[0] = '\0';
    for (int i = 0; i < 3; i++) {
        if (!*parts[i])
            continue;
        if (*p && p[strlen(p) - 1] != '/')
            strcat(p, "/");
        strcat(p, parts[i]);
    }
    return p;
}

static bool set_logo(kk_style *s, const xmlNode *n, const char *style_dir)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (!is_kk(c, NULL))
            continue;
        if (named(c, "file")) {
            char *file = kk_text_dup(c);
            char *path = file ? join_path(style_dir, file) : NULL;
            free(file);
            if (!path)
                return false;
            free(s->logo_path);
            s->logo_path = path;
        } else if (named(c, "width")) {
            set_points(&s->logo_width, c);
        } else if (named(c, "height")) {
            set_points(&s->logo_height, c);
        }
    }
    return true;
}

static bool set_appeal(kk_style *s, const xmlNode *n)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (!is_kk(c, NULL))
            continue;
        bool ok = true;
        if (named(c, "authority"))
            ok = set_text3(&s->appeal.authority, c);
        else if (named(c, "court"))
            ok = set_text3(&s->appeal.court, c);
        else if (named(c, "address"))
            ok = set_str(&s->appeal.address, c);
        else if (named(c, "email"))
            ok = set_str(&s->appeal.email, c);
        else if (named(c, "court_address"))
            ok = set_str(&s->appeal.court_address, c);
        else if (named(c, "court_email"))
            ok = set_str(&s->appeal.court_email, c);
        if (!ok)
            return false;
    }
    return true;
}

static bool add_label(kk_style *s, const char *lang, const xmlNode *n)
{
    kk_label_override *l = realloc(s->labels, (s->n_labels + 1) * sizeof *l);
    if (!l)
        return false;
    s->labels = l;
    kk_label_override o = {strdup(lang), strdup((const char *)n->name), kk_text_dup(n)};
    if (!o.lang || !o.key || !o.text) {
        free(o.lang);
        free(o.key);
        free(o.text);
        return false;
    }
    s->labels[s->n_labels++] = o;
    return true;
}

static bool set_labels(kk_style *s, const xmlNode *n)
{
    for (const xmlNode *lang = n->children; lang; lang = lang->next) {
        if (!is_kk(lang, NULL))
            continue;
        for (const xmlNode *c = lang->children; c; c = c->next)
            if (is_kk(c, NULL) && !add_label(s, (const char *)lang->name, c))
                return false;
    }
    return true;
}

static bool set_colors(kk_style *s, const xmlNode *n)
{
    static const struct { const char *name; size_t off; } cols[] = {
        {"text", offsetof(kk_style, colors.text)},
        {"heading", offsetof(kk_style, colors.heading)},
        {"accent", offsetof(kk_style, colors.accent)},
        {"muted", offsetof(kk_style, colors.muted)},
        {"rule", offsetof(kk_style, colors.rule)},
        {"link", offsetof(kk_style, colors.link)},
    };
    for (const xmlNode *c = n->children; c; c = c->next)
        for (size_t i = 0; is_kk(c, NULL) && i < sizeof cols / sizeof *cols; i++)
            if (named(c, cols[i].name))
                set_colour((kk_rgb *)((char *)s + cols[i].off), c);
    return true;
}

static bool set_spacing(kk_style *s, const xmlNode *n)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (!is_kk(c, NULL))
            continue;
        if (named(c, "line_height")) {
            xmlChar *t = xmlNodeGetContent(c);
            const char *end;
            double v = t ? parse_decimal((const char *)t, &end) : 0;
            if (t && end != (const char *)t && *end == '\0' && v > 0)
                s->line_height = v;
            xmlFree(t);
        } else if (named(c, "paragraph")) {
            set_points(&s->paragraph_space, c);
        } else if (named(c, "heading_before")) {
            set_points(&s->heading_before, c);
        } else if (named(c, "heading_after")) {
            set_points(&s->heading_after, c);
        } else if (named(c, "item_before")) {
            set_points(&s->item_before, c);
        }
    }
    return true;
}

static void set_layout(kk_style *s, const xmlNode *n)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (!is_kk(c, NULL))
            continue;
        if (named(c, "section_labels"))
            s->run_in_labels = text_is(c, "run_in", NULL);
        else if (named(c, "participants"))
            s->participant_list = text_is(c, "list", NULL);
        else if (named(c, "item_list"))
            s->item_list = text_is(c, "true", "yes");
    }
}

static bool set_fonts(kk_style *s, const xmlNode *n)
{
    for (const xmlNode *c = n->children; c; c = c->next) {
        if (!is_kk(c, NULL))
            continue;
        kk_font *f = named(c, "body") ? &s->body : named(c, "heading") ? &s->heading :
                     named(c, "title") ? &s->title : named(c, "header") ? &s->header :
                     named(c, "small") ? &s->small : NULL;
        if (f && !set_font(f, c))
            return false;
    }
    return true;
}

bool kk_style_merge(kk_style *s, xmlDocPtr doc, const char *style_dir)
{
    const xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!s || !is_kk(root, "style"))
        return false;
    free(s->extends);
    s->extends = NULL;
    for (const xmlNode *c = root->children; c; c = c->next) {
        if (!is_kk(c, NULL))
            continue;
        bool ok = true;
        if (named(c, "extends"))
            ok = set_str(&s->extends, c);
        else if (named(c, "organization"))
            ok = set_text3(&s->organization, c);
        else if (named(c, "page"))
            set_page(s, c);
        else if (named(c, "fonts"))
            ok = set_fonts(s, c);
        else if (named(c, "colors"))
            ok = set_colors(s, c);
        else if (named(c, "spacing"))
            ok = set_spacing(s, c);
        else if (named(c, "justify"))
            s->justify = text_is(c, "true", "yes");
        else if (named(c, "hyphenate"))
            s->hyphenate = text_is(c, "true", "yes");
        else if (named(c, "layout"))
            set_layout(s, c);
        else if (named(c, "logo"))
            ok = set_logo(s, c, style_dir);
        else if (named(c, "appeal"))
            ok = set_appeal(s, c);
        else if (named(c, "labels"))
            ok = set_labels(s, c);
        if (!ok)
            return false;
    }
    return true;
}

/* The built-in fallback: the same values as styles/default.yaml, so that a
 * style tree that leaves a key out still gives a usable page. */
static bool set_defaults(kk_style *s)
{
    static const double tabs_mm[] = {23, 46, 104, 130, 156};
    s->page_width = 210 * KK_MM_TO_PT;
    s->page_height = 297 * KK_MM_TO_PT;
    s->margin_top = 35 * KK_MM_TO_PT;
    s->margin_bottom = 20 * KK_MM_TO_PT;
    s->margin_left = 20 * KK_MM_TO_PT;
    s->margin_right = 15 * KK_MM_TO_PT;
    s->header_top = 10 * KK_MM_TO_PT;
    s->footer_bottom = 10 * KK_MM_TO_PT;
    s->text_indent = 46 * KK_MM_TO_PT;
    s->n_tabs = sizeof tabs_mm / sizeof *tabs_mm;
    for (size_t i = 0; i < s->n_tabs; i++)
        s->tabs[i] = tabs_mm[i] * KK_MM_TO_PT;
    kk_font *fonts[] = {&s->body, &s->heading, &s->title, &s->header, &s->small};
    static const double sizes[] = {11, 11, 14, 10, 8};
    static const int weights[] = {400, 700, 700, 400, 400};
    for (size_t i = 0; i < 5; i++) {
        if (!(fonts[i]->family = strdup("Noto Sans")))
            return false;
        fonts[i]->size = sizes[i];
        fonts[i]->weight = weights[i];
    }
    s->colors.accent = (kk_rgb){0x1F / 255.0, 0x4E / 255.0, 0x79 / 255.0};
    s->colors.muted = (kk_rgb){0x59 / 255.0, 0x59 / 255.0, 0x59 / 255.0};
    s->colors.rule = (kk_rgb){0x80 / 255.0, 0x80 / 255.0, 0x80 / 255.0};
    s->colors.link = (kk_rgb){0x0B / 255.0, 0x5C / 255.0, 0xAD / 255.0};
    s->line_height = 1.25;
    s->paragraph_space = 6;
    s->heading_before = 12;
    s->heading_after = 4;
    s->item_before = 18;
    s->justify = false;
    s->hyphenate = true;
    s->run_in_labels = false;
    s->participant_list = false;
    s->item_list = true;
    return true;
}

kk_style *kk_style_from_xml(xmlDocPtr doc, const char *style_dir)
{
    kk_style *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    if (!set_defaults(s) || !kk_style_merge(s, doc, style_dir)) {
        kk_style_free(s);
        return NULL;
    }
    return s;
}

bool kk_style_check_page(const kk_style *s, const char *const **keys, char *why, size_t cap)
{
    static const char *const width[] = { "margin_left", "margin_right", "width", "size", NULL };
    static const char *const height[] = { "margin_top", "margin_bottom", "height", "size", NULL };
    static const char *const column_keys[] = { "text_indent", "margin_left", "margin_right", "width", "size", NULL };
    static const char *const header[] = { "header_top", "margin_top", NULL };
    static const char *const footer[] = { "footer_bottom", "margin_bottom", NULL };
    const double least = 30 * KK_MM_TO_PT;
    double mm = 1 / KK_MM_TO_PT;
    double area_w = s->page_width - s->margin_left - s->margin_right;
    double area_h = s->page_height - s->margin_top - s->margin_bottom;
    double column = area_w - s->text_indent;
    if (area_w < least) {
        *keys = width;
        snprintf(why, cap, "the margins leave a text area %.0f mm wide on a page %.0f mm wide; "
                 "make margin_left or margin_right smaller so that at least 30 mm remain",
                 area_w * mm, s->page_width * mm);
    } else if (area_h < least) {
        *keys = height;
        snprintf(why, cap, "the margins leave a text area %.0f mm high on a page %.0f mm high; "
                 "make margin_top or margin_bottom smaller so that at least 30 mm remain",
                 area_h * mm, s->page_height * mm);
    } else if (column < least) {
        *keys = column_keys;
        snprintf(why, cap, "text_indent %.0f mm leaves a body text column %.0f mm wide in a text area "
                 "%.0f mm wide; make text_indent at most %.0f mm, or the margins smaller",
                 s->text_indent * mm, column * mm, area_w * mm, (area_w - least) * mm);
    } else if (s->header_top >= s->margin_top) {
        *keys = header;
        snprintf(why, cap, "header_top %.0f mm puts the running header where the text starts "
                 "(margin_top %.0f mm); make it smaller than margin_top", s->header_top * mm, s->margin_top * mm);
    } else if (s->footer_bottom >= s->margin_bottom) {
        *keys = footer;
        snprintf(why, cap, "footer_bottom %.0f mm puts the footer where the text ends "
                 "(margin_bottom %.0f mm); make it smaller than margin_bottom", s->footer_bottom * mm, s->margin_bottom * mm);
    } else
        return true;
    return false;
}

const char *kk_style_extends(xmlDocPtr doc)
{
    const xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!is_kk(root, "style"))
        return NULL;
    for (const xmlNode *c = root->children; c; c = c->next)
        if (is_kk(c, "extends") && c->children && c->children->type == XML_TEXT_NODE)
            return (const char *)c->children->content;
    return NULL;
}

void kk_style_free(kk_style *s)
{
    if (!s)
        return;
    free(s->extends);
    free_text3(&s->organization);
    kk_font *fonts[] = {&s->body, &s->heading, &s->title, &s->header, &s->small};
    for (size_t i = 0; i < 5; i++)
        free(fonts[i]->family);
    free(s->logo_path);
    free_text3(&s->appeal.authority);
    free_text3(&s->appeal.court);
    free(s->appeal.address);
    free(s->appeal.email);
    free(s->appeal.court_address);
    free(s->appeal.court_email);
    for (size_t i = 0; i < s->n_labels; i++) {
        free(s->labels[i].lang);
        free(s->labels[i].key);
        free(s->labels[i].text);
    }
    free(s->labels);
    free(s);
}

const char *kk_style_label(const kk_style *s, const kk_locale *loc,
                           const char *lang, const char *key)
{
    if (s && lang && key) {
        for (size_t i = s->n_labels; i-- > 0;)
            if (strcmp(s->labels[i].lang, lang) == 0 && strcmp(s->labels[i].key, key) == 0)
                return s->labels[i].text;
    }
    return kk_locale_label(loc, key);
}

char *kk_style_format(const kk_style *s, const kk_locale *loc, const char *lang,
                      const char *key, const char *const *names,
                      const char *const *values, size_t n)
{
    return kk_locale_fill(kk_style_label(s, loc, lang, key), names, values, n);
}

const char *kk_text3_get(const kk_text3 *t, const char *lang)
{
    if (!t)
        return NULL;
    if (lang && strcmp(lang, "sv") == 0 && t->sv)
        return t->sv;
    if (lang && strcmp(lang, "en") == 0 && t->en)
        return t->en;
    return t->fi;
}

char *kk_style_appeal_text(const kk_style *s, const kk_locale *loc,
                           const char *lang, const char *appeal_kind)
{
    const char *raw = kk_locale_appeal_text(loc, appeal_kind);
    if (!raw)
        return NULL;
    if (!s)
        return kk_locale_fill(raw, NULL, NULL, 0);
    /* A NULL value would print nothing; leaving the name out keeps "{name}" visible. */
    const char *names[6], *values[6];
    size_t n = 0;
    const char *cand_names[6] = {"authority", "address", "email", "court",
                                 "court_address", "court_email"};
    const char *cand_values[6] = {kk_text3_get(&s->appeal.authority, lang),
                                  s->appeal.address, s->appeal.email,
                                  kk_text3_get(&s->appeal.court, lang),
                                  s->appeal.court_address, s->appeal.court_email};
    for (size_t i = 0; i < 6; i++) {
        if (cand_values[i]) {
            names[n] = cand_names[i];
            values[n++] = cand_values[i];
        }
    }
    return kk_locale_fill(raw, names, values, n);
}
