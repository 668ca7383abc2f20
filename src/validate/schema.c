/*
 * schema.c — the built-in XSDs: what the loader learns from them, and XSD
 * errors turned into messages a meeting secretary can act on.
 *
 * libxml2's schema messages are written for XML experts ("Element
 * '{urn:kokous:1}titel': This element is not expected. Expected is one of
 * ...").  We keep its verdict and its node (hence the YAML position) and
 * rewrite the words, taking the hint for a bad value from the
 * xs:documentation of the simple type in the XSD.
 */
#define _POSIX_C_SOURCE 200809L
#include "validate/schema.h"
#include "util/embedded.h"
#include "util/text.h"

#include <stdlib.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#define XS "http://www.w3.org/2001/XMLSchema"

struct kk_schema {
    kk_schema_id id;
    const char *text;
    size_t text_len;
    xmlDocPtr xsd_doc;        /* the XSD as a tree, for lookups */
    xmlSchemaPtr xsd;
    char **keys;              /* every element name, in first-declared order */
    size_t nkeys;
    char **list_keys, **list_items;
    size_t nlists;
    char **roots;
    size_t nroots;
    char *root_list;
};

static const char *const builtin_paths[] = {
    [KK_SCHEMA_DOCUMENT] = "schema/kokous.xsd",
    [KK_SCHEMA_STYLE] = "schema/style.xsd",
    [KK_SCHEMA_LOCALE] = "schema/locale.xsd",
};
static kk_schema *cache[3];

static bool is_xs(const xmlNode *n, const char *local)
{
    return n->type == XML_ELEMENT_NODE && n->ns && !xmlStrcmp(n->ns->href, (const xmlChar *)XS)
           && !xmlStrcmp(n->name, (const xmlChar *)local);
}

static char *attr(const xmlNode *n, const char *name)
{
    return (char *)xmlGetProp(n, (const xmlChar *)name);
}

static bool push(char ***v, size_t *n, const char *s)
{
    /* one spare slot keeps every array NULL-terminated for kk_closest */
    char **nv = realloc(*v, (*n + 2) * sizeof *nv);
    if (!nv)
        return false;
    *v = nv;
    if (!(nv[*n] = strdup(s)))
        return false;
    nv[++*n] = NULL;
    return true;
}

static ptrdiff_t index_of(char *const *v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(v[i], s))
            return (ptrdiff_t)i;
    return -1;
}

static xmlNodePtr named_complex_type(xmlDocPtr doc, const char *qname)
{
    const char *local = strchr(qname, ':') ? strchr(qname, ':') + 1 : qname;
    for (xmlNodePtr c = xmlDocGetRootElement(doc)->children; c; c = c->next)
        if (is_xs(c, "complexType")) {
            char *nm = attr(c, "name");
            bool hit = nm && !strcmp(nm, local);
            xmlFree(nm);
            if (hit)
                return c;
        }
    return NULL;
}

/* A list type is an xs:sequence of exactly one element with
 * maxOccurs="unbounded"; that element's name is the item name. */
static char *list_item_of(xmlNodePtr complex_type)
{
    if (!complex_type)
        return NULL;
    xmlNodePtr seq = NULL;
    for (xmlNodePtr c = complex_type->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !is_xs(c, "annotation")) {
            if (seq || !is_xs(c, "sequence"))
                return NULL;
            seq = c;
        }
    if (!seq)
        return NULL;
    xmlNodePtr only = NULL;
    for (xmlNodePtr c = seq->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !is_xs(c, "annotation")) {
            if (only || !is_xs(c, "element"))
                return NULL;
            only = c;
        }
    if (!only)
        return NULL;
    char *max = attr(only, "maxOccurs");
    bool unbounded = max && !strcmp(max, "unbounded");
    xmlFree(max);
    return unbounded ? attr(only, "name") : NULL;
}

static bool learn(kk_schema *s, xmlNodePtr n, bool top)
{
    for (; n; n = n->next) {
        if (is_xs(n, "element")) {
            char *name = attr(n, "name");
            if (name) {
                bool ok = index_of(s->keys, s->nkeys, name) >= 0 || push(&s->keys, &s->nkeys, name);
                if (ok && top && index_of(s->roots, s->nroots, name) < 0)
                    ok = push(&s->roots, &s->nroots, name);
                xmlNodePtr ct = NULL;
                for (xmlNodePtr c = n->children; c && !ct; c = c->next)
                    if (is_xs(c, "complexType"))
                        ct = c;
                char *type = ct ? NULL : attr(n, "type");
                if (type)
                    ct = named_complex_type(s->xsd_doc, type);
                char *item = list_item_of(ct);
                if (ok && item && index_of(s->list_keys, s->nlists, name) < 0) {
                    size_t n2 = s->nlists;
                    ok = push(&s->list_keys, &s->nlists, name) && push(&s->list_items, &n2, item);
                }
                xmlFree(item);
                xmlFree(type);
                xmlFree(name);
                if (!ok)
                    return false;
            }
        }
        if (n->type == XML_ELEMENT_NODE && !learn(s, n->children, false))
            return false;
    }
    return true;
}

static void schema_free(kk_schema *s)
{
    if (!s)
        return;
    if (s->xsd)
        xmlSchemaFree(s->xsd);
    if (s->xsd_doc)
        xmlFreeDoc(s->xsd_doc);
    for (size_t i = 0; i < s->nkeys; i++)
        free(s->keys[i]);
    for (size_t i = 0; i < s->nlists; i++) {
        free(s->list_keys[i]);
        free(s->list_items[i]);
    }
    for (size_t i = 0; i < s->nroots; i++)
        free(s->roots[i]);
    free(s->keys);
    free(s->list_keys);
    free(s->list_items);
    free(s->roots);
    free(s->root_list);
    free(s);
}

static void quiet_handler(void *ctx, const xmlError *err)
{
    (void)ctx;
    (void)err;
}

static kk_schema *schema_new(kk_schema_id id, kk_diag *diag)
{
    const kk_embedded_file *f = kk_embedded_find(builtin_paths[id]);
    if (!f) {
        kk_sys_error(diag, builtin_paths[id], "internal error: this schema is not built into kokous");
        return NULL;
    }
    kk_schema *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->id = id;
    s->text = f->data;
    s->text_len = f->len;
    s->xsd_doc = xmlReadMemory(f->data, (int)f->len, builtin_paths[id], NULL, XML_PARSE_NONET);
    xmlSchemaParserCtxtPtr pc = s->xsd_doc ? xmlSchemaNewDocParserCtxt(s->xsd_doc) : NULL;
    if (pc) {
        xmlSchemaSetParserStructuredErrors(pc, (xmlStructuredErrorFunc)quiet_handler, NULL);
        s->xsd = xmlSchemaParse(pc);
        xmlSchemaFreeParserCtxt(pc);
    }
    if (!s->xsd || !learn(s, xmlDocGetRootElement(s->xsd_doc)->children, true)) {
        kk_sys_error(diag, builtin_paths[id], "internal error: the built-in schema does not load");
        schema_free(s);
        return NULL;
    }
    kk_buf b = { 0 };
    for (size_t i = 0; i < s->nroots; i++)
        kk_buf_addf(&b, "%s%s", i ? (i + 1 == s->nroots ? " or " : ", ") : "", s->roots[i]);
    s->root_list = kk_buf_take(&b);
    return s;
}

const kk_schema *kk_schema_builtin(kk_schema_id id, kk_diag *diag)
{
    if (!cache[id])
        cache[id] = schema_new(id, diag);
    return cache[id];
}

void kk_schema_cleanup(void)
{
    for (size_t i = 0; i < sizeof cache / sizeof *cache; i++) {
        schema_free(cache[i]);
        cache[i] = NULL;
    }
}

const char *kk_schema_builtin_text(kk_schema_id id, size_t *len)
{
    const kk_embedded_file *f = kk_embedded_find(builtin_paths[id]);
    if (len)
        *len = f ? f->len : 0;
    return f ? f->data : NULL;
}

const char *kk_schema_item_name(const kk_schema *s, const char *key)
{
    if (!s)
        return NULL;
    ptrdiff_t i = index_of(s->list_keys, s->nlists, key);
    return i < 0 ? NULL : s->list_items[i];
}

int kk_schema_key_rank(const kk_schema *s, const char *key)
{
    ptrdiff_t i = index_of(s->keys, s->nkeys, key);
    return i < 0 ? (int)s->nkeys : (int)i;
}

bool kk_schema_is_root(const kk_schema *s, const char *name)
{
    return index_of(s->roots, s->nroots, name) >= 0;
}

const char *kk_schema_root_list(const kk_schema *s) { return s->root_list; }

/* ---- XSD errors, rewritten ---- */

typedef struct raw_error {
    xmlNodePtr node;
    int code;
    char *message;
} raw_error;

typedef struct collector {
    raw_error *v;
    size_t n, cap;
} collector;

static void collect(void *ctx, const xmlError *err)
{
    collector *c = ctx;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 8;
        raw_error *v = realloc(c->v, cap * sizeof *v);
        if (!v)
            return;
        c->v = v;
        c->cap = cap;
    }
    c->v[c->n++] = (raw_error){ err->node, err->code, err->message ? strdup(err->message) : NULL };
}

/* "{urn:kokous:1}title, {urn:kokous:1}date" -> NULL-terminated names. */
static char **expected_names(const char *msg)
{
    const char *p = strstr(msg, "Expected is");
    if (!p || !(p = strchr(p, '(')))
        return NULL;
    const char *end = strchr(p, ')');
    if (!end)
        return NULL;
    char **v = NULL;
    size_t n = 0;
    for (const char *q = p + 1; q < end;) {
        while (q < end && (*q == ' ' || *q == ','))
            q++;
        const char *brace = memchr(q, '}', (size_t)(end - q));
        const char *start = brace ? brace + 1 : q;
        const char *stop = start;
        while (stop < end && *stop != ',' && *stop != ' ')
            stop++;
        if (stop > start) {
            char *name = strndup(start, (size_t)(stop - start));
            char **nv = realloc(v, (n + 2) * sizeof *nv);
            if (!name || !nv) {
                free(name);
                free(nv ? nv : v);
                return NULL;
            }
            v = nv;
            v[n++] = name;
            v[n] = NULL;
        }
        q = stop;
    }
    return v;
}

static void free_names(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

/* The hint sentence of the simple type named in a libxml2 message such as
 * "... is not a valid value of the atomic type 'dateType'". */
static char *type_hint(const kk_schema *s, const char *msg, const xmlNode *node)
{
    const char *t = strstr(msg, "type '");
    xmlXPathContextPtr xp = xmlXPathNewContext(s->xsd_doc);
    if (!xp)
        return NULL;
    xmlXPathRegisterNs(xp, (const xmlChar *)"xs", (const xmlChar *)XS);
    char expr[512];
    if (t) {
        t += 6;
        if (!strncmp(t, "{" XS "}", strlen(XS) + 2) || !strncmp(t, "xs:", 3))
            t = NULL;                   /* a built-in type: no hint of ours */
        else if (*t == '{' && strchr(t, '}'))
            t = strchr(t, '}') + 1;     /* {urn:kokous:1}dateType */
    }
    if (t) {
        const char *e = strchr(t, '\'');
        snprintf(expr, sizeof expr, "//xs:simpleType[@name='%.*s']/xs:annotation/xs:documentation",
                 e ? (int)(e - t) : 0, t);
    } else {
        /* a local type: the documentation inside the element declaration */
        snprintf(expr, sizeof expr,
                 "//xs:element[@name='%.100s']//xs:documentation | //xs:element[@name='%.100s']/@type",
                 (const char *)node->name, (const char *)node->name);
    }
    xmlXPathObjectPtr r = xmlXPathEvalExpression((const xmlChar *)expr, xp);
    char *hint = NULL;
    if (r && r->nodesetval && r->nodesetval->nodeNr > 0) {
        xmlNodePtr h = r->nodesetval->nodeTab[0];
        if (h->type == XML_ATTRIBUTE_NODE) {
            /* the element has a named type: look its documentation up */
            xmlChar *tn = xmlNodeGetContent(h);
            const char *local = tn && strchr((char *)tn, ':') ? strchr((char *)tn, ':') + 1 : (char *)tn;
            if (tn && strncmp((char *)tn, "xs:", 3)) {
                snprintf(expr, sizeof expr, "//xs:simpleType[@name='%.200s']/xs:annotation/xs:documentation", local);
                xmlXPathObjectPtr r2 = xmlXPathEvalExpression((const xmlChar *)expr, xp);
                if (r2 && r2->nodesetval && r2->nodesetval->nodeNr > 0)
                    hint = (char *)xmlNodeGetContent(r2->nodesetval->nodeTab[0]);
                xmlXPathFreeObject(r2);
            }
            xmlFree(tn);
        } else {
            hint = (char *)xmlNodeGetContent(h);
        }
    }
    xmlXPathFreeObject(r);
    xmlXPathFreeContext(xp);
    if (hint) {
        /* documentation is indented XML text: fold it to one line */
        char *w = hint;
        bool space = false;
        for (char *r2 = hint; *r2; r2++) {
            bool ws = *r2 == ' ' || *r2 == '\n' || *r2 == '\t' || *r2 == '\r';
            if (ws) {
                space = w != hint;
                continue;
            }
            if (space)
                *w++ = ' ';
            space = false;
            *w++ = *r2;
        }
        *w = '\0';
    }
    return hint;
}

/* What to call the block a key stands in, for messages. */
static const char *where_name(const xmlNode *n)
{
    return n ? (const char *)n->name : "document";
}

static void report_node_errors(const kk_schema *s, const kk_source *src, kk_diag *diag,
                               raw_error *errs, size_t n)
{
    const raw_error *first = &errs[0];
    const xmlNode *node = first->node;
    const char *msg = first->message ? first->message : "";
    const char *name = (const char *)node->name;
    bool is_root = node->parent && node->parent->type == XML_DOCUMENT_NODE;

    if (strstr(msg, "This element is not expected")) {
        const char *parent = where_name(node->parent);
        char **expected = expected_names(msg);
        const char *guess = NULL;
        if (expected)
            guess = kk_closest(name, (const char *const *)expected);
        if (guess)
            kk_source_error_at_key(src, diag, node, "unknown key `%s` in %s; did you mean `%s`?", name, parent, guess);
        else if (index_of(s->keys, s->nkeys, name) >= 0)
            kk_source_error_at_key(src, diag, node, "`%s` is not used in %s%s; remove it or move it where it belongs (see docs/format.md)",
                                   name, parent, is_root ? "" : "");
        else {
            const char *g2 = kk_closest(name, (const char *const *)s->keys);
            if (g2)
                kk_source_error_at_key(src, diag, node, "unknown key `%s` in %s; did you mean `%s`?", name, parent, g2);
            else
                kk_source_error_at_key(src, diag, node, "unknown key `%s` in %s; the keys of %s are listed in docs/format.md", name, parent, parent);
        }
        free_names(expected);
        return;
    }
    if (strstr(msg, "Missing child element")) {
        char **expected = expected_names(msg);
        kk_buf b = { 0 };
        for (size_t i = 0; expected && expected[i]; i++)
            kk_buf_addf(&b, "%s`%s`", i ? (expected[i + 1] ? ", " : " and ") : "", expected[i]);
        char *list = kk_buf_take(&b);
        bool one = expected && expected[0] && !expected[1];
        if (is_root)
            kk_error(diag, kk_source_path(src), 1, 1, "a %s document needs %s%s", name,
                     one ? "the key " : "one of the keys ", list ? list : "?");
        else
            kk_source_error_at_key(src, diag, node, "%s `%s` needs %s%s", node->parent && kk_schema_item_name(s, (const char *)node->parent->name) ? "this" : "the block", name,
                                   one ? "the key " : "one of the keys ", list ? list : "?");
        free(list);
        free_names(expected);
        return;
    }
    if (strstr(msg, "Element content is not allowed")) {
        kk_source_error_at_value(src, diag, node, "`%s` takes a single value, not a list or a block of keys", name);
        return;
    }
    if (strstr(msg, "Character content other than whitespace") || strstr(msg, "element-only")) {
        const char *item = kk_schema_item_name(s, name);
        if (item)
            kk_source_error_at_value(src, diag, node, "`%s` is a list: write each entry on its own line starting with \"- \"", name);
        else
            kk_source_error_at_value(src, diag, node, "`%s` is a block of keys, not a single value (see docs/format.md)", name);
        return;
    }
    /* a bad value: find the message that names the type, for the hint */
    const char *typed = msg;
    for (size_t i = 0; i < n; i++)
        if (errs[i].message && strstr(errs[i].message, "type '"))
            typed = errs[i].message;
    char *hint = type_hint(s, typed, node);
    xmlChar *value = xmlNodeGetContent(node);
    if (!value || !*value)
        kk_source_error_at_value(src, diag, node, "`%s` is empty. %s", name, hint ? hint : "Give it a value.");
    else {
        char shown[80];
        snprintf(shown, sizeof shown, "%s", (const char *)value);
        for (char *c = shown; *c; c++)
            if (*c == '\n')
                *c = ' ';
        kk_source_error_at_value(src, diag, node, "`%s`: \"%s%s\" is not a valid value. %s", name, shown,
                                 strlen((const char *)value) >= sizeof shown ? "..." : "",
                                 hint ? hint : "See docs/format.md for how to write it.");
    }
    xmlFree(value);
    xmlFree(hint);
}

bool kk_schema_validate(const kk_schema *s, const kk_source *src, kk_diag *diag)
{
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(s->xsd);
    if (!vc) {
        kk_sys_error(diag, kk_source_path(src), "out of memory");
        return false;
    }
    collector c = { 0 };
    xmlSchemaSetValidStructuredErrors(vc, (xmlStructuredErrorFunc)collect, &c);
    int rc = xmlSchemaValidateDoc(vc, kk_source_doc(src));
    xmlSchemaFreeValidCtxt(vc);
    /* one message per node: libxml2 often says the same thing twice
     * (facet, then type) */
    for (size_t i = 0; i < c.n;) {
        size_t j = i + 1;
        while (j < c.n && c.v[j].node == c.v[i].node)
            j++;
        if (c.v[i].node)
            report_node_errors(s, src, diag, &c.v[i], j - i);
        else
            kk_error(diag, kk_source_path(src), 1, 1, "%s", c.v[i].message ? c.v[i].message : "invalid document");
        i = j;
    }
    for (size_t i = 0; i < c.n; i++)
        free(c.v[i].message);
    free(c.v);
    if (rc != 0 && c.n == 0)
        kk_error(diag, kk_source_path(src), 1, 1, "the document does not match the schema");
    return rc == 0;
}
