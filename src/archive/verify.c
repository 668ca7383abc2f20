/* verify.c — `kokous verify PACKAGE`: every file of the package against
 * the METS files that list it (size, SHA-256, present, listed), and the
 * XML against its schemas, offline.  See archive.h for the promise. */
#define _POSIX_C_SOURCE 200809L
#include "archive/archive_int.h"
#include "util/embedded.h"
#include "util/hash.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlschemas.h>

typedef struct verifier {
    kk_arc_tree tree;
    bool *listed;          /* parallel to tree.v */
    bool is_tar;
    kk_diag *diag;
    char name[1200];       /* scratch for where() */
} verifier;

/* How a package file is named in messages: "PKG/REL" or "PKG.tar:REL". */
static const char *where(verifier *v, const char *rel)
{
    snprintf(v->name, sizeof v->name, "%s%s%s", v->tree.label, v->is_tar ? ":" : "/", rel);
    return v->name;
}

/* ---- schemas, offline: the package's schemas/ first, else the copies
 * built into kokous; never the network ---- */

static const verifier *current;           /* for the entity loader */
static xmlExternalEntityLoader previous_loader;

static const char *base_name(const char *url)
{
    const char *slash = strrchr(url, '/');
    return slash ? slash + 1 : url;
}

static bool schema_bytes(const verifier *v, const char *file, const unsigned char **data, size_t *len)
{
    char rel[300];
    snprintf(rel, sizeof rel, "schemas/%s", file);
    const kk_arc_entry *e = v ? kk_arc_tree_find(&v->tree, rel) : NULL;
    if (e) {
        *data = e->data;
        *len = e->len;
        return true;
    }
    snprintf(rel, sizeof rel, "%s%s", strcmp(file, "kokous.xsd") ? "schema/external/" : "schema/", file);
    const kk_embedded_file *f = kk_embedded_find(rel);
    if (!f)
        return false;
    *data = (const unsigned char *)f->data;
    *len = f->len;
    return true;
}

static xmlParserInputPtr offline_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void)id;
    const unsigned char *data;
    size_t len;
    if (!url || !schema_bytes(current, base_name(url), &data, &len))
        return NULL;
    xmlParserInputBufferPtr buf = xmlParserInputBufferCreateMem((const char *)data, (int)len, XML_CHAR_ENCODING_NONE);
    xmlParserInputPtr in = buf ? xmlNewIOInputStream(ctxt, buf, XML_CHAR_ENCODING_NONE) : NULL;
    if (!in)
        xmlFreeParserInputBuffer(buf);
    else
        in->filename = (char *)xmlStrdup(BAD_CAST base_name(url));
    return in;
}

static void quiet(void *ctx, xmlErrorPtr err)
{
    (void)ctx;
    (void)err;
}

static xmlSchemaPtr load_schema(verifier *v, const char *file)
{
    const unsigned char *data;
    size_t len;
    if (!schema_bytes(v, file, &data, &len)) {
        kk_sys_error(v->diag, file, "schema missing from the package and from kokous");
        return NULL;
    }
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewMemParserCtxt((const char *)data, (int)len);
    xmlSchemaPtr s = NULL;
    if (pc) {
        xmlSchemaSetParserStructuredErrors(pc, quiet, NULL);
        s = xmlSchemaParse(pc);
        xmlSchemaFreeParserCtxt(pc);
    }
    if (!s)
        kk_error(v->diag, where(v, "schemas/"), 0, 0, "%s does not load as a schema", file);
    return s;
}

typedef struct { verifier *v; const char *rel; } report_ctx;

static void report_invalid(void *ctx, xmlErrorPtr err)
{
    report_ctx *r = ctx;
    char msg[600];
    snprintf(msg, sizeof msg, "%s", err && err->message ? err->message : "invalid");
    size_t n = strlen(msg);
    while (n && msg[n - 1] == '\n')
        msg[--n] = 0;
    kk_error(r->v->diag, where(r->v, r->rel), err ? (unsigned)err->line : 0, 0, "%s", msg);
}

static xmlDocPtr parse(verifier *v, const kk_arc_entry *e)
{
    if (e->len > 0x7fffffff) {
        kk_error(v->diag, where(v, e->path), 0, 0, "too large to read as XML");
        return NULL;
    }
    xmlDocPtr doc = xmlReadMemory((const char *)e->data, (int)e->len, e->path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR
                                  | XML_PARSE_NOWARNING);
    if (!doc) {
        xmlErrorPtr err = xmlGetLastError();
        kk_error(v->diag, where(v, e->path), err ? (unsigned)err->line : 0, 0, "not well-formed XML: %s",
                 err && err->message ? err->message : "?");
    }
    return doc;
}

static void validate(verifier *v, xmlDocPtr doc, const char *rel, xmlSchemaPtr schema)
{
    if (!doc || !schema)
        return;
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(schema);
    report_ctx r = { v, rel };
    if (!vc)
        return;
    xmlSchemaSetValidStructuredErrors(vc, report_invalid, &r);
    size_t before = kk_diag_error_count(v->diag);
    if (xmlSchemaValidateDoc(vc, doc) != 0 && kk_diag_error_count(v->diag) == before)
        kk_error(v->diag, where(v, rel), 0, 0, "not valid against its schema");
    xmlSchemaFreeValidCtxt(vc);
}

/* ---- METS ---- */

static char *attr(const xmlNode *n, const char *ns, const char *name)
{
    return (char *)(ns ? xmlGetNsProp(n, BAD_CAST name, BAD_CAST ns) : xmlGetProp(n, BAD_CAST name));
}

/* `href` relative to the folder of the METS file `mets_rel`, checked to
 * stay inside the package.  Caller frees. */
static char *resolve(const char *mets_rel, const char *href)
{
    if (!href || !*href || href[0] == '/' || strstr(href, "://") || strstr(href, ".."))
        return NULL;
    const char *slash = strrchr(mets_rel, '/');
    size_t dirlen = slash ? (size_t)(slash - mets_rel) + 1 : 0;
    if (!strncmp(href, "./", 2))
        href += 2;
    size_t len = dirlen + strlen(href) + 1;
    char *out = malloc(len);
    if (out)
        snprintf(out, len, "%.*s%s", (int)dirlen, mets_rel, href);
    return out;
}

static void check_mets(verifier *v, const char *mets_rel, xmlSchemaPtr mets_schema, int depth);

/* One listed file: present, its size and checksum as the METS says. */
static void check_entry(verifier *v, const char *mets_rel, const xmlNode *holder, const char *href)
{
    char *rel = resolve(mets_rel, href);
    if (!rel) {
        kk_error(v->diag, where(v, mets_rel), xmlGetLineNo(holder) > 0 ? (unsigned)xmlGetLineNo(holder) : 0, 0,
                 "'%s' does not point to a file inside the package", href ? href : "");
        return;
    }
    const kk_arc_entry *e = kk_arc_tree_find(&v->tree, rel);
    if (!e) {
        kk_error(v->diag, where(v, rel), 0, 0, "listed in %s but missing from the package", mets_rel);
        free(rel);
        return;
    }
    size_t idx = (size_t)(e - v->tree.v);
    if (v->listed[idx])
        kk_error(v->diag, where(v, rel), 0, 0, "listed more than once (again in %s)", mets_rel);
    v->listed[idx] = true;
    char *size = attr(holder, NULL, "SIZE"), *sum = attr(holder, NULL, "CHECKSUM"),
         *type = attr(holder, NULL, "CHECKSUMTYPE");
    char actual[KK_SHA256_HEX] = "";
    kk_sha256_hex(e->data, e->len, actual);
    if (!size || strtoull(size, NULL, 10) != e->len || strspn(size, "0123456789") != strlen(size))
        kk_error(v->diag, where(v, rel), 0, 0, "size is %zu bytes, %s says %s", e->len, mets_rel, size ? size : "nothing");
    if (!type || strcmp(type, "SHA-256"))
        kk_error(v->diag, where(v, rel), 0, 0, "%s gives no SHA-256 checksum (CHECKSUMTYPE %s)", mets_rel,
                 type ? type : "missing");
    else if (!sum || strcasecmp(sum, actual))
        kk_error(v->diag, where(v, rel), 0, 0, "SHA-256 is %s, %s says %s: the file changed", actual, mets_rel,
                 sum ? sum : "nothing");
    xmlFree(size);
    xmlFree(sum);
    xmlFree(type);
    free(rel);
}

static void walk_mets(verifier *v, const char *mets_rel, const xmlNode *n, xmlSchemaPtr mets_schema, int depth)
{
    for (const xmlNode *c = n; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        bool mets = c->ns && !xmlStrcmp(c->ns->href, BAD_CAST KK_ARC_NS_METS);
        if (mets && !xmlStrcmp(c->name, BAD_CAST "file")) {
            const xmlNode *loc = c->children;
            while (loc && !(loc->type == XML_ELEMENT_NODE && !xmlStrcmp(loc->name, BAD_CAST "FLocat")))
                loc = loc->next;
            char *href = loc ? attr(loc, KK_ARC_NS_XLINK, "href") : NULL;
            check_entry(v, mets_rel, c, href);
            xmlFree(href);
            continue;
        }
        if (mets && !xmlStrcmp(c->name, BAD_CAST "mdRef")) {
            char *href = attr(c, KK_ARC_NS_XLINK, "href");
            check_entry(v, mets_rel, c, href);
            xmlFree(href);
            continue;
        }
        if (mets && !xmlStrcmp(c->name, BAD_CAST "mptr")) {
            char *href = attr(c, KK_ARC_NS_XLINK, "href");
            char *rel = resolve(mets_rel, href);
            if (rel && kk_arc_tree_find(&v->tree, rel))
                check_mets(v, rel, mets_schema, depth + 1);
            else
                kk_error(v->diag, where(v, mets_rel), (unsigned)xmlGetLineNo(c), 0,
                         "representation METS '%s' is missing", href ? href : "");
            free(rel);
            xmlFree(href);
            continue;
        }
        walk_mets(v, mets_rel, c->children, mets_schema, depth);
    }
}

static void check_mets(verifier *v, const char *mets_rel, xmlSchemaPtr mets_schema, int depth)
{
    const kk_arc_entry *e = kk_arc_tree_find(&v->tree, mets_rel);
    if (!e) {
        kk_error(v->diag, where(v, mets_rel), 0, 0, "missing: every package starts from its METS.xml");
        return;
    }
    if (depth > 4)
        return;
    xmlDocPtr doc = parse(v, e);
    validate(v, doc, mets_rel, mets_schema);
    xmlNodePtr root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (root && (!root->ns || xmlStrcmp(root->ns->href, BAD_CAST KK_ARC_NS_METS) || xmlStrcmp(root->name, BAD_CAST "mets")))
        kk_error(v->diag, where(v, mets_rel), 0, 0, "the root element is not mets:mets");
    else if (root)
        walk_mets(v, mets_rel, root->children, mets_schema, depth);
    xmlFreeDoc(doc);
}

/* ---- cross-checks of the metadata files ---- */

static const char *child_text(const xmlNode *n, const char *name)
{
    for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !xmlStrcmp(c->name, BAD_CAST name))
            return c->children && c->children->type == XML_TEXT_NODE ? (const char *)c->children->content : "";
    return NULL;
}

static const xmlNode *child(const xmlNode *n, const char *name)
{
    for (const xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && !xmlStrcmp(c->name, BAD_CAST name))
            return c;
    return NULL;
}

static void check_hash(verifier *v, const char *meta_rel, const char *path, const char *hash)
{
    if (!path || !hash)
        return;
    const kk_arc_entry *e = kk_arc_tree_find(&v->tree, path);
    char actual[KK_SHA256_HEX] = "";
    if (!e) {
        kk_error(v->diag, where(v, path), 0, 0, "described in %s but missing from the package", meta_rel);
        return;
    }
    kk_sha256_hex(e->data, e->len, actual);
    if (strcasecmp(actual, hash))
        kk_error(v->diag, where(v, path), 0, 0, "SHA-256 is %s, %s says %s", actual, meta_rel, hash);
}

/* PREMIS objects and SÄHKE2 Documents carry hashes too: they must agree. */
static void cross_check(verifier *v, const xmlNode *n, const char *meta_rel)
{
    for (; n; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (!xmlStrcmp(n->name, BAD_CAST "object")) {
            const char *path = child_text(child(n, "objectIdentifier"), "objectIdentifierValue");
            const char *hash = child_text(child(child(n, "objectCharacteristics"), "fixity"), "messageDigest");
            check_hash(v, meta_rel, path, hash);
        } else if (!xmlStrcmp(n->name, BAD_CAST "Document")) {
            check_hash(v, meta_rel, child_text(child(n, "File"), "Path"), child_text(n, "HashValue"));
        } else {
            cross_check(v, n->children, meta_rel);
        }
    }
}

static void check_metadata(verifier *v, const char *rel, const char *xsd, bool hashes)
{
    const kk_arc_entry *e = kk_arc_tree_find(&v->tree, rel);
    if (!e) {
        kk_error(v->diag, where(v, rel), 0, 0, "missing");
        return;
    }
    xmlSchemaPtr s = load_schema(v, xsd);
    xmlDocPtr doc = parse(v, e);
    validate(v, doc, rel, s);
    if (doc && hashes)
        cross_check(v, xmlDocGetRootElement(doc), rel);
    xmlFreeDoc(doc);
    xmlSchemaFree(s);
}

static bool is_canonical_xml(const kk_arc_entry *e)
{
    size_t n = strlen(e->path);
    return !strncmp(e->path, "representations/", 16) && strstr(e->path, "/data/") && n > 4
        && !strcmp(e->path + n - 4, ".xml");
}

static bool load_tree(verifier *v, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        kk_sys_error(v->diag, path, "cannot open: %s", strerror(errno));
        return false;
    }
    size_t n = strlen(path);
    if (S_ISDIR(st.st_mode)) {
        char *trimmed = strdup(path);
        while (trimmed && strlen(trimmed) > 1 && trimmed[strlen(trimmed) - 1] == '/')
            trimmed[strlen(trimmed) - 1] = 0;
        bool ok = trimmed && kk_arc_tree_from_dir(trimmed, &v->tree, v->diag);
        free(trimmed);
        return ok;
    }
    if (S_ISREG(st.st_mode) && n > 4 && !strcmp(path + n - 4, ".tar")) {
        v->is_tar = true;
        return kk_arc_tree_from_tar(path, &v->tree, v->diag);
    }
    kk_diag_report(v->diag, KK_ERROR, KK_FAIL_USAGE, path, 0, 0, "not a package: give its folder or its .tar");
    return false;
}

bool kk_archive_verify(const char *path, kk_diag *diag)
{
    verifier v = { .diag = diag };
    size_t before = kk_diag_error_count(diag);
    if (!load_tree(&v, path)) {
        kk_arc_tree_free(&v.tree);
        return false;
    }
    v.listed = calloc(v.tree.n ? v.tree.n : 1, sizeof *v.listed);
    if (!v.listed) {
        kk_sys_error(diag, path, "out of memory");
        kk_arc_tree_free(&v.tree);
        return false;
    }
    current = &v;
    previous_loader = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(offline_loader);

    xmlSchemaPtr mets = load_schema(&v, "csip-wrapper.xsd");
    check_mets(&v, "METS.xml", mets, 0);
    xmlSchemaFree(mets);
    for (size_t i = 0; i < v.tree.n; i++)
        if (!v.listed[i] && strcmp(v.tree.v[i].path, "METS.xml")
            && strcmp(v.tree.v[i].path, KK_SIGN_MANIFEST_FILE))   /* it signs the listing: checked by the signing stage */
            kk_error(diag, where(&v, v.tree.v[i].path), 0, 0, "in the package but not listed in any METS file");
    check_metadata(&v, "metadata/descriptive/sahke2.xml", "Sahke2_2019_03.xsd", true);
    check_metadata(&v, "metadata/preservation/premis.xml", "premis-v2-3.xsd", true);
    xmlSchemaPtr kokous = NULL;
    for (size_t i = 0; i < v.tree.n; i++) {
        if (!is_canonical_xml(&v.tree.v[i]))
            continue;
        if (!kokous && !(kokous = load_schema(&v, "kokous.xsd")))
            break;
        xmlDocPtr doc = parse(&v, &v.tree.v[i]);
        validate(&v, doc, v.tree.v[i].path, kokous);
        xmlFreeDoc(doc);
    }
    xmlSchemaFree(kokous);

    xmlSetExternalEntityLoader(previous_loader);
    current = NULL;
    free(v.listed);
    kk_arc_tree_free(&v.tree);
    return kk_diag_error_count(diag) == before;
}
