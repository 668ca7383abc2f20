/*
 * pdf_finish.c — document information, XMP, PDF/A bits and structure-tree
 * repair on top of Cairo's PDF, edited object by object (pdf_object.h):
 * Cairo's objects are kept byte for byte unless something here changes
 * them, so finishing costs little more than writing the file once.
 */
#define _POSIX_C_SOURCE 200809L

#include "render/pdf_finish.h"
#include "render/pdf_content.h"
#include "render/pdf_docinfo.h"
#include "render/pdf_object.h"
#include "render/pdf_pdfa.h"
#include "util/fs.h"
#include "util/text.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An ICC profile bigger than this is not an sRGB profile. */
#define ICC_MAX_BYTES (4L * 1024 * 1024)
/* Guards against cyclic or absurd structure trees in the walk. */
#define STRUCT_MAX_DEPTH 200
#define STRUCT_MAX_NODES 1000000L
/* A decoded page content stream or form larger than this is left alone. */
#define CONTENT_MAX_BYTES (256L * 1024 * 1024)
/* The largest input read by kk_pdf_finish. */
#define PDF_MAX_BYTES (1024L * 1024 * 1024)

typedef struct {
    long annot, elem; /* annotation object -> the Link element that owns it */
} objr_ref;

typedef struct {
    kk_pdf *p;
    kk_diag *diag;
    const char *out_path;
    bool artifacts_marked;
    objr_ref *refs; /* owned */
    size_t nrefs, caprefs;
    long nodes;
} finisher;

static bool oom(finisher *f)
{
    kk_sys_error(f->diag, f->out_path, "out of memory");
    return false;
}

static void set_text(finisher *f, kk_pdf_val *dict, const char *key, const char *utf8)
{
    if (utf8)
        kk_pdf_dict_set(f->p, dict, key, kk_pdf_new_text(f->p, utf8));
}

static void set_parsed(finisher *f, kk_pdf_val *dict, const char *key, const char *pdf)
{
    kk_pdf_dict_set(f->p, dict, key, kk_pdf_new_parsed(f->p, pdf));
}

/* Replaces Cairo's Info (its CreationDate is the wall clock) as a whole. */
static bool write_info(finisher *f, const kk_pdf_docinfo *m)
{
    kk_pdf_val d = kk_pdf_new_parsed(f->p, "<< >>");
    set_text(f, &d, "/Title", m->title);
    set_text(f, &d, "/Author", m->author);
    set_text(f, &d, "/Subject", m->subject);
    set_text(f, &d, "/Keywords", m->keywords);
    set_text(f, &d, "/Creator", m->creator);
    set_text(f, &d, "/Producer", m->producer);
    set_text(f, &d, "/CreationDate", m->info_date);
    set_text(f, &d, "/ModDate", m->info_date);
    kk_pdf_val *trailer = kk_pdf_trailer(f->p);
    long num = kk_pdf_ref_num(kk_pdf_dict_get(trailer, "/Info"));
    kk_pdf_val *old = num ? kk_pdf_edit(f->p, num) : NULL;
    if (old)
        *old = d; /* the same object number, so nothing else moves */
    else if ((num = kk_pdf_add(f->p, d)))
        kk_pdf_dict_set(f->p, trailer, "/Info", kk_pdf_new_ref(num));
    return !kk_pdf_oom(f->p) || oom(f);
}

static bool write_metadata(finisher *f, kk_pdf_val *root, const kk_pdf_docinfo *m)
{
    char *xmp = kk_pdf_xmp_build(m);
    if (!xmp)
        return oom(f);
    /* uncompressed, so that archive tools can read it (PDF/A advises so) */
    kk_pdf_val d = kk_pdf_new_parsed(f->p, "<< /Type /Metadata /Subtype /XML >>");
    long num = kk_pdf_add_stream(f->p, &d, (const unsigned char *)xmp, strlen(xmp), false);
    free(xmp);
    if (!num)
        return oom(f);
    kk_pdf_dict_set(f->p, root, "/Metadata", kk_pdf_new_ref(num));
    return !kk_pdf_oom(f->p) || oom(f);
}

/* Reads the profile and checks it is an RGB ICC profile.  Caller frees. */
static unsigned char *read_icc(const char *path, size_t *len, kk_diag *diag)
{
    unsigned char *buf = kk_read_file(path, ICC_MAX_BYTES, len);
    if (!buf) {
        kk_sys_error(diag, path, "cannot read the ICC profile for PDF/A: %s "
                     "(install icc-profiles-free)", strerror(errno));
        return NULL;
    }
    if (*len < 128 || memcmp(buf + 36, "acsp", 4) != 0 || memcmp(buf + 16, "RGB ", 4) != 0) {
        kk_sys_error(diag, path, "not an RGB ICC profile");
        free(buf);
        return NULL;
    }
    return buf;
}

static bool write_output_intent(finisher *f, kk_pdf_val *root,
                                const unsigned char *icc, size_t icc_len)
{
    kk_pdf_val sd = kk_pdf_new_parsed(f->p, "<< /N 3 >>");
    long prof = kk_pdf_add_stream(f->p, &sd, icc, icc_len, true);
    if (!prof)
        return oom(f);
    kk_pdf_val oi = kk_pdf_new_parsed(f->p,
        "<< /Type /OutputIntent /S /GTS_PDFA1"
        " /OutputConditionIdentifier (sRGB IEC61966-2.1)"
        " /RegistryName (http://www.color.org) /Info (sRGB IEC61966-2.1) >>");
    kk_pdf_dict_set(f->p, &oi, "/DestOutputProfile", kk_pdf_new_ref(prof));
    kk_pdf_val arr = kk_pdf_new_parsed(f->p, "[ ]");
    kk_pdf_array_insert(f->p, &arr, 0, oi);
    kk_pdf_dict_set(f->p, root, "/OutputIntents", arr);
    return !kk_pdf_oom(f->p) || oom(f);
}

/* ---- structure tree repair --------------------------------------------- */

static bool add_ref(finisher *f, long annot, long elem)
{
    if (f->nrefs == f->caprefs) {
        size_t cap = f->caprefs ? f->caprefs * 2 : 16;
        objr_ref *p = realloc(f->refs, cap * sizeof *p);
        if (!p)
            return false;
        f->refs = p;
        f->caprefs = cap;
    }
    f->refs[f->nrefs++] = (objr_ref){annot, elem};
    return true;
}

/* Records which structure element owns each annotation (its OBJR kid). */
static bool walk_struct(finisher *f, kk_pdf_val *node_v, long elem, int depth)
{
    if (depth > STRUCT_MAX_DEPTH || ++f->nodes > STRUCT_MAX_NODES)
        return true; /* give up quietly: the repair is best effort */
    long num = kk_pdf_ref_num(node_v);
    kk_pdf_val *node = kk_pdf_resolve(f->p, node_v);
    if (kk_pdf_is_array(node)) {
        for (size_t i = 0; i < node->u.list.n; i++)
            if (!walk_struct(f, &node->u.list.v[i], elem, depth + 1))
                return false;
        return true;
    }
    if (!kk_pdf_is_dict(node))
        return true;
    kk_pdf_val *type = kk_pdf_dict_get(node, "/Type");
    if (kk_pdf_is_name(type, "/OBJR")) {
        long annot = kk_pdf_ref_num(kk_pdf_dict_get(node, "/Obj"));
        return annot <= 0 || elem == 0 || add_ref(f, annot, elem);
    }
    if (kk_pdf_is_name(type, "/MCR"))
        return true;
    /* A StructElem (its /Type is optional) or the StructTreeRoot. */
    bool is_root = kk_pdf_is_name(type, "/StructTreeRoot");
    return walk_struct(f, kk_pdf_dict_get(node, "/K"), is_root ? 0 : num, depth + 1);
}

static long owner_of(const finisher *f, long annot)
{
    for (size_t i = 0; i < f->nrefs; i++)
        if (f->refs[i].annot == annot)
            return f->refs[i].elem;
    return 0;
}

/* The value of key in a number tree (flat /Nums or /Kids), or NULL. */
static kk_pdf_val *numtree_get(finisher *f, kk_pdf_val *node, long long key, int depth)
{
    node = kk_pdf_resolve(f->p, node);
    if (depth > 32 || !kk_pdf_is_dict(node))
        return NULL;
    kk_pdf_val *nums = kk_pdf_lookup(f->p, node, "/Nums");
    for (size_t i = 0; kk_pdf_is_array(nums) && i + 1 < nums->u.list.n; i += 2) {
        long long k;
        if (kk_pdf_int(&nums->u.list.v[i], &k) && k == key)
            return &nums->u.list.v[i + 1];
    }
    kk_pdf_val *kids = kk_pdf_lookup(f->p, node, "/Kids");
    for (size_t i = 0; kk_pdf_is_array(kids) && i < kids->u.list.n; i++) {
        kk_pdf_val *v = numtree_get(f, &kids->u.list.v[i], key, depth + 1);
        if (v)
            return v;
    }
    return NULL;
}

/* The largest key of a flat /Nums, -1 when empty or not flat. */
static long long numtree_max(finisher *f, kk_pdf_val *tree)
{
    kk_pdf_val *nums = kk_pdf_lookup(f->p, tree, "/Nums");
    long long max = -1, k;
    for (size_t i = 0; kk_pdf_is_array(nums) && i + 1 < nums->u.list.n; i += 2)
        if (kk_pdf_int(&nums->u.list.v[i], &k) && k > max)
            max = k;
    return max;
}

/* Inserts key -> value into a flat /Nums, keeping keys sorted.  False when
 * the tree is not flat (Cairo only writes flat ones). */
static bool numtree_insert(finisher *f, long tree_num, long long key, kk_pdf_val value)
{
    kk_pdf_val *tree = kk_pdf_edit(f->p, tree_num);
    kk_pdf_val *nums = kk_pdf_dict_get(tree, "/Nums");
    if (!kk_pdf_is_array(nums) || kk_pdf_dict_get(tree, "/Kids"))
        return false;
    size_t n = nums->u.list.n, at = n - n % 2;
    for (size_t i = 0; i + 1 < n; i += 2) {
        long long k;
        if (kk_pdf_int(&nums->u.list.v[i], &k) && k > key) {
            at = i;
            break;
        }
    }
    return kk_pdf_array_insert(f->p, nums, at, kk_pdf_new_int(f->p, key)) &&
           kk_pdf_array_insert(f->p, nums, at + 1, value);
}

/* PDF/A (ISO 19005-1 6.5.3, -2 6.3.2) wants every annotation printable and
 * visible; Cairo writes no /F at all.  Harmless for plain PDFs too. */
static void set_print_flag(finisher *f, kk_pdf_val *annot)
{
    long long flags = 0;
    kk_pdf_int(kk_pdf_dict_get(annot, "/F"), &flags);
    /* Print on; Invisible, Hidden, ToggleNoView and NoView off. */
    flags = (flags | 4) & ~(1LL | 2LL | 32LL | 256LL);
    kk_pdf_dict_set(f->p, annot, "/F", kk_pdf_new_int(f->p, flags));
}

/* The ParentTree (created empty when the structure tree has none), or 0. */
static long parent_tree(finisher *f, kk_pdf_val *root)
{
    long str_num = kk_pdf_ref_num(kk_pdf_dict_get(root, "/StructTreeRoot"));
    kk_pdf_val *str = kk_pdf_lookup(f->p, root, "/StructTreeRoot");
    if (!kk_pdf_is_dict(str))
        return 0;
    kk_pdf_val *ptv = kk_pdf_dict_get(str, "/ParentTree");
    long pt = kk_pdf_ref_num(ptv);
    if (pt && kk_pdf_is_dict(kk_pdf_get(f->p, pt)))
        return pt;
    /* a direct tree moves into an object of its own, so it can be edited */
    pt = kk_pdf_add(f->p, kk_pdf_is_dict(ptv) ? *ptv : kk_pdf_new_parsed(f->p, "<< /Nums [ ] >>"));
    str = str_num ? kk_pdf_edit(f->p, str_num) : str;
    if (pt)
        kk_pdf_dict_set(f->p, str, "/ParentTree", kk_pdf_new_ref(pt));
    return pt;
}

/* Cairo 1.16 numbers link annotations' /StructParent from 0, the keys its
 * pages use too, and writes no ParentTree entry for them (and, for links
 * without any structure, no tree at all).  Give each annotation a key of
 * its own pointing at the Link element that owns it when we know it,
 * otherwise drop the key: a missing entry is legal, a dangling or shared
 * one confuses assistive technology and validators. */
static bool repair_struct_parents(finisher *f, kk_pdf_val *root)
{
    size_t npages;
    const long *pages = kk_pdf_pages(f->p, &npages);
    bool annotated = false;
    for (size_t p = 0; p < npages && !annotated; p++)
        annotated = kk_pdf_dict_get(kk_pdf_get(f->p, pages[p]), "/Annots") != NULL;
    long pt = parent_tree(f, root);
    /* the walk reads every structure element: only for annotations' owners */
    if (pt && annotated && !walk_struct(f, kk_pdf_dict_get(root, "/StructTreeRoot"), 0, 0))
        return oom(f);
    long long next_key = pt ? numtree_max(f, kk_pdf_get(f->p, pt)) + 1 : 0;
    for (size_t p = 0; p < npages; p++) {
        kk_pdf_val *page = kk_pdf_get(f->p, pages[p]);
        long long key;
        if (kk_pdf_int(kk_pdf_dict_get(page, "/StructParents"), &key) &&
            (!pt || !kk_pdf_is_array(kk_pdf_resolve(f->p, numtree_get(f, kk_pdf_get(f->p, pt), key, 0)))))
            kk_pdf_dict_remove(kk_pdf_edit(f->p, pages[p]), "/StructParents");
        kk_pdf_val *annots = kk_pdf_lookup(f->p, page, "/Annots");
        size_t n = kk_pdf_is_array(annots) ? annots->u.list.n : 0;
        for (size_t i = 0; i < n; i++) {
            long an = kk_pdf_ref_num(&annots->u.list.v[i]);
            kk_pdf_val *a = an ? kk_pdf_edit(f->p, an) : NULL;
            if (!kk_pdf_is_dict(a))
                continue;
            if (kk_pdf_int(kk_pdf_dict_get(a, "/StructParent"), &key)) {
                kk_pdf_val *has = pt ? numtree_get(f, kk_pdf_get(f->p, pt), key, 0) : NULL;
                long elem = owner_of(f, an);
                /* Cairo's own key is right only when it already names this
                 * annotation's element */
                if (!elem || kk_pdf_ref_num(has) != elem) {
                    if (elem && numtree_insert(f, pt, next_key, kk_pdf_new_ref(elem)))
                        kk_pdf_dict_set(f->p, a, "/StructParent", kk_pdf_new_int(f->p, next_key++));
                    else
                        kk_pdf_dict_remove(a, "/StructParent");
                }
            }
            set_print_flag(f, a);
        }
        /* PDF/UA: annotations are visited in structure order. */
        if (n > 0 && pt)
            set_parsed(f, kk_pdf_edit(f->p, pages[p]), "/Tabs", "/S");
    }
    return !kk_pdf_oom(f->p) || oom(f);
}

/* PDF/A-1 forbids transparency groups; Cairo adds an (unneeded for opaque
 * content) isolated group to every page. */
static void drop_page_groups(finisher *f)
{
    size_t npages;
    const long *pages = kk_pdf_pages(f->p, &npages);
    for (size_t p = 0; p < npages; p++) {
        kk_pdf_val *g = kk_pdf_lookup(f->p, kk_pdf_get(f->p, pages[p]), "/Group");
        if (kk_pdf_is_name(kk_pdf_lookup(f->p, g, "/S"), "/Transparency"))
            kk_pdf_dict_remove(kk_pdf_edit(f->p, pages[p]), "/Group");
    }
}

static bool write_catalog(finisher *f, kk_pdf_val *root, const kk_pdf_docinfo *m)
{
    if (m->lang)
        set_text(f, root, "/Lang", m->lang);
    kk_pdf_val *vp = kk_pdf_dict_get(root, "/ViewerPreferences");
    if (!kk_pdf_is_dict(vp))
        set_parsed(f, root, "/ViewerPreferences", "<< /DisplayDocTitle true >>");
    else
        set_parsed(f, vp, "/DisplayDocTitle", "true");
    /* Marked means "has a structure tree"; claiming it without one lies. */
    if (kk_pdf_is_dict(kk_pdf_lookup(f->p, root, "/StructTreeRoot")))
        set_parsed(f, root, "/MarkInfo", "<< /Marked true >>");
    set_parsed(f, root, "/PageLabels", "<< /Nums [ 0 << /S /D >> ] >>");
    if (kk_pdf_lookup(f->p, kk_pdf_lookup(f->p, root, "/Outlines"), "/First"))
        set_parsed(f, root, "/PageMode", "/UseOutlines");
    return !kk_pdf_oom(f->p) || oom(f);
}

/* "kokous" plus whatever produced the page content, so the string stays
 * fixed for a given installation.  Caller owns the result. */
static char *make_producer(finisher *f)
{
    kk_pdf_val *info = kk_pdf_lookup(f->p, kk_pdf_trailer(f->p), "/Info");
    char *old = kk_pdf_text_utf8(kk_pdf_lookup(f->p, info, "/Producer"));
    bool bad = false, no_mem = false;
    char *old_copy = old && old[0] ? kk_pdf_clean_text(old, &bad, &no_mem) : NULL;
    free(old);
    kk_buf b = { 0 };
    kk_buf_addf(&b, old_copy ? "kokous (%s)" : "kokous", old_copy ? old_copy : "");
    free(old_copy);
    return kk_buf_take(&b);
}

/* ---- artifacts ------------------------------------------------------------ */

typedef struct {
    finisher *f;
    kk_pdf_val *xobjects; /* the page's /Resources /XObject, or NULL */
} page_ctx;

/* A PDF name as its bytes (#xx escapes decoded) into out (a C string);
 * false when it does not fit. */
static bool decode_name(const char *name, size_t len, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        int hi, lo;
        if (k + 1 >= cap)
            return false;
        if (name[i] == '#' && i + 2 < len && (hi = g_ascii_xdigit_value(name[i + 1])) >= 0 &&
            (lo = g_ascii_xdigit_value(name[i + 2])) >= 0) {
            out[k++] = (char)(hi << 4 | lo);
            i += 2;
        } else {
            out[k++] = name[i];
        }
    }
    out[k] = 0;
    return true;
}

/* A Form XObject with MCIDs of its own carries real content: marking its Do
 * as an artifact would hide that content from assistive technology. */
static bool form_has_mcid(const char *name, size_t len, void *user)
{
    page_ctx *pc = user;
    char key[130] = "/", entry[130];
    if (!pc->xobjects || !decode_name(name, len, key + 1, sizeof key - 1))
        return false;
    kk_pdf_val *xobjects = pc->xobjects;
    long x = 0;
    for (size_t i = 0; i + 1 < xobjects->u.list.n && !x; i += 2) {
        kk_pdf_val *kv = &xobjects->u.list.v[i];
        if (decode_name(kv->u.tok.s, kv->u.tok.len, entry, sizeof entry) && !strcmp(entry, key))
            x = kk_pdf_ref_num(&xobjects->u.list.v[i + 1]);
    }
    if (!x || !kk_pdf_is_stream(pc->f->p, x) ||
        !kk_pdf_is_name(kk_pdf_lookup(pc->f->p, kk_pdf_get(pc->f->p, x), "/Subtype"), "/Form"))
        return false;
    size_t n = 0;
    unsigned char *buf = kk_pdf_stream_decode(pc->f->p, x, CONTENT_MAX_BYTES, &n);
    bool keep = false;
    for (size_t i = 0; buf && !keep && i + 5 <= n; i++)
        keep = memcmp(buf + i, "/MCID", 5) == 0;
    free(buf);
    return keep;
}

/* Cairo 1.16 leaves headers, rules and table borders outside any marked
 * content (see layout/layout.h); wrap them in /Artifact so that a tagged
 * PDF accounts for every mark on its pages.  A page whose content cannot be
 * decoded is left as it is, with a warning. */
static bool mark_artifacts(finisher *f, kk_pdf_val *root)
{
    if (!kk_pdf_is_dict(kk_pdf_lookup(f->p, root, "/StructTreeRoot")))
        return true;
    size_t npages;
    const long *pages = kk_pdf_pages(f->p, &npages);
    for (size_t p = 0; p < npages; p++) {
        kk_pdf_val *page = kk_pdf_get(f->p, pages[p]);
        long content = kk_pdf_ref_num(kk_pdf_dict_get(page, "/Contents"));
        size_t len = 0;
        unsigned char *data = content ? kk_pdf_stream_decode(f->p, content, CONTENT_MAX_BYTES, &len) : NULL;
        if (!data) {
            kk_diag_report(f->diag, KK_WARNING, KK_FAIL_SYSTEM, f->out_path, 0, 0,
                           "page %zu: cannot read its content to mark artifacts", p + 1);
            continue;
        }
        kk_pdf_val *xo = kk_pdf_lookup(f->p, kk_pdf_lookup(f->p, page, "/Resources"), "/XObject");
        page_ctx pc = { f, kk_pdf_is_dict(xo) ? xo : NULL };
        size_t out_len = 0;
        bool changed = false;
        unsigned char *out = kk_pdf_mark_artifacts(data, len, form_has_mcid, &pc,
                                                   &out_len, &changed, NULL);
        free(data);
        if (!out)
            return oom(f);
        bool ok = !changed || kk_pdf_stream_replace(f->p, content, out, out_len, true);
        free(out);
        if (!ok)
            return oom(f);
    }
    return true;
}

/* ---- overlay: the public version's footer --------------------------------- */

/* The dictionary behind `v` (a reference or a direct dictionary inside the
 * object `owner`), made editable; NULL when it is neither. */
static kk_pdf_val *editable_dict(finisher *f, long owner, kk_pdf_val *v)
{
    long num = kk_pdf_ref_num(v);
    kk_pdf_val *d = num ? kk_pdf_edit(f->p, num) : (kk_pdf_edit(f->p, owner), v);
    return kk_pdf_is_dict(d) ? d : NULL;
}

/* Draws the first page of `overlay` (a Cairo PDF of the same page size)
 * over every page, as one Form XObject shared by all pages and marked as
 * an artifact: a running footer is not document content. */
static bool add_overlay(finisher *f, const unsigned char *overlay, size_t len)
{
    kk_pdf *o = kk_pdf_read(overlay, len, f->out_path, f->diag);
    if (!o)
        return false;
    if (!kk_pdf_compress_plain_streams(o)) {
        kk_pdf_free(o);
        return oom(f);
    }
    size_t n;
    const long *opages = kk_pdf_pages(o, &n);
    kk_pdf_val *opage = n ? kk_pdf_get(o, opages[0]) : NULL;
    kk_pdf_val *content = kk_pdf_dict_get(opage, "/Contents");
    kk_pdf_val *ores = kk_pdf_dict_get(opage, "/Resources"), *obox = kk_pdf_dict_get(opage, "/MediaBox");
    kk_pdf_val form_ref, res, box;
    bool ok = content && ores && obox && kk_pdf_is_stream(o, kk_pdf_ref_num(content)) &&
              kk_pdf_import(f->p, o, content, &form_ref) && kk_pdf_import(f->p, o, ores, &res) &&
              kk_pdf_import(f->p, o, obox, &box);
    kk_pdf_free(o);
    if (!ok) {
        if (!kk_pdf_oom(f->p))
            kk_sys_error(f->diag, f->out_path, "cannot finish the PDF: the overlay page is unreadable");
        return kk_pdf_oom(f->p) ? oom(f) : false;
    }
    long form = kk_pdf_ref_num(&form_ref);
    kk_pdf_val *fd = kk_pdf_edit(f->p, form);
    set_parsed(f, fd, "/Type", "/XObject");
    set_parsed(f, fd, "/Subtype", "/Form");
    kk_pdf_dict_set(f->p, fd, "/BBox", box);
    kk_pdf_dict_set(f->p, fd, "/Resources", res);
    /* the page's own content inside q/Q, so that it cannot move the overlay */
    static const char before[] = "q\n", after[] = "Q\n/Artifact BMC /KkOverlay Do EMC\n";
    long pre = kk_pdf_add_stream(f->p, NULL, (const unsigned char *)before, sizeof before - 1, false);
    long post = kk_pdf_add_stream(f->p, NULL, (const unsigned char *)after, sizeof after - 1, false);
    if (!pre || !post)
        return oom(f);
    const long *pages = kk_pdf_pages(f->p, &n);
    for (size_t i = 0; i < n; i++) {
        kk_pdf_val *page = kk_pdf_edit(f->p, pages[i]);
        kk_pdf_val *contents = kk_pdf_dict_get(page, "/Contents");
        kk_pdf_val arr = kk_pdf_new_parsed(f->p, "[ ]");
        kk_pdf_array_insert(f->p, &arr, 0, kk_pdf_new_ref(pre));
        if (contents && contents->kind == KK_PDF_REF)
            kk_pdf_array_insert(f->p, &arr, 1, *contents);
        for (size_t k = 0; kk_pdf_is_array(contents) && k < contents->u.list.n; k++)
            kk_pdf_array_insert(f->p, &arr, arr.u.list.n, contents->u.list.v[k]);
        kk_pdf_array_insert(f->p, &arr, arr.u.list.n, kk_pdf_new_ref(post));
        kk_pdf_dict_set(f->p, page, "/Contents", arr);
        if (!kk_pdf_dict_get(page, "/Resources"))
            set_parsed(f, page, "/Resources", "<< >>");
        kk_pdf_val *pres = editable_dict(f, pages[i], kk_pdf_dict_get(page, "/Resources"));
        if (pres && !kk_pdf_dict_get(pres, "/XObject"))
            set_parsed(f, pres, "/XObject", "<< >>");
        kk_pdf_val *xo = pres ? kk_pdf_dict_get(pres, "/XObject") : NULL;
        long pres_num = kk_pdf_ref_num(kk_pdf_dict_get(page, "/Resources"));
        xo = xo ? editable_dict(f, pres_num ? pres_num : pages[i], xo) : NULL;
        if (!xo || !kk_pdf_dict_set(f->p, xo, "/KkOverlay", kk_pdf_new_ref(form))) {
            kk_sys_error(f->diag, f->out_path, "cannot finish the PDF: page %zu has no usable resources", i + 1);
            return false;
        }
    }
    return !kk_pdf_oom(f->p) || oom(f);
}

/* ---- entry point ---------------------------------------------------------- */

static bool finish(finisher *f, kk_pdf_docinfo *m, const unsigned char *icc, size_t icc_len,
                   unsigned char **out, size_t *out_len)
{
    *out = NULL;
    m->producer = make_producer(f);
    if (!m->producer)
        return oom(f);
    long root_num = kk_pdf_ref_num(kk_pdf_dict_get(kk_pdf_trailer(f->p), "/Root"));
    kk_pdf_val *root = root_num ? kk_pdf_edit(f->p, root_num) : NULL;
    if (!kk_pdf_is_dict(root)) {
        kk_sys_error(f->diag, f->out_path, "cannot finish the PDF: it has no catalog");
        return false;
    }
    if (!write_info(f, m) || !repair_struct_parents(f, root) || !write_catalog(f, root, m) ||
        !write_metadata(f, root, m) || (!f->artifacts_marked && !mark_artifacts(f, root)))
        return false;
    if (m->pdfa_part > 0 && !write_output_intent(f, root, icc, icc_len))
        return false;
    if (m->pdfa_part > 0 && !kk_pdf_pdfa_fixups(f->p, m->pdfa_part, f->out_path, f->diag))
        return false;
    if (m->pdfa_part == 1)
        drop_page_groups(f);
    /* Cairo's content streams come plain (kk_layout_process_init) */
    if (!kk_pdf_compress_plain_streams(f->p))
        return oom(f);
    /* PDF/A-1 is PDF 1.4: no object streams */
    kk_pdf_write_opts wo = { .version = m->pdfa_part == 1 ? "1.4" : NULL,
                             .object_streams = m->pdfa_part != 1 };
    *out = kk_pdf_write(f->p, &wo, out_len);
    return *out || oom(f);
}

bool kk_pdf_finish_pair(const unsigned char *pdf, size_t len, const char *out_path,
                        const unsigned char *overlay, size_t overlay_len, const char *overlay_path,
                        const kk_pdf_meta *meta, kk_diag *diag)
{
    if (!pdf || !out_path || !out_path[0] || (overlay && (!overlay_path || !overlay_path[0]))) {
        kk_sys_error(diag, NULL, "kk_pdf_finish: no input or output path");
        return false;
    }
    kk_pdf_docinfo m;
    if (!kk_pdf_docinfo_init(&m, meta, out_path, diag))
        return false;
    unsigned char *icc = NULL;
    size_t icc_len = 0;
    if (m.pdfa_part > 0) {
        icc = read_icc(meta->icc_path ? meta->icc_path : KK_PDF_DEFAULT_ICC, &icc_len, diag);
        if (!icc) {
            kk_pdf_docinfo_free(&m);
            return false;
        }
    }
    finisher f = { .p = kk_pdf_read(pdf, len, out_path, diag), .diag = diag, .out_path = out_path,
                   .artifacts_marked = meta->artifacts_marked };
    unsigned char *out = NULL;
    size_t out_len = 0;
    bool ok = f.p && finish(&f, &m, icc, icc_len, &out, &out_len) &&
              kk_write_atomic(out_path, out, out_len, diag);
    free(out);
    out = NULL;
    if (ok && overlay) {
        /* the second file shares the parse and every edit so far */
        f.out_path = overlay_path;
        kk_pdf_write_opts wo = { .version = m.pdfa_part == 1 ? "1.4" : NULL,
                                 .object_streams = m.pdfa_part != 1 };
        ok = add_overlay(&f, overlay, overlay_len) && (out = kk_pdf_write(f.p, &wo, &out_len)) &&
             kk_write_atomic(overlay_path, out, out_len, diag);
        if (ok && !out)
            ok = oom(&f);
        free(out);
    }
    kk_pdf_free(f.p);
    free(f.refs);
    free(icc);
    kk_pdf_docinfo_free(&m);
    return ok;
}

bool kk_pdf_finish_memory(const unsigned char *pdf, size_t len, const char *out_path,
                          const kk_pdf_meta *meta, kk_diag *diag)
{
    return kk_pdf_finish_pair(pdf, len, out_path, NULL, 0, NULL, meta, diag);
}

bool kk_pdf_finish(const char *in_path, const char *out_path,
                   const kk_pdf_meta *meta, kk_diag *diag)
{
    if (!in_path) {
        kk_sys_error(diag, NULL, "kk_pdf_finish: no input or output path");
        return false;
    }
    size_t len = 0;
    unsigned char *pdf = kk_read_file(in_path, PDF_MAX_BYTES, &len);
    if (!pdf) {
        kk_sys_error(diag, in_path, "cannot read the rendered PDF: %s", strerror(errno));
        return false;
    }
    bool ok = kk_pdf_finish_memory(pdf, len, out_path, meta, diag);
    free(pdf);
    return ok;
}
