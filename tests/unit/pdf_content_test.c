/*
 * pdf_content_test — the artifact marker of render/pdf_content.h.
 *
 *   pdf_content_test OUTDIR        exact-output cases, then writes
 *       OUTDIR/tagged-raw.pdf   a 10-page tagged PDF from the layout engine
 *                               (running header + rule, a table over pages),
 *                               drawn by Cairo when KOKOUS_CAIRO_PDF is set
 *                               (the .sh sets it: Cairo leaves artifacts
 *                               unmarked, the PDF canvas marks them)
 *       OUTDIR/tagged.pdf       the same, finished
 *       OUTDIR/untagged-raw.pdf a Cairo PDF without structure
 *       OUTDIR/untagged.pdf     the same, finished (content must not change)
 *   pdf_content_test -t OUTDIR     also prints timings
 *   pdf_content_test -f            filter: rewrites stdin to stdout (for the
 *                                  random well-formed streams of the .sh)
 *
 * pdf_content_test.sh checks the PDFs (every painting operator marked,
 * qpdf --check, pdftotext unchanged, byte-identical reruns).
 */
#define _POSIX_C_SOURCE 200809L
#include "layout/layout.h"
#include "render/pdf_content.h"
#include "render/pdf_finish.h"
#include "util/cairo_lazy.h"
#include "util/diag.h"

#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; \
    fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
    fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

/* ---- exact outputs ---------------------------------------------------------- */

static bool keep_fx(const char *name, size_t len, void *user)
{
    (void)user;
    return len == 2 && memcmp(name, "Fx", 2) == 0;
}

static void expect(const char *what, const char *in, size_t in_len, const char *want,
                   size_t want_len)
{
    size_t n = 0;
    bool changed = true;
    kk_pdf_content_stats st;
    unsigned char *out = kk_pdf_mark_artifacts((const unsigned char *)in, in_len,
                                               keep_fx, NULL, &n, &changed, &st);
    CHECK(out != NULL, "%s: NULL", what);
    if (!out)
        return;
    bool same = n == want_len && memcmp(out, want, n) == 0;
    CHECK(same, "%s:\n--- got ---\n%.*s\n--- want ---\n%.*s", what, (int)n, out,
          (int)want_len, want);
    CHECK(changed == (in_len != want_len || memcmp(in, want, in_len) != 0),
          "%s: changed flag", what);
    free(out);
}

#define EXPECT(what, in, want) expect(what, in, sizeof in - 1, want, sizeof want - 1)

static void test_exact(void)
{
    EXPECT("empty", "", "");
    EXPECT("state only", "q 1 0 0 1 0 0 cm 0 g Q\n", "q 1 0 0 1 0 0 cm 0 g Q\n");
    EXPECT("marked text untouched",
           "/P <</MCID 0>> BDC BT /f-0-0 1 Tf (a) Tj ET EMC\n",
           "/P <</MCID 0>> BDC BT /f-0-0 1 Tf (a) Tj ET EMC\n");
    EXPECT("bare text: whole text object",
           "BT /f-0-0 1 Tf (a) Tj ET\n",
           "/Artifact BMC\nBT /f-0-0 1 Tf (a) Tj ET\nEMC\n");
    EXPECT("q block with a path, closed at the end",
           "q 0.5 w 0 0 m 10 0 l S Q 0 0 10 10 re W n",
           "/Artifact BMC\nq 0.5 w 0 0 m 10 0 l S Q 0 0 10 10 re W n\nEMC");
    EXPECT("clip-only path is no content", "0 0 10 10 re W n\n", "0 0 10 10 re W n\n");
    EXPECT("closed before a BDC; starts at the path's first operator",
           "0 g 0 0 m 1 1 l S\n/P <</MCID 1>> BDC BT (x) Tj ET EMC\n",
           "0 g /Artifact BMC\n0 0 m 1 1 l S\nEMC\n/P <</MCID 1>> BDC BT (x) Tj ET EMC\n");
    EXPECT("q block holding marked content is not entered",
           "q 0 0 m 1 1 l S /P <</MCID 0>> BDC 2 2 m 3 3 l S EMC Q",
           "q /Artifact BMC\n0 0 m 1 1 l S\nEMC /P <</MCID 0>> BDC 2 2 m 3 3 l S EMC Q");
    EXPECT("opened inside q: closed before its Q",
           "q /P <</MCID 0>> BDC (a) Tj EMC 0 0 m 1 1 l S Q 1 g",
           "q /P <</MCID 0>> BDC (a) Tj EMC /Artifact BMC\n0 0 m 1 1 l S\nEMC Q 1 g");
    EXPECT("opened inside BT: closed before ET",
           "BT /P <</MCID 0>> BDC (a) Tj EMC (b) Tj 0 -12 Td (c) Tj ET",
           "BT /P <</MCID 0>> BDC (a) Tj EMC /Artifact BMC\n(b) Tj 0 -12 Td (c) Tj\nEMC ET");
    EXPECT("strings and comments hide operators",
           "(BDC \\) ( EMC) Tj) Tj % BDC\n<4244 43> Tj",
           "/Artifact BMC\n(BDC \\) ( EMC) Tj) Tj % BDC\n<4244 43> Tj\nEMC");
    EXPECT("trailing comment does not swallow EMC", "(a) Tj % end",
           "/Artifact BMC\n(a) Tj\nEMC % end");
    EXPECT("Do, sh and a kept Do",
           "/Im1 Do /Sh0 sh /Fx Do /Im2 Do",
           "/Artifact BMC\n/Im1 Do /Sh0 sh\nEMC /Fx Do /Artifact BMC\n/Im2 Do\nEMC");
    EXPECT("optional content does not mark", "/OC /oc1 BDC (a) Tj EMC",
           "/OC /oc1 BDC /Artifact BMC\n(a) Tj\nEMC EMC");
    EXPECT("named property list is assumed to mark", "/Span /MC0 BDC (a) Tj EMC",
           "/Span /MC0 BDC (a) Tj EMC");
    EXPECT("marked content point is not drawing", "/Tag MP 1 g", "/Tag MP 1 g");
    EXPECT("dictionaries with nested strings",
           "/Span <</ActualText (x\\)>>) /MCID 3>> BDC [(a) -20 (b)] TJ EMC",
           "/Span <</ActualText (x\\)>>) /MCID 3>> BDC [(a) -20 (b)] TJ EMC");
    /* Unfiltered inline image whose data contains " EI " and "BDC". */
    static const char img[] = "BI /W 4 /H 2 /BPC 8 /CS /G ID \x01 EI BDC\x00 \n EI Q";
    static const char img_want[] =
        "/Artifact BMC\nBI /W 4 /H 2 /BPC 8 /CS /G ID \x01 EI BDC\x00 \n EI\nEMC Q";
    expect("inline image, exact length", img, sizeof img - 1, img_want, sizeof img_want - 1);
    /* Filtered: the length is unknown, so EI must be found by looking. */
    static const char fimg[] = "q BI /W 2 /H 2 /F /AHx ID 0a0b\xff EIx\n0c0d> EI Q";
    static const char fimg_want[] =
        "/Artifact BMC\nq BI /W 2 /H 2 /F /AHx ID 0a0b\xff EIx\n0c0d> EI Q\nEMC";
    expect("inline image, searched EI", fimg, sizeof fimg - 1, fimg_want, sizeof fimg_want - 1);
    EXPECT("unterminated string is one operand", "(abc) Tj (abc Tj", 
           "/Artifact BMC\n(abc) Tj\nEMC (abc Tj");
    EXPECT("inline image without EI", "(a) Tj BI /W 1 ID xx",
           "/Artifact BMC\n(a) Tj BI /W 1 ID xx\nEMC");
    EXPECT("unbalanced Q and EMC", "Q EMC (a) Tj Q",
           "Q EMC /Artifact BMC\n(a) Tj\nEMC Q");
}

static bool keeps_input(const unsigned char *in, size_t n, const unsigned char *out, size_t m)
{
    size_t j = 0;
    for (size_t i = 0; i < m && j < n; i++)
        if (out[i] == in[j])
            j++;
    return j == n;
}

/* Every prefix of a tricky stream, and random streams from content-stream
 * pieces and stray bytes: no crash or hang (run under ASan/valgrind), and
 * the output keeps the input's bytes in order. */
static void test_robustness(void)
{
    static const char s[] = "q BT /P <</MCID 0>> BDC [(a\\051(b)c) 5] TJ EMC ET "
                            "BI /W 1 /H 1 /BPC 8 /CS /RGB ID abc EI 0 0 m 1 1 l S Q";
    for (size_t n = 0; n <= sizeof s - 1; n++) {
        size_t m = 0;
        unsigned char *out = kk_pdf_mark_artifacts((const unsigned char *)s, n, NULL, NULL,
                                                   &m, NULL, NULL);
        CHECK(out && keeps_input((const unsigned char *)s, n, out, m), "prefix %zu", n);
        free(out);
    }
    static const char *const pieces[] = {
        "q ", "Q ", "BT ", "ET ", "/P <</MCID 0>> BDC ", "/Artifact BMC ", "EMC ",
        "0 0 m ", "1 1 l ", "S ", "f ", "n ", "W ", "0 0 1 1 re ", "(a) Tj ", "[(b) 3] TJ ",
        "(", ")", "\\", "<", ">", "<<", "%c\n", "/Im Do ", "/Fx Do ", "/S sh ", "BI ",
        "ID ", "EI ", " ", "\n", "/W 2 /H 1 /BPC 8 /CS /G ID ab EI ", "1 g ",
    };
    enum { NP = sizeof pieces / sizeof pieces[0] };
    unsigned long long seed = 12345;
    unsigned char buf[600];
    for (int iter = 0; iter < 20000; iter++) {
        size_t n = 0;
        int count = (int)((seed >> 33) % 40);
        for (int k = 0; k < count; k++) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            unsigned r = (unsigned)(seed >> 33);
            if (r % 9 == 0) {
                buf[n++] = (unsigned char)(r >> 8);
            } else {
                const char *p = pieces[r % NP];
                size_t l = strlen(p);
                memcpy(buf + n, p, l);
                n += l;
            }
        }
        size_t m = 0;
        kk_pdf_content_stats st;
        unsigned char *out = kk_pdf_mark_artifacts(buf, n, keep_fx, NULL, &m, NULL, &st);
        CHECK(out && keeps_input(buf, n, out, m), "random stream %d", iter);
        /* Each sequence adds "/Artifact BMC\n" (maybe after a newline) and "\nEMC". */
        size_t a = st.artifacts, one = sizeof "/Artifact BMC\n" - 1 + 4;
        CHECK(!out || (m >= n + a * one && m <= n + a * (one + 1)),
              "random stream %d: unexpected growth", iter);
        free(out);
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    }
}

/* ---- PDFs -------------------------------------------------------------------- */

static const kk_page_geometry A4 = {595.276, 841.89, 42.5, 56.7, 70.9, 56.7, 42.5, 20};
static kk_text_style body, small, head;
static kk_typesetter *ts;

static void decorate(kk_canvas *cv, int page, int pages, const kk_page_geometry *g, void *u)
{
    (void)u;
    char right[64];
    snprintf(right, sizeof right, "%d (%d)", page, pages);
    double w = g->width - g->margin_left - g->margin_right;
    PangoLayout *l = kk_typesetter_layout(ts, &small, "Jäämäjärven kunta · Pöytäkirja 5/2024", w);
    PangoLayout *r = kk_typesetter_layout(ts, &small, right, w);
    pango_layout_set_alignment(r, PANGO_ALIGN_RIGHT);
    kk_canvas_set_rgb(cv, 0, 0, 0);
    kk_canvas_show_layout(cv, l, g->margin_left, g->margin_top);
    kk_canvas_show_layout(cv, r, g->margin_left, g->margin_top);
    kk_canvas_fill_rect(cv, g->margin_left, g->margin_top + 16 - 0.25, g->width - g->margin_left - g->margin_right, 0.5);
    g_object_unref(l);
    g_object_unref(r);
}

static bool make_tagged(const char *path, kk_diag *diag)
{
    body = (kk_text_style){.family = "DejaVu Sans", .size = 10, .space_after = 5,
                           .justify = true};
    small = body;
    small.size = 9;
    small.justify = false;
    head = body;
    head.size = 13;
    head.bold = true;
    head.justify = false;
    head.space_before = 12;
    kk_text_style thead = small;
    thead.bold = true;
    kk_flow *f = kk_flow_new(ts, &A4, diag);
    kk_flow_set_metadata(f, "Pöytäkirja", "Jäämäjärven kunta", "2024-05-13T17:00:00Z");
    kk_flow_struct_begin(f, "Document");
    kk_flow_heading(f, 1, &head, "Kunnanhallitus — Pöytäkirja 5/2024", "Pöytäkirja", "top");
    kk_flow_rule(f, 0.5);
    kk_flow_paragraph(f, "P", &body, "Lisätietoja: <a href=\"https://example.org/p\">"
                      "kunnan verkkosivut</a> ja <b>lihavoitu</b> teksti.");
    double w[3] = {3, 3, 1};
    kk_table *t = kk_flow_table_begin(f, 3, w, &thead, &small);
    const char *hdr[3] = {"Nimi", "Tehtävä", "Läsnä"};
    kk_table_row(t, true, hdr);
    for (int i = 0; i < 180; i++) {
        char name[64];
        snprintf(name, sizeof name, "Osallistuja %03d Mäkelä-Åkerlund", i + 1);
        const char *cells[3] = {name, i % 7 ? "jäsen" : "varajäsen, saapui klo 17.15",
                                i % 5 ? "kyllä" : "ei"};
        kk_table_row(t, false, cells);
    }
    kk_flow_table_end(f, t);
    for (int i = 0; i < 44; i++) {
        kk_flow_heading(f, 2, &head, "§ 65\tPäätös", NULL, NULL);
        kk_flow_paragraph(f, "P", &body, "Kunnanhallitus päätti yksimielisesti hyväksyä "
                          "esityksen, ja asia siirretään valtuuston käsiteltäväksi "
                          "seuraavassa kokouksessa. Perusteluina todettiin, että talousarvion "
                          "toteutuminen edellyttää lisämäärärahaa.");
        kk_flow_rule(f, 0.5);
    }
    kk_flow_struct_end(f);
    int pages = 0;
    bool ok = kk_flow_render_pdf(f, path, decorate, NULL, &pages, diag);
    kk_flow_free(f);
    fprintf(stderr, "tagged: %d pages\n", pages);
    CHECK(pages == 10, "the tagged test document has %d pages, not 10", pages);
    return ok;
}

static bool make_untagged(const char *path)
{
    cairo_surface_t *s = cairo_pdf_surface_create(path, 595.0, 842.0);
    cairo_t *cr = cairo_create(s);
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL,
                           CAIRO_FONT_WEIGHT_NORMAL);
    for (int p = 0; p < 2; p++) {
        cairo_set_font_size(cr, 12);
        cairo_move_to(cr, 72, 90);
        cairo_show_text(cr, p ? "Toinen sivu" : "Ensimmäinen sivu");
        cairo_rectangle(cr, 72, 100, 200, 1);
        cairo_fill(cr);
        cairo_show_page(cr);
    }
    cairo_destroy(cr);
    cairo_surface_finish(s);
    bool ok = cairo_surface_status(s) == CAIRO_STATUS_SUCCESS;
    cairo_surface_destroy(s);
    return ok;
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* The concatenated content of each page; caller frees each and the array. */
static int page_contents(const char *path, unsigned char ***bufs, size_t **lens)
{
    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    int n = -1;
    if (!(qpdf_read(q, path, NULL) & QPDF_ERRORS)) {
        n = qpdf_get_num_pages(q);
        *bufs = calloc((size_t)n, sizeof **bufs);
        *lens = calloc((size_t)n, sizeof **lens);
        for (int i = 0; i < n; i++)
            qpdf_oh_get_page_content_data(q, qpdf_get_page_n(q, (size_t)i), &(*bufs)[i],
                                          &(*lens)[i]);
    }
    qpdf_cleanup(&q);
    return n;
}

static void free_contents(int n, unsigned char **bufs, size_t *lens)
{
    for (int i = 0; i < n; i++)
        free(bufs[i]);
    free(bufs);
    free(lens);
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static const kk_pdf_meta META = {.title = "Pöytäkirja", .author = "Jäämäjärven kunta",
                                 .creator = "kokous test", .lang = "fi",
                                 .created = 1715619600LL};

static void test_pdfs(const char *dir, bool timing, kk_diag *diag)
{
    char *traw = join(dir, "tagged-raw.pdf"), *tfin = join(dir, "tagged.pdf");
    char *uraw = join(dir, "untagged-raw.pdf"), *ufin = join(dir, "untagged.pdf");
    CHECK(make_tagged(traw, diag), "render");
    CHECK(kk_pdf_finish(traw, tfin, &META, diag), "finish tagged");
    CHECK(make_untagged(uraw), "untagged");
    CHECK(kk_pdf_finish(uraw, ufin, &META, diag), "finish untagged");

    /* Untagged: the page content must come through byte for byte. */
    unsigned char **a = NULL, **b = NULL;
    size_t *al = NULL, *bl = NULL;
    int na = page_contents(uraw, &a, &al), nb = page_contents(ufin, &b, &bl);
    CHECK(na == 2 && nb == 2, "untagged page counts %d %d", na, nb);
    for (int i = 0; i < na && i < nb; i++)
        CHECK(al[i] == bl[i] && memcmp(a[i], b[i], al[i]) == 0, "untagged page %d changed", i);
    free_contents(na, a, al);
    free_contents(nb, b, bl);

    if (timing) {
        int n = page_contents(traw, &a, &al);
        size_t bytes = 0, ops = 0, arts = 0;
        enum { REPS = 200 };
        double t0 = now();
        for (int r = 0; r < REPS; r++)
            for (int i = 0; i < n; i++) {
                size_t m;
                kk_pdf_content_stats st;
                free(kk_pdf_mark_artifacts(a[i], al[i], NULL, NULL, &m, NULL, &st));
                if (r == 0) {
                    bytes += al[i];
                    ops += st.operators;
                    arts += st.artifacts;
                }
            }
        double rewrite = (now() - t0) / REPS / n;
        free_contents(n, a, al);
        enum { FREPS = 10 };
        t0 = now();
        for (int r = 0; r < FREPS; r++)
            kk_pdf_finish(traw, tfin, &META, diag);
        double fin = (now() - t0) / FREPS;
        printf("pages %d, content %zu bytes, %zu operators, %zu artifact sequences\n",
               n, bytes, ops, arts);
        printf("rewrite only: %.1f us/page; whole kk_pdf_finish: %.2f ms (%.2f ms/page)\n",
               rewrite * 1e6, fin * 1e3, fin * 1e3 / n);
    }
    free(traw);
    free(tfin);
    free(uraw);
    free(ufin);
}

static int filter(void)
{
    size_t n = 0, cap = 1 << 16;
    unsigned char *in = malloc(cap);
    size_t got;
    while (in && (got = fread(in + n, 1, cap - n, stdin)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *p = realloc(in, cap *= 2);
            if (!p)
                free(in);
            in = p;
        }
    }
    size_t m = 0;
    unsigned char *out = in ? kk_pdf_mark_artifacts(in, n, NULL, NULL, &m, NULL, NULL) : NULL;
    bool ok = out && fwrite(out, 1, m, stdout) == m;
    free(in);
    free(out);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    /* This test links Cairo for its own untagged PDF, so Cairo's calls to
     * itself pass through kokous's stand-ins (util/lazy.h): open it first. */
    if (!kk_cairo_open()) {
        fprintf(stderr, "cannot open %s\n", KK_CAIRO_SONAME);
        return 1;
    }
    if (argc == 2 && strcmp(argv[1], "-f") == 0)
        return filter();
    bool timing = argc == 3 && strcmp(argv[1], "-t") == 0;
    if (argc != 2 && !timing) {
        fprintf(stderr, "usage: %s [-t] OUTDIR\n", argv[0]);
        return 2;
    }
    test_exact();
    test_robustness();
    kk_diag *diag = kk_diag_new(KK_DIAG_TEXT, stderr);
    ts = kk_typesetter_new("fi");
    test_pdfs(argv[argc - 1], timing, diag);
    CHECK(kk_diag_error_count(diag) == 0, "diagnostics reported");
    kk_typesetter_free(ts);
    kk_diag_free(diag);
    cairo_debug_reset_static_data();
    FcFini();
    if (failures)
        fprintf(stderr, "%d check(s) failed\n", failures);
    else
        fprintf(stderr, "pdf_content_test: all C checks passed\n");
    return failures != 0;
}
