/*
 * load.c — YAML (libyaml events) -> libxml2 tree with YAML positions.
 * See load.h for the mapping rules and what is refused.
 */
#define _POSIX_C_SOURCE 200809L
#include "load/load.h"
#include "validate/schema.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

/* Limits that keep hostile input cheap: a meeting document is a few kB. */
#define KK_MAX_FILE_BYTES (4u << 20)
#define KK_MAX_DEPTH 32
#define KK_MAX_NODES 200000
#define KK_MAX_ALIAS_NODES 10000

/* Per-element YAML facts, hung on xmlNode._private. */
typedef struct node_info {
    kk_pos key, value;
    yaml_scalar_style_t style;   /* of a scalar value */
    bool list;                   /* the value is a sequence */
} node_info;

struct kk_source {
    char *path;
    xmlDocPtr doc;
    char *text;          /* the raw YAML, to find block-scalar indentation */
    size_t text_len;
    node_info **infos;   /* every node_info, for freeing */
    size_t ninfos, capinfos;
};

typedef struct anchor {
    char *name;
    xmlNodePtr value;    /* the element holding the anchored value */
    size_t nodes;        /* its size, charged against the alias budget */
} anchor;

typedef struct loader {
    kk_source *src;
    const kk_schema *schema;
    kk_diag *diag;
    yaml_parser_t parser;
    yaml_event_t ev;
    bool have_ev;
    bool failed;
    size_t nodes, alias_nodes;
    anchor *anchors;
    size_t nanchors, capanchors;
} loader;

/* ---- small helpers ---- */

static kk_pos mark_pos(yaml_mark_t m)
{
    return (kk_pos){ (unsigned)m.line + 1, (unsigned)m.column + 1 };
}

static void fail_at(loader *L, kk_pos p, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail_at(loader *L, kk_pos p, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (!L->failed)
        kk_error(L->diag, L->src->path, p.line, p.col, "%s", buf);
    L->failed = true;
}

static node_info *attach_info(loader *L, xmlNodePtr n, kk_pos key, kk_pos value,
                              yaml_scalar_style_t style)
{
    kk_source *s = L->src;
    if (s->ninfos == s->capinfos) {
        size_t cap = s->capinfos ? s->capinfos * 2 : 64;
        node_info **v = realloc(s->infos, cap * sizeof *v);
        if (!v)
            return NULL;
        s->infos = v;
        s->capinfos = cap;
    }
    node_info *ni = malloc(sizeof *ni);
    if (!ni)
        return NULL;
    *ni = (node_info){ key, value, style, false };
    s->infos[s->ninfos++] = ni;
    n->_private = ni;
    return ni;
}

/* libyaml reports an unclosed quote where the quoted text finally ends,
 * often many lines later.  The line to fix is the last one before the
 * error with an odd number of double quotes (outside comments). */
static unsigned unclosed_quote_line(const char *text, size_t error_line)
{
    unsigned line = 1, found = 0, quotes = 0;
    bool comment = false;
    for (const char *c = text; *c && line <= error_line; c++) {
        if (*c == '\n') {
            if (quotes % 2)
                found = line;
            line++;
            quotes = 0;
            comment = false;
        } else if (*c == '#' && (c == text || c[-1] == ' ' || c[-1] == '\n') && quotes % 2 == 0) {
            comment = true;
        } else if (*c == '"' && !comment && (c == text || c[-1] != '\\')) {
            quotes++;
        }
    }
    return found;
}

static bool next_event(loader *L)
{
    if (L->have_ev)
        yaml_event_delete(&L->ev);
    L->have_ev = false;
    if (!yaml_parser_parse(&L->parser, &L->ev)) {
        yaml_parser_t *P = &L->parser;
        kk_pos p = mark_pos(P->problem_mark);
        const char *problem = P->problem ? P->problem : "unreadable YAML";
        size_t off = P->problem_mark.index;
        bool tab = off < L->src->text_len && L->src->text[off] == '\t';
        if (P->error == YAML_READER_ERROR) {
            p = (kk_pos){ 0, 0 };
            /* The reader reports a byte offset only: turn it into line:col. */
            unsigned line = 1, col = 1;
            for (size_t i = 0; i < P->problem_offset && i < L->src->text_len; i++) {
                if (L->src->text[i] == '\n') { line++; col = 1; }
                else if (((unsigned char)L->src->text[i] & 0xC0) != 0x80) col++;
            }
            p = (kk_pos){ line, col };
            fail_at(L, p, "the file is not valid UTF-8 text (%s); save it as UTF-8", problem);
        } else if (tab || strstr(problem, "tab character")) {
            fail_at(L, p, "a tab character is used for indentation; YAML indents with spaces only: replace the tab with spaces");
        } else if (strstr(problem, "mapping values are not allowed")) {
            fail_at(L, p, "a colon followed by a space (\": \") inside a value starts a new key; put the whole value in quotes");
        } else if (unclosed_quote_line(L->src->text, P->problem_mark.line)) {
            unsigned q = unclosed_quote_line(L->src->text, P->problem_mark.line);
            fail_at(L, (kk_pos){ q, 1 }, "a quote opened on this line is not closed; close it with the same quote character");
        } else if (P->context) {
            fail_at(L, p, "YAML syntax error: %s %s (context at line %u); check the indentation and that text containing \": \" or starting with a special character is in quotes",
                    problem, P->context, (unsigned)P->context_mark.line + 1);
        } else {
            fail_at(L, p, "YAML syntax error: %s; check the indentation and quoting", problem);
        }
        return false;
    }
    L->have_ev = true;
    return true;
}

static bool is_null_scalar(const yaml_event_t *e)
{
    if (e->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *v = (const char *)e->data.scalar.value;
    return !*v || !strcmp(v, "~") || !strcmp(v, "null") || !strcmp(v, "Null") || !strcmp(v, "NULL");
}

/* Keys become element names, so they must be XML names: we accept the
 * spec's snake_case only, which also keeps "did you mean" meaningful. */
static bool valid_key(const char *k)
{
    if (!(*k >= 'a' && *k <= 'z') && *k != '_')
        return false;
    for (const char *c = k + 1; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
            return false;
    return strlen(k) <= 64;
}

static size_t count_nodes(xmlNodePtr n)
{
    size_t c = 1;
    for (xmlNodePtr k = n->children; k; k = k->next)
        c += count_nodes(k);
    return c;
}

static const anchor *find_anchor(loader *L, const char *name)
{
    for (size_t i = L->nanchors; i-- > 0;)
        if (!strcmp(L->anchors[i].name, name))
            return &L->anchors[i];
    return NULL;
}

static void remember_anchor(loader *L, const char *name, xmlNodePtr value)
{
    if (L->nanchors == L->capanchors) {
        size_t cap = L->capanchors ? L->capanchors * 2 : 8;
        anchor *v = realloc(L->anchors, cap * sizeof *v);
        if (!v)
            return;
        L->anchors = v;
        L->capanchors = cap;
    }
    char *copy = strdup(name);
    if (!copy)
        return;
    L->anchors[L->nanchors++] = (anchor){ copy, value, count_nodes(value) };
}

/* Copy infos of a subtree copied by an alias: positions point at the
 * anchored original, which is where a fix has to be made anyway. */
static void copy_infos(loader *L, xmlNodePtr from, xmlNodePtr to)
{
    for (; from && to; from = from->next, to = to->next) {
        if (from->type == XML_ELEMENT_NODE && from->_private) {
            node_info *ni = from->_private, *copy = attach_info(L, to, ni->key, ni->value, ni->style);
            if (copy)
                copy->list = ni->list;
        }
        copy_infos(L, from->children, to->children);
    }
}

static bool parse_value(loader *L, xmlNodePtr elem, const char *key, int depth);

/* The event just read is a scalar, sequence or mapping start (or alias):
 * make it the content of `elem`, whose name is the key it belongs to. */
static bool parse_value(loader *L, xmlNodePtr elem, const char *key, int depth)
{
    yaml_event_t *e = &L->ev;
    kk_pos vpos = mark_pos(e->start_mark);
    if (depth > KK_MAX_DEPTH) {
        fail_at(L, vpos, "the document is nested more than %d levels deep; flatten it", KK_MAX_DEPTH);
        return false;
    }
    if (++L->nodes > KK_MAX_NODES) {
        fail_at(L, vpos, "the document has more than %d values; split it", KK_MAX_NODES);
        return false;
    }
    node_info *ni = elem->_private;
    if (ni)
        ni->value = vpos;

    if (e->type == YAML_ALIAS_EVENT) {
        const anchor *a = find_anchor(L, (const char *)e->data.alias.anchor);
        if (!a) {
            fail_at(L, vpos, "alias *%s refers to no anchor &%s defined before it", e->data.alias.anchor, e->data.alias.anchor);
            return false;
        }
        L->alias_nodes += a->nodes;
        if (L->alias_nodes > KK_MAX_ALIAS_NODES) {
            fail_at(L, vpos, "aliases expand to more than %d values (a \"billion laughs\" file?); write the values out instead of using *aliases", KK_MAX_ALIAS_NODES);
            return false;
        }
        const node_info *ai = a->value->_private;
        const char *item = NULL;
        if (ai && ai->list) {
            /* a list reused under another key takes that key's item name */
            item = key ? kk_schema_item_name(L->schema, key) : NULL;
            if (!item)
                item = "entry";
        }
        if (ni && ai) {
            ni->style = ai->style;
            ni->list = ai->list;
        }
        for (xmlNodePtr c = a->value->children; c; c = c->next) {
            xmlNodePtr copy = xmlDocCopyNode(c, L->src->doc, 1);
            if (!copy) {
                fail_at(L, vpos, "out of memory");
                return false;
            }
            xmlAddChild(elem, copy);
            copy_infos(L, c->children, copy->children);
            if (c->type == XML_ELEMENT_NODE && c->_private) {
                node_info *ci = c->_private, *cc = attach_info(L, copy, ci->key, ci->value, ci->style);
                if (cc)
                    cc->list = ci->list;
            }
            if (item && copy->type == XML_ELEMENT_NODE)
                xmlNodeSetName(copy, (const xmlChar *)item);
        }
        return true;
    }

    char *anchor_name = NULL;
    if (e->type == YAML_SCALAR_EVENT && e->data.scalar.anchor)
        anchor_name = strdup((const char *)e->data.scalar.anchor);
    else if (e->type == YAML_SEQUENCE_START_EVENT && e->data.sequence_start.anchor)
        anchor_name = strdup((const char *)e->data.sequence_start.anchor);
    else if (e->type == YAML_MAPPING_START_EVENT && e->data.mapping_start.anchor)
        anchor_name = strdup((const char *)e->data.mapping_start.anchor);

    bool ok = true;
    if (e->type == YAML_SCALAR_EVENT) {
        if (ni)
            ni->style = e->data.scalar.style;
        if (!is_null_scalar(e))
            xmlNodeAddContentLen(elem, e->data.scalar.value, (int)e->data.scalar.length);
    } else if (e->type == YAML_SEQUENCE_START_EVENT) {
        const char *item = key ? kk_schema_item_name(L->schema, key) : NULL;
        if (!item)
            item = "entry";
        if (ni)
            ni->list = true;
        for (;;) {
            if (!next_event(L)) { ok = false; break; }
            if (L->ev.type == YAML_SEQUENCE_END_EVENT)
                break;
            xmlNodePtr child = xmlNewChild(elem, NULL, (const xmlChar *)item, NULL);
            kk_pos p = mark_pos(L->ev.start_mark);
            if (!child || !attach_info(L, child, p, p, YAML_ANY_SCALAR_STYLE)) {
                fail_at(L, p, "out of memory");
                ok = false;
                break;
            }
            if (!parse_value(L, child, NULL, depth + 1)) { ok = false; break; }
        }
    } else if (e->type == YAML_MAPPING_START_EVENT) {
        for (;;) {
            if (!next_event(L)) { ok = false; break; }
            if (L->ev.type == YAML_MAPPING_END_EVENT)
                break;
            kk_pos kpos = mark_pos(L->ev.start_mark);
            if (L->ev.type != YAML_SCALAR_EVENT) {
                fail_at(L, kpos, "a key must be a plain word such as `title`, not a list or a block");
                ok = false;
                break;
            }
            const char *k = (const char *)L->ev.data.scalar.value;
            if (!valid_key(k)) {
                fail_at(L, kpos, "unknown key \"%s\": keys are lowercase English words joined with _ (for example meeting_number), as listed in docs/format.md", k);
                ok = false;
                break;
            }
            for (xmlNodePtr c = elem->children; c; c = c->next) {
                if (c->type == XML_ELEMENT_NODE && !xmlStrcmp(c->name, (const xmlChar *)k)) {
                    kk_pos first = ((node_info *)c->_private)->key;
                    fail_at(L, kpos, "key `%s` appears twice in the same block (first at line %u); keep one", k, first.line);
                    ok = false;
                    break;
                }
            }
            if (!ok)
                break;
            xmlNodePtr child = xmlNewChild(elem, NULL, L->ev.data.scalar.value, NULL);
            if (!child || !attach_info(L, child, kpos, kpos, YAML_ANY_SCALAR_STYLE)) {
                fail_at(L, kpos, "out of memory");
                ok = false;
                break;
            }
            char *keycopy = strdup(k);
            if (!keycopy || !next_event(L)) {
                free(keycopy);
                ok = false;
                break;
            }
            ok = parse_value(L, child, keycopy, depth + 1);
            free(keycopy);
            if (!ok)
                break;
        }
    }
    if (ok && anchor_name)
        remember_anchor(L, anchor_name, elem);
    free(anchor_name);
    return ok;
}

/* Sort the element children of every mapping into the schema's key order
 * (stable: equal ranks keep their YAML order), so that the canonical XML
 * does not depend on how the user ordered the keys. */
static void canonical_order(const kk_schema *schema, xmlNodePtr elem)
{
    if (!schema)
        return;
    size_t n = 0;
    for (xmlNodePtr c = elem->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE) {
            canonical_order(schema, c);
            n++;
        }
    if (n < 2)
        return;
    xmlNodePtr *v = malloc(n * sizeof *v);
    int *rank = malloc(n * sizeof *rank);
    if (!v || !rank) {
        free(v);
        free(rank);
        return;
    }
    size_t i = 0;
    for (xmlNodePtr c = elem->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE) {
            rank[i] = kk_schema_key_rank(schema, (const char *)c->name);
            v[i++] = c;
        }
    /* insertion sort: mappings are small, and it is stable */
    for (size_t a = 1; a < n; a++)
        for (size_t b = a; b > 0 && rank[b - 1] > rank[b]; b--) {
            int tr = rank[b]; rank[b] = rank[b - 1]; rank[b - 1] = tr;
            xmlNodePtr tn = v[b]; v[b] = v[b - 1]; v[b - 1] = tn;
        }
    for (i = 0; i < n; i++) {
        xmlUnlinkNode(v[i]);
        xmlAddChild(elem, v[i]);
    }
    free(v);
    free(rank);
}

static bool check_bytes(loader *L, const char *data, size_t len)
{
    unsigned line = 1, col = 1;
    for (size_t i = 0; i < len; i++) {
        if (data[i] == '\0') {
            fail_at(L, (kk_pos){ line, col }, "the file contains a NUL byte; it is not a text file (save it as UTF-8 text)");
            return false;
        }
        if (data[i] == '\n') { line++; col = 1; }
        else if (((unsigned char)data[i] & 0xC0) != 0x80) col++;
    }
    return true;
}

/* The root mapping: find `kind` first when the root name comes from it. */
static bool parse_root(loader *L, const char *root_name)
{
    if (!next_event(L) || !next_event(L))   /* stream start, document start */
        return false;
    if (L->ev.type == YAML_STREAM_END_EVENT) {
        fail_at(L, (kk_pos){ 1, 1 }, "the file is empty; a document starts with `kind:`");
        return false;
    }
    if (!next_event(L))
        return false;
    if (L->ev.type != YAML_MAPPING_START_EVENT) {
        fail_at(L, mark_pos(L->ev.start_mark), "a document is a block of `key: value` lines, starting with `kind:`");
        return false;
    }
    xmlNodePtr root = xmlNewDocNode(L->src->doc, NULL, (const xmlChar *)(root_name ? root_name : "document"), NULL);
    if (!root)
        return false;
    xmlDocSetRootElement(L->src->doc, root);
    xmlNsPtr ns = xmlNewNs(root, (const xmlChar *)KK_NS, NULL);
    xmlSetNs(root, ns);
    kk_pos rpos = mark_pos(L->ev.start_mark);
    attach_info(L, root, rpos, rpos, YAML_ANY_SCALAR_STYLE);
    if (!parse_value(L, root, NULL, 0))
        return false;
    /* the rest of the stream: exactly document end, stream end */
    if (!next_event(L))
        return false;
    if (!next_event(L))
        return false;
    if (L->ev.type == YAML_DOCUMENT_START_EVENT) {
        fail_at(L, mark_pos(L->ev.start_mark), "a second YAML document starts here; a file holds one document: move it to a file of its own");
        return false;
    }
    if (root_name)
        return true;
    /* documents: the root is named by `kind`, which is not kept as a child */
    xmlNodePtr kind = NULL;
    for (xmlNodePtr c = root->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !xmlStrcmp(c->name, (const xmlChar *)"kind"))
            kind = c;
    if (!kind) {
        fail_at(L, rpos, "missing `kind`: start the document with `kind: agenda`, `minutes`, `memo`, `notice` or `newsletter`");
        return false;
    }
    xmlChar *k = xmlNodeGetContent(kind);
    node_info *ki = kind->_private;
    bool ok = k && kind->children && kind->children->type == XML_TEXT_NODE && !kind->children->next
              && (!L->schema || kk_schema_is_root(L->schema, (const char *)k));
    if (!ok && (!kind->children || kind->children->type != XML_TEXT_NODE || kind->children->next))
        fail_at(L, ki->value, "`kind` takes one word: agenda, minutes, memo, notice or newsletter");
    else if (!ok)
        fail_at(L, ki->value, "`kind` must be one of %s%s%s%s",
                L->schema ? kk_schema_root_list(L->schema) : "agenda, minutes, memo, notice, newsletter",
                k && *k ? " (not \"" : "", k && *k ? (const char *)k : "", k && *k ? "\")" : "");
    else {
        xmlNodeSetName(root, k);
        xmlUnlinkNode(kind);
        xmlFreeNode(kind);   /* its node_info stays in the free list */
    }
    xmlFree(k);
    return ok;
}

kk_source *kk_source_load_buffer(const char *name, const char *data, size_t len,
                                 const char *root_name, const kk_schema *schema,
                                 kk_diag *diag)
{
    kk_source *src = calloc(1, sizeof *src);
    if (!src || !(src->path = strdup(name)) || !(src->text = malloc(len + 1))) {
        kk_sys_error(diag, name, "out of memory");
        kk_source_free(src);
        return NULL;
    }
    memcpy(src->text, data, len);
    src->text[len] = '\0';
    src->text_len = len;
    loader L = { .src = src, .schema = schema, .diag = diag };
    if (len > KK_MAX_FILE_BYTES) {
        fail_at(&L, (kk_pos){ 1, 1 }, "the file is %zu bytes; a document may be at most %u MiB: split it", len, KK_MAX_FILE_BYTES >> 20);
        kk_source_free(src);
        return NULL;
    }
    if (!check_bytes(&L, data, len)) {
        kk_source_free(src);
        return NULL;
    }
    src->doc = xmlNewDoc((const xmlChar *)"1.0");
    if (!src->doc || !yaml_parser_initialize(&L.parser)) {
        kk_sys_error(diag, name, "out of memory");
        xmlFreeDoc(src->doc);
        src->doc = NULL;
        kk_source_free(src);
        return NULL;
    }
    yaml_parser_set_input_string(&L.parser, (const unsigned char *)src->text, len);
    bool ok = parse_root(&L, root_name);
    if (L.have_ev)
        yaml_event_delete(&L.ev);
    yaml_parser_delete(&L.parser);
    for (size_t i = 0; i < L.nanchors; i++)
        free(L.anchors[i].name);
    free(L.anchors);
    if (!ok || L.failed) {
        if (!L.failed)
            kk_error(diag, name, 1, 1, "the file could not be read as a YAML document");
        kk_source_free(src);
        return NULL;
    }
    canonical_order(schema, xmlDocGetRootElement(src->doc));
    return src;
}

kk_source *kk_source_load(const char *path, const char *root_name,
                          const kk_schema *schema, kk_diag *diag)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        kk_sys_error(diag, path, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    bool known = fstat(fileno(f), &st) == 0;
    if (known && S_ISDIR(st.st_mode)) {
        fclose(f);
        kk_sys_error(diag, path, "is a folder, not a file");
        return NULL;
    }
    /* Read at most one byte past the limit: enough to refuse a 100 MB file
     * without reading it all. */
    size_t cap = KK_MAX_FILE_BYTES + 1, len = 0;
    if (known && st.st_size >= 0 && (size_t)st.st_size < cap)
        cap = (size_t)st.st_size + 1;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        kk_sys_error(diag, path, "out of memory");
        return NULL;
    }
    size_t got;
    while (len < cap && (got = fread(buf + len, 1, cap - len, f)) > 0)
        len += got;
    bool err = ferror(f);
    fclose(f);
    if (err) {
        free(buf);
        kk_sys_error(diag, path, "cannot read: %s", strerror(errno));
        return NULL;
    }
    if (len > KK_MAX_FILE_BYTES && st.st_size > 0)
        len = (size_t)st.st_size > len ? (size_t)st.st_size : len;
    kk_source *src;
    if (len > KK_MAX_FILE_BYTES) {
        kk_error(diag, path, 1, 1, "the file is %zu bytes; a document may be at most %u MiB: split it", len, KK_MAX_FILE_BYTES >> 20);
        src = NULL;
    } else {
        src = kk_source_load_buffer(path, buf, len, root_name, schema, diag);
    }
    free(buf);
    return src;
}

void kk_source_free(kk_source *src)
{
    if (!src)
        return;
    if (src->doc)
        xmlFreeDoc(src->doc);
    for (size_t i = 0; i < src->ninfos; i++)
        free(src->infos[i]);
    free(src->infos);
    free(src->text);
    free(src->path);
    free(src);
}

xmlDocPtr kk_source_doc(const kk_source *src) { return src->doc; }

xmlChar *kk_source_xml(const kk_source *src, int *len)
{
    xmlChar *mem = NULL;
    *len = 0;
    xmlDocDumpFormatMemoryEnc(src->doc, &mem, len, "UTF-8", 1);
    return mem;
}
const char *kk_source_path(const kk_source *src) { return src->path; }

const char *kk_source_text(const kk_source *src, size_t *len)
{
    *len = src->text_len;
    return src->text;
}

static const node_info *info_of(const xmlNode *n)
{
    for (; n; n = n->parent)
        if (n->type == XML_ELEMENT_NODE && n->_private)
            return n->_private;
    return NULL;
}

kk_pos kk_source_key_pos(const kk_source *src, const xmlNode *node)
{
    (void)src;
    const node_info *ni = info_of(node);
    return ni ? ni->key : (kk_pos){ 1, 1 };
}

kk_pos kk_source_value_pos(const kk_source *src, const xmlNode *node)
{
    (void)src;
    const node_info *ni = info_of(node);
    return ni ? ni->value : (kk_pos){ 1, 1 };
}

kk_pos kk_source_pos_in_value(const kk_source *src, const xmlNode *node,
                              unsigned line_in_value, unsigned col_in_line)
{
    const node_info *ni = info_of(node);
    if (!ni)
        return (kk_pos){ 1, 1 };
    kk_pos p = ni->value;
    if (ni->style == YAML_LITERAL_SCALAR_STYLE || ni->style == YAML_FOLDED_SCALAR_STYLE) {
        /* the text starts on the line after the | or > indicator, at the
         * block's indentation, which we read from the raw file */
        unsigned target = p.line + 1 + line_in_value, line = 1;
        size_t i = 0;
        while (i < src->text_len && line < target)
            if (src->text[i++] == '\n')
                line++;
        unsigned indent = 0;
        while (i + indent < src->text_len && src->text[i + indent] == ' ')
            indent++;
        return (kk_pos){ target, indent + 1 + col_in_line };
    }
    if (line_in_value == 0) {
        unsigned quote = (ni->style == YAML_SINGLE_QUOTED_SCALAR_STYLE || ni->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE);
        return (kk_pos){ p.line, p.col + quote + col_in_line };
    }
    return (kk_pos){ p.line + line_in_value, col_in_line + 1 };
}

static void report_at(const kk_source *src, kk_diag *d, kk_pos p, const char *fmt, va_list ap)
{
    char buf[2048];
    vsnprintf(buf, sizeof buf, fmt, ap);
    kk_error(d, src->path, p.line, p.col, "%s", buf);
}

void kk_source_error_at_key(const kk_source *src, kk_diag *d, const xmlNode *node, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report_at(src, d, kk_source_key_pos(src, node), fmt, ap);
    va_end(ap);
}

void kk_source_error_at_value(const kk_source *src, kk_diag *d, const xmlNode *node, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report_at(src, d, kk_source_value_pos(src, node), fmt, ap);
    va_end(ap);
}
