/*
 * pdf_finish.c — document information, XMP, PDF/A bits and structure-tree
 * repair on top of Cairo's PDF, through libqpdf's C API.
 *
 * qpdf's C API reports errors of object-handle calls only through
 * qpdf_has_error(), so every step that can fail is followed by q_failed().
 */
#define _POSIX_C_SOURCE 200809L

#include "render/pdf_finish.h"
#include "render/pdf_content.h"
#include "render/pdf_pdfa.h"
#include "render/pdf_docinfo.h"

#include <qpdf/qpdf-c.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* An ICC profile bigger than this is not an sRGB profile. */
#define ICC_MAX_BYTES (4L * 1024 * 1024)
/* qpdf read warnings shown one by one; the rest are counted. */
#define MAX_SHOWN_WARNINGS 3
/* Guards against cyclic or absurd structure trees in the walk. */
#define STRUCT_MAX_DEPTH 200
#define STRUCT_MAX_NODES 1000000L

typedef struct {
    int annot_id;
    qpdf_oh elem;
} objr_ref;

typedef struct {
    qpdf_data q;
    kk_diag *diag;
    const char *in_path, *out_path;
    const unsigned char *in_data; /* when set, the input PDF in memory */
    size_t in_len;
    objr_ref *refs; /* owned */
    size_t nrefs, caprefs;
    long nodes;
} finisher;

/* ---- qpdf plumbing ------------------------------------------------------ */

/* True (after reporting) when the last qpdf call failed. */
static bool q_failed(finisher *f, const char *what)
{
    if (!qpdf_has_error(f->q))
        return false;
    qpdf_error e = qpdf_get_error(f->q);
    const char *text = e ? qpdf_get_error_full_text(f->q, e) : "unknown error";
    kk_sys_error(f->diag, f->out_path, "cannot finish the PDF (%s): %s", what,
                 text);
    return true;
}

/* qpdf reads lazily, so repairs of the input surface while writing too. */
static void report_warnings(finisher *f)
{
    int n = 0;
    while (qpdf_more_warnings(f->q)) {
        qpdf_error w = qpdf_next_warning(f->q);
        if (++n <= MAX_SHOWN_WARNINGS)
            kk_diag_report(f->diag, KK_WARNING, KK_FAIL_SYSTEM, f->in_path, 0, 0,
                           "qpdf had to repair the rendered PDF: %s",
                           qpdf_get_error_full_text(f->q, w));
    }
    if (n > MAX_SHOWN_WARNINGS)
        kk_diag_report(f->diag, KK_WARNING, KK_FAIL_SYSTEM, f->in_path, 0, 0,
                       "qpdf had to repair the rendered PDF: %d more warnings",
                       n - MAX_SHOWN_WARNINGS);
}

static void set_text(finisher *f, qpdf_oh dict, const char *key, const char *utf8)
{
    if (!utf8)
        return;
    qpdf_oh s = qpdf_oh_new_unicode_string(f->q, utf8);
    qpdf_oh_replace_key(f->q, dict, key, s);
    qpdf_oh_release(f->q, s);
}

static void set_parsed(finisher *f, qpdf_oh dict, const char *key, const char *pdf)
{
    qpdf_oh v = qpdf_oh_parse(f->q, pdf);
    qpdf_oh_replace_key(f->q, dict, key, v);
    qpdf_oh_release(f->q, v);
}

/* Replaces Cairo's Info (its CreationDate is the wall clock) as a whole. */
static bool write_info(finisher *f, const kk_pdf_docinfo *m)
{
    qpdf_oh d = qpdf_oh_new_dictionary(f->q);
    set_text(f, d, "/Title", m->title);
    set_text(f, d, "/Author", m->author);
    set_text(f, d, "/Subject", m->subject);
    set_text(f, d, "/Keywords", m->keywords);
    set_text(f, d, "/Creator", m->creator);
    set_text(f, d, "/Producer", m->producer);
    set_text(f, d, "/CreationDate", m->info_date);
    set_text(f, d, "/ModDate", m->info_date);
    qpdf_oh ind = qpdf_make_indirect_object(f->q, d);
    qpdf_oh trailer = qpdf_get_trailer(f->q);
    qpdf_oh_replace_key(f->q, trailer, "/Info", ind);
    /* qpdf keeps the first half of an existing /ID; Cairo >= 1.17 derives
     * one from the clock, so drop it and let both halves be content-based. */
    qpdf_oh_remove_key(f->q, trailer, "/ID");
    return !q_failed(f, "document information");
}

/* A new stream object with `data` unfiltered (qpdf compresses it on write
 * unless it is /Type /Metadata, which qpdf and PDF/A keep plain). */
static qpdf_oh new_stream(finisher *f, const unsigned char *data, size_t len)
{
    qpdf_oh s = qpdf_oh_new_stream(f->q);
    qpdf_oh null = qpdf_oh_new_null(f->q);
    qpdf_oh_replace_stream_data(f->q, s, data, len, null, null);
    qpdf_oh_release(f->q, null);
    return s;
}

static bool write_metadata(finisher *f, qpdf_oh root, const kk_pdf_docinfo *m)
{
    char *xmp = kk_pdf_xmp_build(m);
    if (!xmp) {
        kk_sys_error(f->diag, f->out_path, "out of memory");
        return false;
    }
    qpdf_oh s = new_stream(f, (const unsigned char *)xmp, strlen(xmp));
    free(xmp);
    qpdf_oh d = qpdf_oh_get_dict(f->q, s);
    set_parsed(f, d, "/Type", "/Metadata");
    set_parsed(f, d, "/Subtype", "/XML");
    qpdf_oh_replace_key(f->q, root, "/Metadata", s);
    return !q_failed(f, "XMP metadata");
}

/* Reads the profile and checks it is an RGB ICC profile.  Caller frees. */
static unsigned char *read_icc(const char *path, size_t *len, kk_diag *diag)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        kk_sys_error(diag, path, "cannot open the ICC profile for PDF/A: %s "
                     "(install icc-profiles-free)", strerror(errno));
        return NULL;
    }
    unsigned char *buf = malloc(ICC_MAX_BYTES + 1);
    size_t n = buf ? fread(buf, 1, ICC_MAX_BYTES + 1, fp) : 0;
    bool err = ferror(fp);
    fclose(fp);
    if (!buf || err || n > ICC_MAX_BYTES || n < 128 ||
        memcmp(buf + 36, "acsp", 4) != 0 || memcmp(buf + 16, "RGB ", 4) != 0) {
        kk_sys_error(diag, path, "%s", !buf ? "out of memory"
                                 : err ? "cannot read the ICC profile"
                                       : "not an RGB ICC profile");
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

static bool write_output_intent(finisher *f, qpdf_oh root,
                                const unsigned char *icc, size_t icc_len)
{
    qpdf_oh s = new_stream(f, icc, icc_len);
    qpdf_oh sd = qpdf_oh_get_dict(f->q, s);
    set_parsed(f, sd, "/N", "3");
    qpdf_oh oi = qpdf_oh_parse(f->q,
        "<< /Type /OutputIntent /S /GTS_PDFA1"
        " /OutputConditionIdentifier (sRGB IEC61966-2.1)"
        " /RegistryName (http://www.color.org) /Info (sRGB IEC61966-2.1) >>");
    qpdf_oh_replace_key(f->q, oi, "/DestOutputProfile", s);
    qpdf_oh arr = qpdf_oh_new_array(f->q);
    qpdf_oh_append_item(f->q, arr, oi);
    qpdf_oh_replace_key(f->q, root, "/OutputIntents", arr);
    return !q_failed(f, "PDF/A output intent");
}

/* ---- structure tree repair --------------------------------------------- */

static bool add_ref(finisher *f, int annot_id, qpdf_oh elem)
{
    if (f->nrefs == f->caprefs) {
        size_t cap = f->caprefs ? f->caprefs * 2 : 16;
        objr_ref *p = realloc(f->refs, cap * sizeof *p);
        if (!p)
            return false;
        f->refs = p;
        f->caprefs = cap;
    }
    f->refs[f->nrefs++] = (objr_ref){annot_id, elem};
    return true;
}

/* Records which structure element owns each annotation (its OBJR kid).
 * Handles stay alive until qpdf_cleanup. */
static bool walk_struct(finisher *f, qpdf_oh node, qpdf_oh elem, int depth)
{
    if (depth > STRUCT_MAX_DEPTH || ++f->nodes > STRUCT_MAX_NODES)
        return true; /* give up quietly: the repair is best effort */
    if (qpdf_oh_is_array(f->q, node)) {
        int n = qpdf_oh_get_array_n_items(f->q, node);
        for (int i = 0; i < n; i++) {
            qpdf_oh k = qpdf_oh_get_array_item(f->q, node, i);
            if (!walk_struct(f, k, elem, depth + 1))
                return false;
        }
        return true;
    }
    if (!qpdf_oh_is_dictionary(f->q, node))
        return true;
    if (qpdf_oh_is_dictionary_of_type(f->q, node, "/OBJR", "")) {
        qpdf_oh obj = qpdf_oh_get_key(f->q, node, "/Obj");
        int id = qpdf_oh_get_object_id(f->q, obj);
        return id <= 0 || elem == 0 || add_ref(f, id, elem);
    }
    if (qpdf_oh_is_dictionary_of_type(f->q, node, "/MCR", ""))
        return true;
    /* A StructElem (its /Type is optional) or the StructTreeRoot. */
    qpdf_oh kids = qpdf_oh_get_key(f->q, node, "/K");
    bool is_root = qpdf_oh_is_dictionary_of_type(f->q, node, "/StructTreeRoot", "");
    return walk_struct(f, kids, is_root ? 0 : node, depth + 1);
}

static qpdf_oh owner_of(const finisher *f, int annot_id)
{
    for (size_t i = 0; i < f->nrefs; i++)
        if (f->refs[i].annot_id == annot_id)
            return f->refs[i].elem;
    return 0;
}

/* Looks key up in a number tree (flat /Nums or /Kids). */
static bool numtree_has(finisher *f, qpdf_oh node, long long key, int depth)
{
    if (depth > 32 || !qpdf_oh_is_dictionary(f->q, node))
        return false;
    qpdf_oh nums = qpdf_oh_get_key(f->q, node, "/Nums");
    int n = qpdf_oh_is_array(f->q, nums) ? qpdf_oh_get_array_n_items(f->q, nums) : 0;
    for (int i = 0; i + 1 < n; i += 2) {
        qpdf_oh k = qpdf_oh_get_array_item(f->q, nums, i);
        bool hit = qpdf_oh_is_integer(f->q, k) && qpdf_oh_get_int_value(f->q, k) == key;
        qpdf_oh_release(f->q, k);
        if (hit)
            return true;
    }
    qpdf_oh kids = qpdf_oh_get_key(f->q, node, "/Kids");
    n = qpdf_oh_is_array(f->q, kids) ? qpdf_oh_get_array_n_items(f->q, kids) : 0;
    for (int i = 0; i < n; i++)
        if (numtree_has(f, qpdf_oh_get_array_item(f->q, kids, i), key, depth + 1))
            return true;
    return false;
}

/* Inserts key -> value into a flat /Nums, keeping keys sorted.  False when
 * the tree is not flat (Cairo only writes flat ones). */
static bool numtree_insert(finisher *f, qpdf_oh tree, long long key, qpdf_oh value)
{
    qpdf_oh nums = qpdf_oh_get_key(f->q, tree, "/Nums");
    if (!qpdf_oh_is_array(f->q, nums) || qpdf_oh_has_key(f->q, tree, "/Kids"))
        return false;
    int n = qpdf_oh_get_array_n_items(f->q, nums);
    int at = n - n % 2;
    for (int i = 0; i + 1 < n; i += 2) {
        qpdf_oh k = qpdf_oh_get_array_item(f->q, nums, i);
        if (qpdf_oh_is_integer(f->q, k) && qpdf_oh_get_int_value(f->q, k) > key) {
            at = i;
            break;
        }
    }
    qpdf_oh k = qpdf_oh_new_integer(f->q, key);
    qpdf_oh_insert_item(f->q, nums, at, k);
    qpdf_oh_insert_item(f->q, nums, at + 1, value);
    return true;
}

/* PDF/A (ISO 19005-1 6.5.3, -2 6.3.2) wants every annotation printable and
 * visible; Cairo writes no /F at all.  Harmless for plain PDFs too. */
static void set_print_flag(finisher *f, qpdf_oh annot)
{
    if (!qpdf_oh_is_dictionary(f->q, annot))
        return;
    long long flags = 0;
    qpdf_oh old = qpdf_oh_get_key(f->q, annot, "/F");
    if (qpdf_oh_is_integer(f->q, old))
        flags = qpdf_oh_get_int_value(f->q, old);
    qpdf_oh_release(f->q, old);
    /* Print on; Invisible, Hidden, ToggleNoView and NoView off. */
    flags = (flags | 4) & ~(1LL | 2LL | 32LL | 256LL);
    qpdf_oh v = qpdf_oh_new_integer(f->q, flags);
    qpdf_oh_replace_key(f->q, annot, "/F", v);
    qpdf_oh_release(f->q, v);
}

/* Cairo 1.16 can leave /StructParent(s) pointing at ParentTree keys it
 * never wrote (and, for links without any structure, a tree it never
 * wrote).  Point them at the Link element that owns the annotation when we
 * know it, otherwise drop the key: a missing entry is legal, a dangling
 * one confuses assistive technology and validators. */
static bool repair_struct_parents(finisher *f, qpdf_oh root)
{
    qpdf_oh str = qpdf_oh_get_key(f->q, root, "/StructTreeRoot");
    bool has_tree = qpdf_oh_is_dictionary(f->q, str);
    qpdf_oh ptree = has_tree ? qpdf_oh_get_key(f->q, str, "/ParentTree") : 0;
    if (has_tree && !qpdf_oh_is_dictionary(f->q, ptree)) {
        ptree = qpdf_oh_parse(f->q, "<< /Nums [ ] >>");
        ptree = qpdf_make_indirect_object(f->q, ptree);
        qpdf_oh_replace_key(f->q, str, "/ParentTree", ptree);
    }
    if (has_tree && !walk_struct(f, str, 0, 0)) {
        kk_sys_error(f->diag, f->out_path, "out of memory");
        return false;
    }
    if (q_failed(f, "reading the structure tree"))
        return false;

    int npages = qpdf_get_num_pages(f->q);
    for (int p = 0; p < npages; p++) {
        qpdf_oh page = qpdf_get_page_n(f->q, (size_t)p);
        qpdf_oh sps = qpdf_oh_get_key(f->q, page, "/StructParents");
        if (qpdf_oh_is_integer(f->q, sps) &&
            (!has_tree || !numtree_has(f, ptree, qpdf_oh_get_int_value(f->q, sps), 0))) {
            qpdf_oh_remove_key(f->q, page, "/StructParents");
        }
        qpdf_oh annots = qpdf_oh_get_key(f->q, page, "/Annots");
        int n = qpdf_oh_is_array(f->q, annots) ? qpdf_oh_get_array_n_items(f->q, annots) : 0;
        for (int i = 0; i < n; i++) {
            qpdf_oh a = qpdf_oh_get_array_item(f->q, annots, i);
            qpdf_oh sp = qpdf_oh_get_key_if_dict(f->q, a, "/StructParent");
            if (qpdf_oh_is_integer(f->q, sp)) {
                long long key = qpdf_oh_get_int_value(f->q, sp);
                if (!has_tree || !numtree_has(f, ptree, key, 0)) {
                    qpdf_oh elem = has_tree ? owner_of(f, qpdf_oh_get_object_id(f->q, a)) : 0;
                    if (!elem || !numtree_insert(f, ptree, key, elem))
                        qpdf_oh_remove_key(f->q, a, "/StructParent");
                }
            }
            qpdf_oh_release(f->q, sp);
            set_print_flag(f, a);
            qpdf_oh_release(f->q, a);
        }
        /* PDF/UA: annotations are visited in structure order. */
        if (n > 0 && has_tree)
            set_parsed(f, page, "/Tabs", "/S");
        if (q_failed(f, "repairing the structure tree"))
            return false;
    }
    return !q_failed(f, "repairing the structure tree");
}

/* PDF/A-1 forbids transparency groups; Cairo adds an (unneeded for opaque
 * content) isolated group to every page. */
static bool drop_page_groups(finisher *f)
{
    int npages = qpdf_get_num_pages(f->q);
    for (int p = 0; p < npages; p++) {
        qpdf_oh page = qpdf_get_page_n(f->q, (size_t)p);
        qpdf_oh g = qpdf_oh_get_key(f->q, page, "/Group");
        if (qpdf_oh_is_dictionary(f->q, g) &&
            qpdf_oh_is_name_and_equals(f->q, qpdf_oh_get_key(f->q, g, "/S"),
                                       "/Transparency"))
            qpdf_oh_remove_key(f->q, page, "/Group");
    }
    return !q_failed(f, "removing page transparency groups");
}

static bool write_catalog(finisher *f, qpdf_oh root, const kk_pdf_docinfo *m)
{
    if (m->lang)
        set_text(f, root, "/Lang", m->lang);
    qpdf_oh vp = qpdf_oh_get_key(f->q, root, "/ViewerPreferences");
    if (!qpdf_oh_is_dictionary(f->q, vp)) {
        vp = qpdf_oh_new_dictionary(f->q);
        qpdf_oh_replace_key(f->q, root, "/ViewerPreferences", vp);
        vp = qpdf_oh_get_key(f->q, root, "/ViewerPreferences");
    }
    set_parsed(f, vp, "/DisplayDocTitle", "true");
    /* Marked means "has a structure tree"; claiming it without one lies. */
    if (qpdf_oh_is_dictionary(f->q, qpdf_oh_get_key(f->q, root, "/StructTreeRoot")))
        set_parsed(f, root, "/MarkInfo", "<< /Marked true >>");
    set_parsed(f, root, "/PageLabels", "<< /Nums [ 0 << /S /D >> ] >>");
    qpdf_oh outl = qpdf_oh_get_key(f->q, root, "/Outlines");
    if (qpdf_oh_is_dictionary(f->q, outl) && qpdf_oh_has_key(f->q, outl, "/First"))
        set_parsed(f, root, "/PageMode", "/UseOutlines");
    return !q_failed(f, "catalog");
}

/* "kokous" plus whatever produced the page content, so the string stays
 * fixed for a given installation.  Caller owns the result. */
static char *make_producer(finisher *f)
{
    qpdf_oh info = qpdf_oh_get_key(f->q, qpdf_get_trailer(f->q), "/Info");
    qpdf_oh prod = qpdf_oh_get_key_if_dict(f->q, info, "/Producer");
    const char *old = qpdf_oh_is_string(f->q, prod) ? qpdf_oh_get_utf8_value(f->q, prod) : "";
    char *old_copy = NULL;
    bool bad = false, oom = false;
    if (old[0])
        old_copy = kk_pdf_clean_text(old, &bad, &oom);
    const char *qv = qpdf_get_qpdf_version();
    size_t n = strlen("kokous (, qpdf )") + (old_copy ? strlen(old_copy) : 0) + strlen(qv) + 1;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "kokous (%s%sqpdf %s)", old_copy ? old_copy : "",
                 old_copy ? ", " : "", qv);
    free(old_copy);
    return s;
}

/* ---- artifacts ------------------------------------------------------------ */

typedef struct {
    finisher *f;
    qpdf_oh xobjects; /* the page's /Resources /XObject, or 0 */
} page_ctx;

/* A Form XObject with MCIDs of its own carries real content: marking its Do
 * as an artifact would hide that content from assistive technology. */
static bool form_has_mcid(const char *name, size_t len, void *user)
{
    page_ctx *pc = user;
    qpdf_data q = pc->f->q;
    if (!pc->xobjects || len > 126)
        return false;
    char key[130] = "/";
    size_t k = 1;
    for (size_t i = 0; i < len; i++) {
        /* Names may escape bytes as #xx; qpdf's keys are the decoded names. */
        unsigned hex;
        if (name[i] == '#' && i + 2 < len && sscanf(name + i + 1, "%2x", &hex) == 1) {
            key[k++] = (char)hex;
            i += 2;
        } else {
            key[k++] = name[i];
        }
    }
    key[k] = 0;
    qpdf_oh x = qpdf_oh_get_key_if_dict(q, pc->xobjects, key);
    bool keep = false;
    if (qpdf_oh_is_stream(q, x)) {
        qpdf_oh d = qpdf_oh_get_dict(q, x);
        if (qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, d, "/Subtype"), "/Form")) {
            unsigned char *buf = NULL;
            size_t n = 0;
            if (!(qpdf_oh_get_stream_data(q, x, qpdf_dl_generalized, NULL, &buf, &n) &
                  QPDF_ERRORS))
                for (size_t i = 0; !keep && i + 5 <= n; i++)
                    keep = memcmp(buf + i, "/MCID", 5) == 0;
            free(buf);
        }
        qpdf_oh_release(q, d);
    }
    qpdf_oh_release(q, x);
    if (qpdf_has_error(q))
        qpdf_get_error(q); /* an unreadable form is simply not kept */
    return keep;
}

/* Cairo 1.16 leaves headers, rules and table borders outside any marked
 * content (see layout/layout.h); wrap them in /Artifact so that a tagged
 * PDF accounts for every mark on its pages.  A page whose content cannot be
 * decoded is left as it is, with a warning. */
static bool mark_artifacts(finisher *f, qpdf_oh root)
{
    if (!qpdf_oh_is_dictionary(f->q, qpdf_oh_get_key(f->q, root, "/StructTreeRoot")))
        return true;
    int npages = qpdf_get_num_pages(f->q);
    for (int p = 0; p < npages; p++) {
        qpdf_oh page = qpdf_get_page_n(f->q, (size_t)p);
        unsigned char *data = NULL;
        size_t len = 0;
        if (qpdf_oh_get_page_content_data(f->q, page, &data, &len) & QPDF_ERRORS) {
            qpdf_error e = qpdf_get_error(f->q);
            kk_diag_report(f->diag, KK_WARNING, KK_FAIL_SYSTEM, f->in_path, 0, 0,
                           "page %d: cannot read its content to mark artifacts: %s",
                           p + 1, e ? qpdf_get_error_full_text(f->q, e) : "unknown error");
            free(data);
            qpdf_oh_release(f->q, page);
            continue;
        }
        qpdf_oh res = qpdf_oh_get_key(f->q, page, "/Resources");
        page_ctx pc = {f, qpdf_oh_get_key_if_dict(f->q, res, "/XObject")};
        if (!qpdf_oh_is_dictionary(f->q, pc.xobjects))
            pc.xobjects = 0;
        size_t out_len = 0;
        bool changed = false;
        unsigned char *out = kk_pdf_mark_artifacts(data, len, form_has_mcid, &pc,
                                                   &out_len, &changed, NULL);
        free(data);
        if (!out) {
            kk_sys_error(f->diag, f->out_path, "out of memory");
            return false;
        }
        if (changed) {
            /* One unfiltered stream for the whole page; qpdf compresses it. */
            qpdf_oh s = new_stream(f, out, out_len);
            qpdf_oh_replace_key(f->q, page, "/Contents", s);
            qpdf_oh_release(f->q, s);
        }
        free(out);
        qpdf_oh_release(f->q, pc.xobjects);
        qpdf_oh_release(f->q, res);
        qpdf_oh_release(f->q, page);
        if (q_failed(f, "marking artifacts"))
            return false;
    }
    return true;
}

/* ---- output file -------------------------------------------------------- */

/* ".NAME.XXXXXX" next to path.  Caller frees. */
static char *temp_template(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    const char *base = slash ? slash + 1 : path;
    size_t n = dirlen + 1 + strlen(base) + 8;
    char *t = malloc(n);
    if (t)
        snprintf(t, n, "%.*s.%s.XXXXXX", (int)dirlen, path, base);
    return t;
}

/* The mode a fresh file would get, or the existing target's mode. */
static mode_t target_mode(const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0)
        return st.st_mode & 0777;
    /* umask can only be read by setting it; kokous is single-threaded. */
    mode_t mask = umask(077);
    umask(mask);
    return 0666 & ~mask;
}

static bool write_pdf(finisher *f, int pdfa_part)
{
    char *tmp = temp_template(f->out_path);
    if (!tmp) {
        kk_sys_error(f->diag, f->out_path, "out of memory");
        return false;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        kk_sys_error(f->diag, f->out_path, "cannot create a file in the output "
                     "folder: %s", strerror(errno));
        free(tmp);
        return false;
    }
    bool ok = fchmod(fd, target_mode(f->out_path)) == 0;
    if (!ok)
        kk_sys_error(f->diag, f->out_path, "cannot set file permissions: %s",
                     strerror(errno));
    close(fd);

    qpdf_data q = f->q;
    ok = ok && !(qpdf_init_write(q, tmp) & QPDF_ERRORS);
    if (ok) {
        qpdf_set_deterministic_ID(q, QPDF_TRUE);
        qpdf_set_newline_before_endstream(q, QPDF_TRUE);
        /* Keep Cairo's already-compressed streams byte for byte. */
        qpdf_set_decode_level(q, qpdf_dl_none);
        qpdf_set_compress_streams(q, QPDF_TRUE);
        if (pdfa_part == 1) {
            qpdf_set_object_stream_mode(q, qpdf_o_disable);
            qpdf_force_pdf_version(q, "1.4");
        } else {
            qpdf_set_object_stream_mode(q, qpdf_o_generate);
        }
        ok = !(qpdf_write(q) & QPDF_ERRORS);
    }
    if (!ok && qpdf_has_error(q))
        q_failed(f, "writing");
    if (ok) {
        report_warnings(f);
        /* The rename makes the file appear whole or not at all.  No fsync
         * per file: it cost more than the typesetting (docs/performance.md);
         * a batch that must survive power loss syncs the folder once. */
        if (rename(tmp, f->out_path) != 0)
            ok = false;
        if (!ok)
            kk_sys_error(f->diag, f->out_path, "cannot save the PDF: %s",
                         strerror(errno));
    }
    if (!ok)
        unlink(tmp);
    free(tmp);
    return ok;
}

/* ---- entry point ---------------------------------------------------------- */

static bool finish(finisher *f, kk_pdf_docinfo *m, const unsigned char *icc, size_t icc_len)
{
    qpdf_silence_errors(f->q);
    /* Warnings still queue up for report_warnings; only the printing stops. */
    qpdf_set_suppress_warnings(f->q, QPDF_TRUE);
    QPDF_ERROR_CODE rc = f->in_data
        ? qpdf_read_memory(f->q, f->in_path, (const char *)f->in_data, (unsigned long long)f->in_len, NULL)
        : qpdf_read(f->q, f->in_path, NULL);
    if (rc & QPDF_ERRORS) {
        qpdf_error e = qpdf_get_error(f->q);
        kk_sys_error(f->diag, f->in_path, "cannot read the rendered PDF: %s",
                     e ? qpdf_get_error_full_text(f->q, e) : "unknown error");
        return false;
    }
    report_warnings(f);
    m->producer = make_producer(f);
    if (!m->producer) {
        kk_sys_error(f->diag, f->out_path, "out of memory");
        return false;
    }
    qpdf_oh root = qpdf_get_root(f->q);
    if (q_failed(f, "reading the catalog") || !write_info(f, m) ||
        !repair_struct_parents(f, root) ||
        !write_catalog(f, root, m) || !write_metadata(f, root, m) ||
        !mark_artifacts(f, root))
        return false;
    if (m->pdfa_part > 0 && !write_output_intent(f, root, icc, icc_len))
        return false;
    if (m->pdfa_part > 0 && !kk_pdf_pdfa_fixups(f->q, m->pdfa_part, f->out_path, f->diag))
        return false;
    if (m->pdfa_part == 1 && !drop_page_groups(f))
        return false;
    return write_pdf(f, m->pdfa_part);
}

static bool finish_any(const char *in_path, const unsigned char *in_data, size_t in_len,
                       const char *out_path, const kk_pdf_meta *meta, kk_diag *diag)
{
    if (!in_path || !out_path || !out_path[0]) {
        kk_sys_error(diag, NULL, "kk_pdf_finish: no input or output path");
        return false;
    }
    kk_pdf_docinfo m;
    if (!kk_pdf_docinfo_init(&m, meta, out_path, diag))
        return false;
    unsigned char *icc = NULL;
    size_t icc_len = 0;
    if (m.pdfa_part > 0) {
        icc = read_icc(meta->icc_path ? meta->icc_path : KK_PDF_DEFAULT_ICC,
                       &icc_len, diag);
        if (!icc) {
            kk_pdf_docinfo_free(&m);
            return false;
        }
    }
    finisher f = {.q = qpdf_init(), .diag = diag, .in_path = in_path,
                  .out_path = out_path, .in_data = in_data, .in_len = in_len};
    bool ok = false;
    if (!f.q)
        kk_sys_error(diag, out_path, "out of memory");
    else
        ok = finish(&f, &m, icc, icc_len);
    if (f.q)
        qpdf_cleanup(&f.q);
    free(f.refs);
    free(icc);
    kk_pdf_docinfo_free(&m);
    return ok;
}

bool kk_pdf_finish(const char *in_path, const char *out_path,
                   const kk_pdf_meta *meta, kk_diag *diag)
{
    return finish_any(in_path, NULL, 0, out_path, meta, diag);
}

bool kk_pdf_finish_memory(const unsigned char *pdf, size_t len, const char *out_path,
                          const kk_pdf_meta *meta, kk_diag *diag)
{
    return finish_any(out_path, pdf, len, out_path, meta, diag);
}
