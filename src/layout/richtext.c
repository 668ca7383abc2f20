/* richtext.c — see richtext.h. */
#define _POSIX_C_SOURCE 200809L
#include "layout/richtext.h"
#include "util/text.h"

#include <cmark.h>
#include <stdlib.h>
#include <string.h>

char *kk_rich_personal(const kk_rich *r, const char *text)
{
    kk_buf b = { 0 };
    const char *p = text ? text : "";
    for (;;) {
        const char *open = strstr(p, "{{");
        const char *close = open ? strstr(open + 2, "}}") : NULL;
        if (!open || !close) {
            kk_buf_add(&b, p);
            break;
        }
        kk_buf_addn(&b, p, (size_t)(open - p));
        if (r->redact)
            kk_buf_add(&b, r->placeholder ? r->placeholder : "[...]");
        else
            kk_buf_addn(&b, open + 2, (size_t)(close - open - 2));
        p = close + 2;
    }
    return kk_buf_take(&b);
}

/* Finnish writes open compounds as "Uusimaa 2019 -hanke": the space before
 * the hyphen must not become a line break, or the line starts with
 * "-hanke".  The space is made a no-break space (U+00A0). */
static void tie_open_compounds(char *markup)
{
    for (char *p = markup; p && (p = strstr(p, " -")); ) {
        unsigned char next = (unsigned char)p[2];
        if ((next >= 'a' && next <= 'z') || next >= 0xC3) {
            memmove(p + 2, p + 1, strlen(p + 1) + 1);   /* room for 2 bytes */
            p[0] = (char)0xC2;
            p[1] = (char)0xA0;
            p += 3;
        } else {
            p += 2;
        }
    }
}

static char *hyphenated(const kk_rich *r, char *markup)
{
    if (markup) {
        /* one byte more is needed per tie: at most one per space */
        size_t ties = 0;
        for (const char *p = markup; (p = strstr(p, " -")); p += 2)
            ties++;
        char *grown = ties ? realloc(markup, strlen(markup) + ties + 1) : markup;
        if (!grown) {
            free(markup);
            return NULL;
        }
        markup = grown;
        tie_open_compounds(markup);
    }
    if (!markup || !r->hyph)
        return markup;
    char *h = kk_hyphenate(r->hyph, markup, true);
    free(markup);
    return h;
}

char *kk_rich_plain(const kk_rich *r, const char *text)
{
    char *plain = kk_rich_personal(r, text);
    if (!plain)
        return NULL;
    kk_buf b = { 0 };
    kk_buf_add_escaped(&b, plain, strlen(plain));
    free(plain);
    return hyphenated(r, kk_buf_take(&b));
}

/* In the public version a placeholder must not be read as Markdown (its
 * brackets could form a link), so it is escaped at source level. */
static char *prepare_markdown(const kk_rich *r, const char *md)
{
    if (!r->redact)
        return kk_rich_personal(r, md);
    kk_buf esc = { 0 };
    for (const char *c = r->placeholder ? r->placeholder : "[...]"; *c; c++) {
        if (strchr("\\`*_{}[]()#+-.!<>", *c))
            kk_buf_add(&esc, "\\");
        kk_buf_addn(&esc, c, 1);
    }
    char *placeholder = kk_buf_take(&esc);
    kk_rich tmp = *r;
    tmp.placeholder = placeholder;
    char *out = kk_rich_personal(&tmp, md);
    free(placeholder);
    return out;
}

/* Inline children of `node` as Pango markup. */
static void inlines(kk_buf *b, cmark_node *node)
{
    for (cmark_node *c = cmark_node_first_child(node); c; c = cmark_node_next(c)) {
        const char *lit = cmark_node_get_literal(c);
        switch (cmark_node_get_type(c)) {
        case CMARK_NODE_TEXT:
            kk_buf_add_escaped(b, lit, strlen(lit));
            break;
        case CMARK_NODE_CODE:
            kk_buf_add(b, "<tt>");
            kk_buf_add_escaped(b, lit, strlen(lit));
            kk_buf_add(b, "</tt>");
            break;
        case CMARK_NODE_SOFTBREAK:
            kk_buf_add(b, " ");
            break;
        case CMARK_NODE_LINEBREAK:
            kk_buf_add(b, "\n");
            break;
        case CMARK_NODE_EMPH:
            kk_buf_add(b, "<i>");
            inlines(b, c);
            kk_buf_add(b, "</i>");
            break;
        case CMARK_NODE_STRONG:
            kk_buf_add(b, "<b>");
            inlines(b, c);
            kk_buf_add(b, "</b>");
            break;
        case CMARK_NODE_LINK: {
            const char *url = cmark_node_get_url(c);
            kk_buf_add(b, "<a href=\"");
            kk_buf_add_escaped(b, url ? url : "", url ? strlen(url) : 0);
            kk_buf_add(b, "\">");
            inlines(b, c);
            kk_buf_add(b, "</a>");
            break;
        }
        case CMARK_NODE_IMAGE:   /* no images in minutes: keep the alt text */
            inlines(b, c);
            break;
        default:                 /* raw HTML was refused by the validator */
            break;
        }
    }
}

static char *inline_markup(const kk_rich *r, cmark_node *node)
{
    kk_buf b = { 0 };
    inlines(&b, node);
    return hyphenated(r, kk_buf_take(&b));
}

static bool blocks(const kk_rich *r, cmark_node *parent, int depth);

static bool list_block(const kk_rich *r, cmark_node *list, int depth)
{
    bool ok = kk_flow_list_begin(r->flow, cmark_node_get_list_type(list) == CMARK_ORDERED_LIST,
                                 cmark_node_get_list_start(list));
    for (cmark_node *item = cmark_node_first_child(list); ok && item; item = cmark_node_next(item)) {
        /* the item's paragraphs become one entry; nested lists follow it */
        kk_buf b = { 0 };
        for (cmark_node *c = cmark_node_first_child(item); c; c = cmark_node_next(c))
            if (cmark_node_get_type(c) == CMARK_NODE_PARAGRAPH) {
                if (b.len)
                    kk_buf_add(&b, "\n");
                inlines(&b, c);
            }
        char *markup = hyphenated(r, kk_buf_take(&b));
        ok = markup && kk_flow_list_item(r->flow, r->para, markup);
        free(markup);
        for (cmark_node *c = cmark_node_first_child(item); ok && c; c = cmark_node_next(c))
            if (cmark_node_get_type(c) == CMARK_NODE_LIST)
                ok = list_block(r, c, depth + 1);
    }
    return kk_flow_list_end(r->flow) && ok;
}

/* The blocks from `first` on, and its siblings after it. */
static bool blocks_from(const kk_rich *r, cmark_node *first, int depth)
{
    bool ok = true;
    for (cmark_node *c = first; ok && c; c = cmark_node_next(c)) {
        char *markup = NULL;
        switch (cmark_node_get_type(c)) {
        case CMARK_NODE_PARAGRAPH:
            markup = inline_markup(r, c);
            ok = markup && kk_flow_paragraph(r->flow, "P", r->para, markup);
            break;
        case CMARK_NODE_HEADING:
            markup = inline_markup(r, c);
            ok = markup && kk_flow_heading(r->flow, 3, r->heading ? r->heading : r->para, markup, NULL, NULL);
            break;
        case CMARK_NODE_LIST:
            ok = list_block(r, c, depth);
            break;
        case CMARK_NODE_BLOCK_QUOTE: {
            kk_text_style quote = *r->para;
            quote.indent_left += 18;
            quote.italic = true;
            kk_rich inner = *r;
            inner.para = &quote;
            ok = kk_flow_struct_begin(r->flow, "BlockQuote") && blocks(&inner, c, depth + 1)
                 && kk_flow_struct_end(r->flow);
            break;
        }
        case CMARK_NODE_CODE_BLOCK: {
            kk_buf b = { 0 };
            const char *lit = cmark_node_get_literal(c);
            kk_buf_add(&b, "<tt>");
            kk_buf_add_escaped(&b, lit, strlen(lit));
            kk_buf_add(&b, "</tt>");
            markup = kk_buf_take(&b);
            ok = markup && kk_flow_paragraph(r->flow, "P", r->para, markup);
            break;
        }
        case CMARK_NODE_THEMATIC_BREAK:
            ok = kk_flow_rule(r->flow, 0.5);
            break;
        default:
            break;
        }
        free(markup);
    }
    return ok;
}

static bool blocks(const kk_rich *r, cmark_node *parent, int depth)
{
    return blocks_from(r, cmark_node_first_child(parent), depth);
}

/* The lead-in and `para` (a paragraph, or NULL: the lead-in alone). */
static bool lead_in_paragraph(const kk_rich *r, cmark_node *para)
{
    char *text = para ? inline_markup(r, para) : NULL;
    if (para && !text)
        return false;
    char *markup = g_strconcat(r->lead_in, text ? text : "", NULL);
    free(text);
    bool ok = kk_flow_paragraph(r->flow, "P", r->para, g_strchomp(markup));
    g_free(markup);
    return ok;
}

bool kk_rich_blocks(const kk_rich *r, const char *markdown)
{
    char *md = prepare_markdown(r, markdown);
    if (!md)
        return false;
    cmark_node *doc = cmark_parse_document(md, strlen(md), CMARK_OPT_DEFAULT);
    free(md);
    if (!doc)
        return false;
    cmark_node *rest = cmark_node_first_child(doc);
    bool ok = true;
    if (r->lead_in) {
        bool joined = rest && cmark_node_get_type(rest) == CMARK_NODE_PARAGRAPH;
        ok = lead_in_paragraph(r, joined ? rest : NULL);
        if (joined)
            rest = cmark_node_next(rest);
    }
    ok = ok && blocks_from(r, rest, 0);
    cmark_node_free(doc);
    return ok;
}
