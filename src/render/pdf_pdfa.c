/* pdf_pdfa.c — fonts and images made PDF/A-conforming after Cairo (see
 * pdf_pdfa.h). */
#define _POSIX_C_SOURCE 200809L
#include "render/pdf_pdfa.h"

#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 8

/* numGlyphs of a TrueType font program ('maxp' table), 0 when unreadable. */
static unsigned truetype_glyphs(const unsigned char *f, size_t len)
{
    if (len < 12)
        return 0;
    unsigned ntables = (unsigned)f[4] << 8 | f[5];
    for (unsigned i = 0; i < ntables && 12 + 16 * (size_t)(i + 1) <= len; i++) {
        const unsigned char *rec = f + 12 + 16 * i;
        if (memcmp(rec, "maxp", 4))
            continue;
        size_t off = (size_t)rec[8] << 24 | (size_t)rec[9] << 16 | (size_t)rec[10] << 8 | rec[11];
        if (off + 6 > len)
            return 0;
        return (unsigned)f[off + 4] << 8 | f[off + 5];
    }
    return 0;
}

static void add_cidset(qpdf_data q, qpdf_oh desc)
{
    if (qpdf_oh_has_key(q, desc, "/CIDSet"))
        return;
    qpdf_oh file = qpdf_oh_get_key(q, desc, "/FontFile2");
    unsigned char *prog = NULL;
    size_t len = 0;
    unsigned n = 0;
    if (qpdf_oh_is_stream(q, file)
        && !(qpdf_oh_get_stream_data(q, file, qpdf_dl_generalized, NULL, &prog, &len) & QPDF_ERRORS))
        n = truetype_glyphs(prog, len);
    free(prog);
    qpdf_oh_release(q, file);
    if (!n)
        return;
    size_t bytes = (n + 7) / 8;
    unsigned char *bits = calloc(bytes, 1);
    if (!bits)
        return;
    for (unsigned g = 0; g < n; g++)
        bits[g / 8] |= (unsigned char)(0x80 >> (g % 8));
    qpdf_oh s = qpdf_oh_new_stream(q);
    qpdf_oh null = qpdf_oh_new_null(q);
    qpdf_oh_replace_stream_data(q, s, bits, bytes, null, null);
    qpdf_oh_replace_key(q, desc, "/CIDSet", s);
    qpdf_oh_release(q, null);
    qpdf_oh_release(q, s);
    free(bits);
}

static void fix_font(qpdf_data q, qpdf_oh font, bool with_cidset)
{
    if (!qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, font, "/Subtype"), "/Type0"))
        return;
    qpdf_oh desc_fonts = qpdf_oh_get_key(q, font, "/DescendantFonts");
    qpdf_oh cid = qpdf_oh_get_array_item(q, desc_fonts, 0);
    if (qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, cid, "/Subtype"), "/CIDFontType2")) {
        if (!qpdf_oh_has_key(q, cid, "/CIDToGIDMap")) {
            qpdf_oh name = qpdf_oh_new_name(q, "/Identity");
            qpdf_oh_replace_key(q, cid, "/CIDToGIDMap", name);
            qpdf_oh_release(q, name);
        }
        qpdf_oh desc = qpdf_oh_get_key(q, cid, "/FontDescriptor");
        if (with_cidset && qpdf_oh_is_dictionary(q, desc))
            add_cidset(q, desc);
        qpdf_oh_release(q, desc);
    }
    qpdf_oh_release(q, cid);
    qpdf_oh_release(q, desc_fonts);
}

static long int_key(qpdf_data q, qpdf_oh d, const char *key)
{
    qpdf_oh v = qpdf_oh_get_key(q, d, key);
    long n = qpdf_oh_is_integer(q, v) ? (long)qpdf_oh_get_int_value(q, v) : -1;
    qpdf_oh_release(q, v);
    return n;
}

/* Composite an 8-bit image over white with its soft mask, then drop the
 * mask: what a viewer shows on a white page, without transparency. */
static void flatten_image(qpdf_data q, qpdf_oh img)
{
    qpdf_oh d = qpdf_oh_get_dict(q, img);
    qpdf_oh_remove_key(q, d, "/Interpolate");
    qpdf_oh mask = qpdf_oh_get_key(q, d, "/SMask");
    long w = int_key(q, d, "/Width"), h = int_key(q, d, "/Height");
    qpdf_oh cs = qpdf_oh_get_key(q, d, "/ColorSpace");
    int comps = qpdf_oh_is_name_and_equals(q, cs, "/DeviceRGB") ? 3 : qpdf_oh_is_name_and_equals(q, cs, "/DeviceGray") ? 1 : 0;
    unsigned char *px = NULL, *alpha = NULL;
    size_t npx = 0, nalpha = 0;
    if (qpdf_oh_is_stream(q, mask) && comps && w > 0 && h > 0 && w * h < (1L << 26)
        && int_key(q, d, "/BitsPerComponent") == 8
        && !(qpdf_oh_get_stream_data(q, img, qpdf_dl_generalized, NULL, &px, &npx) & QPDF_ERRORS)
        && !(qpdf_oh_get_stream_data(q, mask, qpdf_dl_generalized, NULL, &alpha, &nalpha) & QPDF_ERRORS)
        && npx == (size_t)(w * h * comps) && nalpha == (size_t)(w * h)) {
        for (size_t i = 0; i < nalpha; i++)
            for (int c = 0; c < comps; c++) {
                unsigned v = px[i * (size_t)comps + (size_t)c], a = alpha[i];
                px[i * (size_t)comps + (size_t)c] = (unsigned char)((v * a + 255 * (255 - a) + 127) / 255);
            }
        qpdf_oh null = qpdf_oh_new_null(q);
        qpdf_oh_replace_stream_data(q, img, px, npx, null, null);
        qpdf_oh_release(q, null);
        qpdf_oh_remove_key(q, d, "/SMask");
        qpdf_oh_remove_key(q, d, "/DecodeParms");
    }
    free(px);
    free(alpha);
    qpdf_oh_release(q, cs);
    qpdf_oh_release(q, mask);
    qpdf_oh_release(q, d);
}

static void fix_resources(qpdf_data q, qpdf_oh res, bool with_cidset, int depth)
{
    if (depth > MAX_DEPTH || !qpdf_oh_is_dictionary(q, res))
        return;
    qpdf_oh fonts = qpdf_oh_get_key(q, res, "/Font");
    if (qpdf_oh_is_dictionary(q, fonts)) {
        qpdf_oh_begin_dict_key_iter(q, fonts);
        while (qpdf_oh_dict_more_keys(q)) {
            const char *key = qpdf_oh_dict_next_key(q);
            qpdf_oh font = qpdf_oh_get_key(q, fonts, key);
            fix_font(q, font, with_cidset);
            qpdf_oh_release(q, font);
        }
    }
    qpdf_oh xobjects = qpdf_oh_get_key(q, res, "/XObject");
    if (qpdf_oh_is_dictionary(q, xobjects)) {
        size_t n = 0;
        char **keys = NULL;
        /* collect first: the key iterator is single and recursion reuses it */
        qpdf_oh_begin_dict_key_iter(q, xobjects);
        while (qpdf_oh_dict_more_keys(q)) {
            char **more = realloc(keys, (n + 1) * sizeof *keys);
            if (!more)
                break;
            keys = more;
            keys[n] = strdup(qpdf_oh_dict_next_key(q));
            if (keys[n])
                n++;
        }
        for (size_t i = 0; i < n; i++) {
            qpdf_oh x = qpdf_oh_get_key(q, xobjects, keys[i]);
            qpdf_oh d = qpdf_oh_is_stream(q, x) ? qpdf_oh_get_dict(q, x) : 0;
            if (d && with_cidset && qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, d, "/Subtype"), "/Image")) {
                flatten_image(q, x);
            } else if (d) {
                qpdf_oh r = qpdf_oh_get_key(q, d, "/Resources");
                fix_resources(q, r, with_cidset, depth + 1);
                qpdf_oh_release(q, r);
            }
            if (d)
                qpdf_oh_release(q, d);
            qpdf_oh_release(q, x);
            free(keys[i]);
        }
        free(keys);
    }
    qpdf_oh_release(q, xobjects);
    qpdf_oh_release(q, fonts);
}

bool kk_pdf_pdfa_fixups(qpdf_data q, int pdfa_part, const char *path, kk_diag *diag)
{
    bool with_cidset = pdfa_part == 1;
    int npages = qpdf_get_num_pages(q);
    for (int p = 0; p < npages; p++) {
        qpdf_oh page = qpdf_get_page_n(q, (size_t)p);
        qpdf_oh res = qpdf_oh_get_key(q, page, "/Resources");
        fix_resources(q, res, with_cidset, 0);
        qpdf_oh_release(q, res);
        qpdf_oh_release(q, page);
    }
    if (qpdf_has_error(q)) {
        qpdf_error e = qpdf_get_error(q);
        kk_sys_error(diag, path, "cannot complete the fonts and images for PDF/A: %s",
                     e ? qpdf_get_error_full_text(q, e) : "unknown error");
        return false;
    }
    return true;
}
