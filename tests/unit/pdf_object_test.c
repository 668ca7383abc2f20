/*
 * pdf_object_test — the object-level PDF reader/writer (render/pdf_object.h)
 * on hand-made files: tokens Cairo writes (comments in dictionaries, nested
 * and escaped strings, hex strings, indirect /Length), a listed but missing
 * object, a wrong /Length, edits, garbage collection, both writing modes,
 * refusals.  pdf_object_test.sh runs qpdf --check on the files it writes.
 *
 * Usage: pdf_object_test OUTDIR
 */
#include "render/pdf_object.h"
#include "util/diag.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* A file with a classic table; offsets are computed, so objects can be
 * written freely.  Object 6 is listed but absent; object 7 is unreferenced. */
static char *make_pdf(size_t *len)
{
    static const char *objs[] = {
        NULL,
        "1 0 obj\n<< /Type /Catalog % a comment, as Cairo writes them\n   /Pages 2 0 R >>\nendobj\n",
        "2 0 obj\n<< /Type /Pages /Kids [ 3 0 R ] /Count 1 >>\nendobj\n",
        "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [ 0 0 595.28 841.89 ]\n"
        "   /Contents 4 0 R /Missing 6 0 R /Odd (a \\(b\\) (c) \\\\ d) /Hex <4142 43>\n"
        "   /Flags [ true false null -1.5 +3 ] >>\nendobj\n",
        "4 0 obj\n<< /Length 5 0 R >>\nstream\nBT /F1 12 Tf (Hi) Tj ET\nendstream\nendobj\n",
        "5 0 obj\n   23\nendobj\n",
        NULL, /* 6: listed, never written */
        "7 0 obj\n(unreferenced-marker)\nendobj\n",
        "8 0 obj\n<< /Producer (cairo 1.16.0 \\(https://cairographics.org\\)) /Title <FEFF00E4> /Author (caf\\351) >>\nendobj\n",
        "9 0 obj\n<< /Length 999 >>\nstream\nwrong length\nendstream\nendobj\n",
    };
    size_t n = sizeof objs / sizeof *objs, off[16] = { 0 };
    char *buf = malloc(8192);
    size_t pos = (size_t)sprintf(buf, "%%PDF-1.5\n%%\xb5\xed\xae\xfb\n");
    for (size_t i = 1; i < n; i++) {
        if (!objs[i]) {
            off[i] = 4242; /* somewhere inside another object */
            continue;
        }
        off[i] = pos;
        pos += (size_t)sprintf(buf + pos, "%s", objs[i]);
    }
    size_t xref = pos;
    pos += (size_t)sprintf(buf + pos, "xref\n0 %zu\n0000000000 65535 f \n", n);
    for (size_t i = 1; i < n; i++)
        pos += (size_t)sprintf(buf + pos, "%010zu 00000 n \n", off[i] < xref ? off[i] : 0);
    pos += (size_t)sprintf(buf + pos, "trailer\n<< /Size %zu /Root 1 0 R /Info 8 0 R >>\nstartxref\n%zu\n%%%%EOF\n", n, xref);
    *len = pos;
    return buf;
}

static void save(const char *dir, const char *name, const unsigned char *data, size_t len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    CHECK(f && fwrite(data, 1, len, f) == len);
    if (f)
        fclose(f);
}

static bool contains(const unsigned char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (!memcmp(hay + i, needle, k))
            return true;
    return false;
}

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    size_t len;
    char *in = make_pdf(&len);
    save(argv[1], "input.pdf", (unsigned char *)in, len);
    kk_diag *diag = kk_diag_new(KK_DIAG_COLLECT, NULL);
    kk_pdf *p = kk_pdf_read((unsigned char *)in, len, "input.pdf", diag);
    CHECK(p != NULL);
    if (!p)
        return 1;
    /* the missing object is a warning, not an error */
    CHECK(kk_diag_error_count(diag) == 0 && kk_diag_count(diag) == 1);

    size_t npages;
    const long *pages = kk_pdf_pages(p, &npages);
    CHECK(npages == 1 && pages[0] == 3);
    kk_pdf_val *page = kk_pdf_get(p, 3);
    CHECK(kk_pdf_is_name(kk_pdf_dict_get(page, "/Type"), "/Page"));
    CHECK(kk_pdf_lookup(p, page, "/Missing") == NULL);
    kk_pdf_val *odd = kk_pdf_dict_get(page, "/Odd");
    char *t = kk_pdf_text_utf8(odd);
    CHECK(t && !strcmp(t, "a (b) (c) \\ d"));
    free(t);
    t = kk_pdf_text_utf8(kk_pdf_dict_get(page, "/Hex"));
    CHECK(t && !strcmp(t, "ABC"));
    free(t);
    kk_pdf_val *flags = kk_pdf_dict_get(page, "/Flags");
    long long n = 0;
    CHECK(kk_pdf_is_array(flags) && flags->u.list.n == 5 && flags->u.list.v[0].kind == KK_PDF_BOOL &&
          flags->u.list.v[2].kind == KK_PDF_NULL && !kk_pdf_int(&flags->u.list.v[3], &n) &&
          kk_pdf_int(&flags->u.list.v[4], &n) && n == 3);
    kk_pdf_val *info = kk_pdf_lookup(p, kk_pdf_trailer(p), "/Info");
    t = kk_pdf_text_utf8(kk_pdf_dict_get(info, "/Producer"));
    CHECK(t && !strcmp(t, "cairo 1.16.0 (https://cairographics.org)"));
    free(t);
    t = kk_pdf_text_utf8(kk_pdf_dict_get(info, "/Title"));
    CHECK(t && !strcmp(t, "\xc3\xa4"));
    free(t);
    t = kk_pdf_text_utf8(kk_pdf_dict_get(info, "/Author"));
    CHECK(t && !strcmp(t, "caf\xc3\xa9"));
    free(t);

    /* streams: indirect /Length, and a wrong one (the keyword wins) */
    size_t dlen = 0;
    unsigned char *d = kk_pdf_stream_decode(p, 4, 1 << 20, &dlen);
    CHECK(d && dlen == 23 && !memcmp(d, "BT /F1 12 Tf (Hi) Tj ET", 23));
    free(d);
    d = kk_pdf_stream_decode(p, 9, 1 << 20, &dlen);
    CHECK(d && dlen == 12 && !memcmp(d, "wrong length", 12));
    free(d);

    /* text strings round-trip, whatever they hold */
    const char *texts[] = { "J\xc3\xa4\xc3\xa4m\xc3\xa4j\xc3\xa4rvi \xe2\x80\x93 \xf0\x9f\x98\x80", "a(b)\\c", "" };
    for (size_t i = 0; i < 3; i++) {
        kk_pdf_val v = kk_pdf_new_text(p, texts[i]);
        t = kk_pdf_text_utf8(&v);
        CHECK(t && !strcmp(t, texts[i]));
        free(t);
    }

    /* edits */
    kk_pdf_val *root = kk_pdf_edit(p, 1);
    CHECK(kk_pdf_dict_set(p, root, "/Lang", kk_pdf_new_text(p, "fi")));
    CHECK(kk_pdf_dict_set(p, root, "/PageLabels", kk_pdf_new_parsed(p, "<< /Nums [ 0 << /S /D >> ] >>")));
    kk_pdf_dict_remove(kk_pdf_edit(p, 3), "/Missing");
    kk_pdf_val arr = kk_pdf_new_parsed(p, "[ 1 3 ]");
    CHECK(kk_pdf_array_insert(p, &arr, 1, kk_pdf_new_int(p, 2)) && arr.u.list.n == 3);
    CHECK(kk_pdf_dict_set(p, root, "/Numbers", arr));
    const unsigned char content[] = "q 1 0 0 1 0 0 cm Q";
    CHECK(kk_pdf_stream_replace(p, 4, content, sizeof content - 1, true));
    CHECK(kk_pdf_is_name(kk_pdf_lookup(p, kk_pdf_get(p, 4), "/Filter"), "/FlateDecode"));
    d = kk_pdf_stream_decode(p, 4, 1 << 20, &dlen);
    CHECK(d && dlen == sizeof content - 1 && !memcmp(d, content, dlen));
    free(d);
    long added = kk_pdf_add(p, kk_pdf_new_parsed(p, "<< /Added true >>"));
    CHECK(added == 10);
    CHECK(kk_pdf_dict_set(p, root, "/Extra", kk_pdf_new_ref(added)));
    CHECK(!kk_pdf_oom(p));

    /* both modes; twice each: the same bytes */
    kk_pdf_write_opts modes[2] = { { .version = "1.4" }, { .object_streams = true } };
    const char *names[2] = { "classic.pdf", "objstm.pdf" };
    unsigned char *classic = NULL;
    size_t classic_len = 0;
    for (int m = 0; m < 2; m++) {
        size_t l1, l2;
        unsigned char *o1 = kk_pdf_write(p, &modes[m], &l1);
        unsigned char *o2 = kk_pdf_write(p, &modes[m], &l2);
        CHECK(o1 && o2 && l1 == l2 && !memcmp(o1, o2, l1));
        CHECK(o1 && !contains(o1, l1, "unreferenced-marker"));
        CHECK(o1 && contains(o1, l1, "/ID ["));
        CHECK(o1 && !memcmp(o1, m == 0 ? "%PDF-1.4\n%\xb5" : "%PDF-1.5\n%\xb5", 11));
        if (o1)
            save(argv[1], names[m], o1, l1);
        free(o2);
        if (m == 0) {
            classic = o1;
            classic_len = l1;
        } else {
            /* our own object-stream output is not something we read */
            kk_diag *q = kk_diag_new(KK_DIAG_COLLECT, NULL);
            CHECK(o1 && !kk_pdf_read(o1, l1, "objstm.pdf", q) && kk_diag_error_count(q) == 1);
            kk_diag_free(q);
            free(o1);
        }
    }
    kk_pdf_free(p);

    /* the classic output reads back with the edits in place */
    kk_diag *d2 = kk_diag_new(KK_DIAG_TEXT, stderr);
    kk_pdf *r = classic ? kk_pdf_read(classic, classic_len, "classic.pdf", d2) : NULL;
    CHECK(r && kk_diag_count(d2) == 0);
    if (r) {
        kk_pdf_val *rr = kk_pdf_lookup(r, kk_pdf_trailer(r), "/Root");
        t = kk_pdf_text_utf8(kk_pdf_dict_get(rr, "/Lang"));
        CHECK(t && !strcmp(t, "fi"));
        free(t);
        kk_pdf_val *nums = kk_pdf_lookup(r, rr, "/Numbers");
        CHECK(kk_pdf_is_array(nums) && nums->u.list.n == 3 && kk_pdf_int(&nums->u.list.v[1], &n) && n == 2);
        CHECK(kk_pdf_is_name(kk_pdf_lookup(r, kk_pdf_lookup(r, rr, "/Extra"), "/Added"), "true") == false);
        CHECK(kk_pdf_lookup(r, rr, "/Extra") != NULL);
        CHECK(kk_pdf_lookup(r, kk_pdf_get(r, 3), "/Missing") == NULL && kk_pdf_dict_get(kk_pdf_get(r, 3), "/Missing") == NULL);
        d = kk_pdf_stream_decode(r, 4, 1 << 20, &dlen);
        CHECK(d && dlen == sizeof content - 1);
        free(d);
        kk_pdf_free(r);
    }
    kk_diag_free(d2);
    free(classic);

    /* a value handed out stays valid while objects are added */
    kk_diag *d3 = kk_diag_new(KK_DIAG_COLLECT, NULL);
    kk_pdf *g = kk_pdf_read((unsigned char *)in, len, "input.pdf", d3);
    CHECK(g != NULL);
    if (g) {
        kk_pdf_val *held = kk_pdf_edit(g, 1);
        for (int i = 0; i < 5000; i++)
            kk_pdf_add(g, kk_pdf_new_int(g, i));
        CHECK(kk_pdf_dict_set(g, held, "/Held", kk_pdf_new_int(g, 1)));
        CHECK(kk_pdf_dict_get(kk_pdf_get(g, 1), "/Held") != NULL);
        kk_pdf_free(g);
    }
    kk_diag_free(d3);

    /* refusals: not a PDF, incremental updates, truncated */
    kk_diag *q = kk_diag_new(KK_DIAG_COLLECT, NULL);
    const char *not_pdf = "hello, this is not a PDF at all\n";
    CHECK(!kk_pdf_read((const unsigned char *)not_pdf, strlen(not_pdf), "x", q));
    char *prev = malloc(len + 16);
    memcpy(prev, in, len);
    char *tr = strstr(prev, "/Root 1 0 R");
    memcpy(tr, "/Prev 9 0 R", 11);
    CHECK(!kk_pdf_read((unsigned char *)prev, len, "prev.pdf", q));
    CHECK(!kk_pdf_read((unsigned char *)in, len / 2, "half.pdf", q));
    CHECK(kk_diag_error_count(q) == 3);
    free(prev);
    kk_diag_free(q);
    kk_diag_free(diag);
    free(in);
    if (failures)
        fprintf(stderr, "%d check(s) failed\n", failures);
    return failures != 0;
}
