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

#include <glib.h>
#include <stdint.h>
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
    xmlSchemaPtr xsd;         /* compiled on first validation */
    bool xsd_failed;
    char **keys;              /* every element name, in first-declared order */
    size_t nkeys;
    GHashTable *key_rank;     /* name (borrowed from keys) -> index + 1 */
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

/* The value of a plain attribute without copying it (borrowed from the
 * tree), or NULL; learn() runs once per schema over every declaration, and
 * copying each name it compares was a third of its time. */
static const char *attr_ref(const xmlNode *n, const char *name)
{
    for (const xmlAttr *a = n->properties; a; a = a->next)
        if (!strcmp((const char *)a->name, name)) {
            if (!a->children)
                return "";
            return !a->children->next && a->children->type == XML_TEXT_NODE ? (const char *)a->children->content : NULL;
        }
    return NULL;
}

/* `types`: top-level complexType name -> node (see schema_new). */
static xmlNodePtr named_complex_type(GHashTable *types, const char *qname)
{
    const char *local = strchr(qname, ':') ? strchr(qname, ':') + 1 : qname;
    return g_hash_table_lookup(types, local);
}

/* A list type is an xs:sequence of exactly one element with
 * maxOccurs="unbounded"; that element's name is the item name (borrowed). */
static const char *list_item_of(xmlNodePtr complex_type)
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
    const char *max = attr_ref(only, "maxOccurs");
    return max && !strcmp(max, "unbounded") ? attr_ref(only, "name") : NULL;
}

static bool push_key(kk_schema *s, const char *name)
{
    if (!push(&s->keys, &s->nkeys, name))
        return false;
    g_hash_table_insert(s->key_rank, s->keys[s->nkeys - 1], GSIZE_TO_POINTER(s->nkeys));
    return true;
}

/* Walks every declaration once; the two lookups it makes per element go
 * through hash tables (a linear scan of the types was 13 M instructions,
 * 3 ms, at every start). */
static bool learn(kk_schema *s, GHashTable *types, xmlNodePtr n, bool top)
{
    for (; n; n = n->next) {
        if (is_xs(n, "element")) {
            const char *name = attr_ref(n, "name");
            if (name) {
                bool ok = g_hash_table_contains(s->key_rank, name) || push_key(s, name);
                if (ok && top && index_of(s->roots, s->nroots, name) < 0)
                    ok = push(&s->roots, &s->nroots, name);
                xmlNodePtr ct = NULL;
                for (xmlNodePtr c = n->children; c && !ct; c = c->next)
                    if (is_xs(c, "complexType"))
                        ct = c;
                const char *type = ct ? NULL : attr_ref(n, "type");
                if (type)
                    ct = named_complex_type(types, type);
                const char *item = list_item_of(ct);
                if (ok && item && index_of(s->list_keys, s->nlists, name) < 0) {
                    size_t n2 = s->nlists;
                    ok = push(&s->list_keys, &s->nlists, name) && push(&s->list_items, &n2, item);
                }
                if (!ok)
                    return false;
            }
        }
        if (n->type == XML_ELEMENT_NODE && !learn(s, types, n->children, false))
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
    if (s->key_rank)
        g_hash_table_destroy(s->key_rank);
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
    /* NOBLANKS: the indentation between elements is no text the schema
     * needs, and a third fewer nodes to parse, learn and compile */
    s->xsd_doc = xmlReadMemory(f->data, (int)f->len, builtin_paths[id], NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    /* Compiling the XSD (most of the cost) waits for the first validation:
     * the built-in styles and locales never need it (see
     * kk_schema_validate).  learn() looks at element nodes only, so it
     * reads the same before the compiler tidies the tree. */
    xmlNodePtr top = s->xsd_doc ? xmlDocGetRootElement(s->xsd_doc) : NULL;
    s->key_rank = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTable *types = g_hash_table_new(g_str_hash, g_str_equal);
    for (xmlNodePtr c = top ? top->children : NULL; c; c = c->next) {
        const char *nm = is_xs(c, "complexType") ? attr_ref(c, "name") : NULL;
        if (nm && !g_hash_table_contains(types, nm))
            g_hash_table_insert(types, (gpointer)nm, c);
    }
    bool learnt = top && learn(s, types, top->children, true);
    g_hash_table_destroy(types);
    if (!learnt) {
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
    size_t rank = GPOINTER_TO_SIZE(g_hash_table_lookup(s->key_rank, key));
    return rank ? (int)rank - 1 : (int)s->nkeys;
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

static void free_names(char **v)
{
    for (size_t i = 0; v && v[i]; i++)
        free(v[i]);
    free(v);
}

/* ---- finding an instance node's declaration in the XSD ----
 * libxml2 does not expose which declaration it matched, so we walk the XSD
 * the same way: the root's global xs:element, then, element by element,
 * the child declaration of that name inside the parent's type. */

static xmlNodePtr global_named(const kk_schema *s, const char *kind, const char *qname)
{
    const char *name = strchr(qname, ':') ? strchr(qname, ':') + 1 : qname;
    for (xmlNodePtr c = xmlDocGetRootElement(s->xsd_doc)->children; c; c = c->next)
        if (is_xs(c, kind)) {
            char *nm = attr(c, "name");
            bool hit = nm && !strcmp(nm, name);
            xmlFree(nm);
            if (hit)
                return c;
        }
    return NULL;
}

/* The type node (complexType or simpleType) of an element declaration, or
 * NULL for a built-in xs: type. */
static xmlNodePtr type_of_decl(const kk_schema *s, xmlNodePtr decl)
{
    if (!decl)
        return NULL;
    for (xmlNodePtr c = decl->children; c; c = c->next)
        if (is_xs(c, "complexType") || is_xs(c, "simpleType"))
            return c;
    char *type = attr(decl, "type");
    xmlNodePtr t = NULL;
    if (type && strncmp(type, "xs:", 3)) {
        t = global_named(s, "complexType", type);
        if (!t)
            t = global_named(s, "simpleType", type);
    }
    xmlFree(type);
    return t;
}

/* Element declarations of a complex type's content, without descending
 * into the inline types of those elements.  Calls fn for each. */
static void each_child_decl(xmlNodePtr n, void (*fn)(xmlNodePtr decl, void *u), void *u)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next) {
        if (is_xs(c, "element"))
            fn(c, u);
        else if (is_xs(c, "all") || is_xs(c, "sequence") || is_xs(c, "choice")
                 || is_xs(c, "complexContent") || is_xs(c, "extension"))
            each_child_decl(c, fn, u);
    }
}

typedef struct find_ctx { const char *name; xmlNodePtr hit; } find_ctx;

static void find_fn(xmlNodePtr decl, void *u)
{
    find_ctx *f = u;
    char *nm = attr(decl, "name");
    if (!f->hit && nm && !strcmp(nm, f->name))
        f->hit = decl;
    xmlFree(nm);
}

static xmlNodePtr decl_of(const kk_schema *s, const xmlNode *node)
{
    if (!node || node->type != XML_ELEMENT_NODE)
        return NULL;
    if (!node->parent || node->parent->type == XML_DOCUMENT_NODE)
        return global_named(s, "element", (const char *)node->name);
    xmlNodePtr ptype = type_of_decl(s, decl_of(s, node->parent));
    find_ctx f = { (const char *)node->name, NULL };
    each_child_decl(ptype, find_fn, &f);
    return f.hit;
}

typedef struct names_ctx { kk_buf *b; const xmlNode *inst; size_t n; bool required_missing; char **v; size_t nv; } names_ctx;

static void names_fn(xmlNodePtr decl, void *u)
{
    names_ctx *c = u;
    char *nm = attr(decl, "name"), *min = attr(decl, "minOccurs");
    bool required = !min || strcmp(min, "0");
    bool present = false;
    for (xmlNodePtr k = c->inst ? c->inst->children : NULL; k && nm; k = k->next)
        present |= k->type == XML_ELEMENT_NODE && !strcmp((const char *)k->name, nm);
    if (nm && (!c->required_missing || (required && !present))) {
        char **v = realloc(c->v, (c->nv + 2) * sizeof *v);
        if (v) {
            c->v = v;
            v[c->nv++] = strdup(nm);
            v[c->nv] = NULL;
        }
    }
    xmlFree(nm);
    xmlFree(min);
}

/* Names declared for the children of `inst` (all of them, or only the
 * required ones it lacks); NULL-terminated, free with free_names. */
static char **child_names(const kk_schema *s, const xmlNode *inst, bool required_missing)
{
    names_ctx c = { .inst = inst, .required_missing = required_missing };
    each_child_decl(type_of_decl(s, decl_of(s, inst)), names_fn, &c);
    return c.v;
}

static char *folded_doc(xmlNodePtr annotated)
{
    for (xmlNodePtr a = annotated ? annotated->children : NULL; a; a = a->next)
        if (is_xs(a, "annotation"))
            for (xmlNodePtr d = a->children; d; d = d->next)
                if (is_xs(d, "documentation")) {
                    char *hint = (char *)xmlNodeGetContent(d), *w = hint;
                    bool space = false;
                    for (char *r = hint; r && *r; r++) {   /* fold indentation */
                        if (*r == ' ' || *r == '\n' || *r == '\t' || *r == '\r') {
                            space = w != hint;
                            continue;
                        }
                        if (space)
                            *w++ = ' ';
                        space = false;
                        *w++ = *r;
                    }
                    if (w)
                        *w = '\0';
                    return hint;
                }
    return NULL;
}

/* The hint sentence for a value of `node`: the documentation of its simple
 * type, else of its declaration. */
static char *value_hint(const kk_schema *s, const xmlNode *node)
{
    xmlNodePtr decl = decl_of(s, node);
    xmlNodePtr t = type_of_decl(s, decl);
    char *hint = t ? folded_doc(t) : NULL;
    return hint ? hint : folded_doc(decl);
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
        const char *kind = (const char *)xmlDocGetRootElement(node->doc)->name;
        char **known = child_names(s, node->parent, false);
        const char *guess = known ? kk_closest(name, (const char *const *)known) : NULL;
        if (!guess && !g_hash_table_contains(s->key_rank, name))
            guess = kk_closest(name, (const char *const *)s->keys);
        bool in_root = node->parent && node->parent->parent && node->parent->parent->type == XML_DOCUMENT_NODE;
        if (guess && strcmp(guess, name))
            kk_source_error_at_key(src, diag, node, "unknown key `%s` in %s; did you mean `%s`?", name, parent, guess);
        else if (g_hash_table_contains(s->key_rank, name) && in_root)
            kk_source_error_at_key(src, diag, node, "`%s` is not used in a %s document; remove it (see docs/format.md)", name, kind);
        else if (g_hash_table_contains(s->key_rank, name))
            kk_source_error_at_key(src, diag, node, "`%s` is not used in the `%s` of a %s document; remove it (see docs/format.md)", name, parent, kind);
        else
            kk_source_error_at_key(src, diag, node, "unknown key `%s` in %s; see docs/format.md for the keys it takes", name, parent);
        free_names(known);
        return;
    }
    if (strstr(msg, "Missing child element")) {
        char **missing = child_names(s, node, true);
        kk_buf b = { 0 };
        for (size_t i = 0; missing && missing[i]; i++)
            kk_buf_addf(&b, "%s`%s`", i ? (missing[i + 1] ? ", " : " and ") : "", missing[i]);
        char *list = kk_buf_take(&b);
        bool one = missing && missing[0] && !missing[1];
        if (kk_schema_item_name(s, name) && !node->children)
            kk_source_error_at_value(src, diag, node, "`%s` is empty: it needs at least one entry", name);
        else if (!missing)
            kk_source_error_at_key(src, diag, node, "`%s` is incomplete; see docs/format.md for its required keys", name);
        else if (is_root)
            kk_error(diag, kk_source_path(src), 1, 1, "a %s document needs %s %s", name, one ? "the key" : "the keys", list ? list : "?");
        else
            kk_source_error_at_key(src, diag, node, "this %s needs %s %s", name, one ? "the key" : "the keys", list ? list : "?");
        free(list);
        free_names(missing);
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
    /* a bad value: the hint comes from the schema's documentation */
    (void)n;
    char *hint = value_hint(s, node);
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

/* The compiled XSD, made on first use; NULL when it does not compile. */
static xmlSchemaPtr compiled(kk_schema *s)
{
    if (!s->xsd && !s->xsd_failed) {
        xmlSchemaParserCtxtPtr pc = xmlSchemaNewDocParserCtxt(s->xsd_doc);
        if (pc) {
            xmlSchemaSetParserStructuredErrors(pc, (xmlStructuredErrorFunc)quiet_handler, NULL);
            s->xsd = xmlSchemaParse(pc);
            xmlSchemaFreeParserCtxt(pc);
        }
        s->xsd_failed = !s->xsd;
    }
    return s->xsd;
}

bool kk_schema_validate(const kk_schema *cs, const kk_source *src, kk_diag *diag)
{
    /* Every kk_schema is one of the cached built-ins, owned here: the
     * const only promises callers that its meaning does not change. */
    kk_schema *s = (kk_schema *)(uintptr_t)cs;
    if (!compiled(s)) {
        kk_sys_error(diag, builtin_paths[s->id], "internal error: the built-in schema does not load");
        return false;
    }
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
