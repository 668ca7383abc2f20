/*
 * pdf_finish_test — makes a small tagged two-page PDF with Cairo and runs
 * kk_pdf_finish on it in each PDF/A mode.  The external checks (qpdf --check,
 * pdfinfo, byte-identical reruns) live in pdf_finish_test.sh; this program
 * only checks what C can see cheaply: return values, and that a failure
 * leaves no file behind.
 *
 * Usage: pdf_finish_test OUTDIR
 * Writes OUTDIR/raw.pdf (Cairo's output), OUTDIR/plain.pdf, OUTDIR/a1b.pdf,
 * OUTDIR/a2b.pdf, OUTDIR/inplace.pdf (finished over itself),
 * OUTDIR/linkonly.pdf (from Cairo's damaged output for a link without any
 * structure) and OUTDIR/reparented.pdf (from raw.pdf with the link entries
 * cut out of its ParentTree).
 */
#include "render/pdf_finish.h"
#include "util/diag.h"

#include <cairo-pdf.h>
#include <qpdf/qpdf-c.h>
#include <cairo.h>
#include <dirent.h>
#include <fontconfig/fontconfig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static void text_at(cairo_t *cr, double x, double y, const char *s)
{
    cairo_move_to(cr, x, y);
    cairo_show_text(cr, s);
}

static bool make_raw_pdf(const char *path)
{
    cairo_surface_t *s = cairo_pdf_surface_create(path, 595.0, 842.0);
    cairo_t *cr = cairo_create(s);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           CAIRO_FONT_WEIGHT_NORMAL);

    cairo_tag_begin(cr, "Document", "");

    cairo_tag_begin(cr, "H1", "");
    cairo_set_font_size(cr, 20);
    text_at(cr, 72, 90, "Kokouskutsu");
    cairo_tag_end(cr, "H1");
    cairo_pdf_surface_add_outline(s, CAIRO_PDF_OUTLINE_ROOT, "Kokouskutsu",
                                  "page=1 pos=[72 70]", 0);

    cairo_tag_begin(cr, "P", "");
    cairo_set_font_size(cr, 11);
    text_at(cr, 72, 130, "Hallitus kokoontuu torstaina. Lis\xc3\xa4tietoja:");
    cairo_tag_begin(cr, CAIRO_TAG_LINK, "uri='https://example.org/kokous'");
    text_at(cr, 72, 146, "https://example.org/kokous");
    cairo_tag_end(cr, CAIRO_TAG_LINK);
    cairo_tag_end(cr, "P");

    cairo_show_page(cr);

    cairo_tag_begin(cr, "H1", "");
    cairo_set_font_size(cr, 20);
    text_at(cr, 72, 90, "Liite");
    cairo_tag_end(cr, "H1");
    cairo_pdf_surface_add_outline(s, CAIRO_PDF_OUTLINE_ROOT, "Liite",
                                  "page=2 pos=[72 70]", 0);
    cairo_tag_begin(cr, "P", "");
    cairo_set_font_size(cr, 11);
    text_at(cr, 72, 130, "Toinen sivu.");
    cairo_tag_begin(cr, CAIRO_TAG_LINK, "uri='https://example.org/liite'");
    text_at(cr, 72, 146, "https://example.org/liite");
    cairo_tag_end(cr, CAIRO_TAG_LINK);
    cairo_tag_end(cr, "P");

    cairo_tag_end(cr, "Document");
    cairo_show_page(cr);

    cairo_destroy(cr);
    cairo_surface_finish(s);
    cairo_status_t st = cairo_surface_status(s);
    cairo_surface_destroy(s);
    if (st != CAIRO_STATUS_SUCCESS) {
        fprintf(stderr, "cairo: %s\n", cairo_status_to_string(st));
        return false;
    }
    return true;
}

/* Cairo 1.16 writes a broken file (dangling /StructParent, an object in the
 * xref that is never written) for a link outside any structure element. */
static bool make_linkonly_pdf(const char *path)
{
    cairo_surface_t *s = cairo_pdf_surface_create(path, 595.0, 842.0);
    cairo_t *cr = cairo_create(s);
    cairo_set_font_size(cr, 12);
    cairo_tag_begin(cr, CAIRO_TAG_LINK, "uri='https://example.org/'");
    text_at(cr, 72, 120, "https://example.org/");
    cairo_tag_end(cr, CAIRO_TAG_LINK);
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    return true;
}

/* The public version's footer: one line on an otherwise empty page. */
static bool make_overlay_pdf(const char *path)
{
    cairo_surface_t *s = cairo_pdf_surface_create(path, 595.0, 842.0);
    cairo_t *cr = cairo_create(s);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, 8);
    text_at(cr, 72, 820, "Verkkoversio. Henkil\xc3\xb6tiedot on poistettu.");
    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    return true;
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = malloc(1 << 22);
    *len = f && buf ? fread(buf, 1, 1 << 22, f) : 0;
    if (f)
        fclose(f);
    return buf;
}

/* The flat /Nums array of the ParentTree, or a null handle. */
static qpdf_oh parent_nums(qpdf_data q)
{
    qpdf_oh str = qpdf_oh_get_key(q, qpdf_get_root(q), "/StructTreeRoot");
    qpdf_oh pt = qpdf_oh_get_key_if_dict(q, str, "/ParentTree");
    return qpdf_oh_get_key_if_dict(q, pt, "/Nums");
}

static qpdf_oh nums_lookup(qpdf_data q, qpdf_oh nums, long long key)
{
    int n = qpdf_oh_is_array(q, nums) ? qpdf_oh_get_array_n_items(q, nums) : 0;
    for (int i = 0; i + 1 < n; i += 2)
        if (qpdf_oh_get_int_value(q, qpdf_oh_get_array_item(q, nums, i)) == key)
            return qpdf_oh_get_array_item(q, nums, i + 1);
    return 0;
}

/* Simulates the Cairo slip: drops the ParentTree entries of all link
 * annotations of in_path and writes out_path. */
static bool break_parent_tree(const char *in_path, const char *out_path)
{
    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    bool ok = !(qpdf_read(q, in_path, NULL) & QPDF_ERRORS);
    qpdf_oh nums = ok ? parent_nums(q) : 0;
    int np = ok ? qpdf_get_num_pages(q) : 0;
    for (int p = 0; p < np; p++) {
        qpdf_oh annots = qpdf_oh_get_key(q, qpdf_get_page_n(q, (size_t)p), "/Annots");
        int na = qpdf_oh_is_array(q, annots) ? qpdf_oh_get_array_n_items(q, annots) : 0;
        for (int i = 0; i < na; i++) {
            qpdf_oh sp = qpdf_oh_get_key(q, qpdf_oh_get_array_item(q, annots, i),
                                         "/StructParent");
            long long key = qpdf_oh_get_int_value(q, sp);
            int n = qpdf_oh_get_array_n_items(q, nums);
            for (int k = 0; k + 1 < n; k += 2)
                if (qpdf_oh_get_int_value(q, qpdf_oh_get_array_item(q, nums, k)) == key) {
                    qpdf_oh_erase_item(q, nums, k + 1);
                    qpdf_oh_erase_item(q, nums, k);
                    break;
                }
        }
    }
    ok = ok && !qpdf_has_error(q) && !(qpdf_init_write(q, out_path) & QPDF_ERRORS) &&
         !(qpdf_write(q) & QPDF_ERRORS);
    qpdf_cleanup(&q);
    return ok;
}

/* Number of /StructParent(s) in path that do not resolve; *links counts the
 * annotations whose entry is a /Link structure element; -1 if unreadable. */
static int count_dangling(const char *path, int *links)
{
    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    int bad = 0;
    *links = 0;
    if (qpdf_read(q, path, NULL) != QPDF_SUCCESS) {
        qpdf_cleanup(&q);
        return -1;
    }
    qpdf_oh nums = parent_nums(q);
    int np = qpdf_get_num_pages(q);
    for (int p = 0; p < np; p++) {
        qpdf_oh page = qpdf_get_page_n(q, (size_t)p);
        qpdf_oh sps = qpdf_oh_get_key(q, page, "/StructParents");
        if (qpdf_oh_is_integer(q, sps) &&
            !nums_lookup(q, nums, qpdf_oh_get_int_value(q, sps)))
            bad++;
        qpdf_oh annots = qpdf_oh_get_key(q, page, "/Annots");
        int na = qpdf_oh_is_array(q, annots) ? qpdf_oh_get_array_n_items(q, annots) : 0;
        for (int i = 0; i < na; i++) {
            qpdf_oh a = qpdf_oh_get_array_item(q, annots, i);
            qpdf_oh sp = qpdf_oh_get_key(q, a, "/StructParent");
            if (!qpdf_oh_is_integer(q, sp))
                continue;
            qpdf_oh elem = nums_lookup(q, nums, qpdf_oh_get_int_value(q, sp));
            if (!elem)
                bad++;
            else if (qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, elem, "/S"), "/Link"))
                (*links)++;
        }
    }
    if (qpdf_has_error(q) || qpdf_more_warnings(q))
        bad = -1;
    qpdf_cleanup(&q);
    return bad;
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* Temp files are named ".NAME.XXXXXX"; any leftover means a leak on failure. */
static int count_hidden(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] == '.' && strcmp(e->d_name, ".") != 0 &&
            strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s OUTDIR\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1];
    char *raw = join(dir, "raw.pdf");
    char *inplace = join(dir, "inplace.pdf");
    if (!raw || !inplace || !make_raw_pdf(raw) || !make_raw_pdf(inplace)) {
        free(raw);
        free(inplace);
        return 1;
    }

    kk_diag *diag = kk_diag_new(KK_DIAG_TEXT, stderr);
    kk_pdf_meta meta = {
        .title = "Kokouskutsu & <esityslista> \xe2\x80\x94 hallitus",
        .author = "Esimerkin kunta",
        .subject = "Hallituksen kokous 1/2024",
        .keywords = "kokous, hallitus",
        .creator = "kokous 0.1.0",
        .lang = "fi",
        .created = 1704067200LL + 3661, /* 2024-01-01 01:01:01 UTC */
        .pdfa_part = 0,
        .icc_path = NULL,
    };

    static const struct {
        const char *name;
        int part;
    } outs[] = {{"plain.pdf", 0}, {"a1b.pdf", 1}, {"a2b.pdf", 2}};
    for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++) {
        char *out = join(dir, outs[i].name);
        meta.pdfa_part = outs[i].part;
        CHECK(out && kk_pdf_finish(raw, out, &meta, diag));
        free(out);
    }

    meta.pdfa_part = 2;
    CHECK(kk_pdf_finish(inplace, inplace, &meta, diag));

    int links = 0;
    char *plain = join(dir, "plain.pdf");
    CHECK(count_dangling(plain, &links) == 0 && links == 2);

    /* The repair must restore entries pointing at the Link elements. */
    char *broken = join(dir, "broken.tmp");
    char *reparented = join(dir, "reparented.pdf");
    CHECK(break_parent_tree(raw, broken));
    CHECK(count_dangling(broken, &links) == 2 && links == 0);
    CHECK(kk_pdf_finish(broken, reparented, &meta, diag));
    CHECK(count_dangling(reparented, &links) == 0 && links == 2);
    remove(broken);

    /* Cairo's damaged link-only file: read with warnings, and
     * the stray /StructParent(s) are dropped. */
    char *linkonly = join(dir, "linkonly.pdf");
    kk_diag *warn = kk_diag_new(KK_DIAG_COLLECT, NULL);
    CHECK(make_linkonly_pdf(linkonly));
    CHECK(kk_pdf_finish(linkonly, linkonly, &meta, warn));
    CHECK(kk_diag_error_count(warn) == 0 && kk_diag_count(warn) > 0);
    for (size_t i = 0; i < kk_diag_count(warn); i++)
        fprintf(stderr, "expected warning: %s\n", kk_diag_get(warn, i)->message);
    CHECK(count_dangling(linkonly, &links) == 0 && links == 0);
    kk_diag_free(warn);
    free(plain);
    free(broken);
    free(reparented);
    free(linkonly);

    /* A pair from one parse: the second file has the overlay on every page. */
    char *ov = join(dir, "overlay.tmp"), *pa = join(dir, "pair-a.pdf"), *pb = join(dir, "pair-b.pdf");
    size_t raw_len = 0, ov_len = 0;
    CHECK(make_overlay_pdf(ov));
    unsigned char *raw_data = slurp(raw, &raw_len), *ov_data = slurp(ov, &ov_len);
    meta.pdfa_part = 0;
    CHECK(kk_pdf_finish_pair(raw_data, raw_len, pa, ov_data, ov_len, pb, &meta, diag));
    remove(ov);
    free(ov);

    /* Failures must report and leave nothing behind. */
    kk_diag *quiet = kk_diag_new(KK_DIAG_COLLECT, NULL);
    char *pc = join(dir, "pair-c.pdf");
    CHECK(!kk_pdf_finish_pair(raw_data, raw_len, pa, (const unsigned char *)"junk", 4, pc, &meta, quiet));
    CHECK(kk_diag_error_count(quiet) == 1);
    FILE *pcf = fopen(pc, "rb");
    CHECK(pcf == NULL);
    if (pcf)
        fclose(pcf);
    free(pc);
    free(pa);
    free(pb);
    free(raw_data);
    free(ov_data);
    char *missing = join(dir, "no-such-input.pdf");
    char *bad_out = join(dir, "bad.pdf");
    CHECK(!kk_pdf_finish(missing, bad_out, &meta, quiet));
    CHECK(kk_diag_error_count(quiet) == 2);
    CHECK(!kk_pdf_finish(raw, "/nonexistent-dir/x.pdf", &meta, quiet));
    CHECK(kk_diag_error_count(quiet) == 3);
    kk_pdf_meta no_title = meta;
    no_title.title = NULL;
    CHECK(!kk_pdf_finish(raw, bad_out, &no_title, quiet));
    kk_pdf_meta bad_icc = meta;
    bad_icc.icc_path = "/nonexistent.icc";
    bad_icc.pdfa_part = 1;
    CHECK(!kk_pdf_finish(raw, bad_out, &bad_icc, quiet));
    /* Not a PDF at all: refused, not recovered into garbage. */
    CHECK(!kk_pdf_finish("/etc/hostname", bad_out, &meta, quiet));
    CHECK(kk_diag_error_count(quiet) == 6);
    for (size_t i = 0; i < kk_diag_count(quiet); i++)
        fprintf(stderr, "expected: %s\n", kk_diag_get(quiet, i)->message);
    FILE *f = fopen(bad_out, "rb");
    CHECK(f == NULL);
    if (f)
        fclose(f);
    CHECK(count_hidden(dir) == 0);

    kk_diag_free(quiet);
    kk_diag_free(diag);
    free(missing);
    free(bad_out);
    free(raw);
    free(inplace);
    /* Cairo's toy font API fills fontconfig's caches; empty them so that
     * valgrind and LeakSanitizer only see our own leaks. */
    cairo_debug_reset_static_data();
    FcFini();
    if (failures)
        fprintf(stderr, "%d check(s) failed\n", failures);
    else
        fprintf(stderr, "pdf_finish_test: all C checks passed\n");
    return failures ? 1 : 0;
}
