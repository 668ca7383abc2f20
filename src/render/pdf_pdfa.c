/* pdf_pdfa.c — fonts and images made PDF/A-conforming after Cairo (see
 * pdf_pdfa.h). */
#define _POSIX_C_SOURCE 200809L
#include "render/pdf_pdfa.h"

#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 8
/* A font program or image larger than this is left as it is. */
#define DATA_MAX_BYTES (256L * 1024 * 1024)

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

static void add_cidset(kk_pdf *p, long desc_num)
{
    kk_pdf_val *desc = kk_pdf_get(p, desc_num);
    if (!kk_pdf_is_dict(desc) || kk_pdf_dict_get(desc, "/CIDSet"))
        return;
    long file = kk_pdf_ref_num(kk_pdf_dict_get(desc, "/FontFile2"));
    size_t len = 0;
    unsigned char *prog = file ? kk_pdf_stream_decode(p, file, DATA_MAX_BYTES, &len) : NULL;
    unsigned n = prog ? truetype_glyphs(prog, len) : 0;
    free(prog);
    if (!n)
        return;
    size_t bytes = (n + 7) / 8;
    unsigned char *bits = calloc(bytes, 1);
    if (!bits)
        return;
    for (unsigned g = 0; g < n; g++)
        bits[g / 8] |= (unsigned char)(0x80 >> (g % 8));
    long s = kk_pdf_add_stream(p, NULL, bits, bytes, true);
    free(bits);
    if (s)
        kk_pdf_dict_set(p, kk_pdf_edit(p, desc_num), "/CIDSet", kk_pdf_new_ref(s));
}

static void fix_font(kk_pdf *p, kk_pdf_val *font, bool with_cidset)
{
    if (!kk_pdf_is_name(kk_pdf_lookup(p, font, "/Subtype"), "/Type0"))
        return;
    kk_pdf_val *desc_fonts = kk_pdf_lookup(p, font, "/DescendantFonts");
    if (!kk_pdf_is_array(desc_fonts) || desc_fonts->u.list.n < 1)
        return;
    long cid_num = kk_pdf_ref_num(&desc_fonts->u.list.v[0]);
    kk_pdf_val *cid = kk_pdf_get(p, cid_num);
    if (!kk_pdf_is_name(kk_pdf_lookup(p, cid, "/Subtype"), "/CIDFontType2"))
        return;
    if (!kk_pdf_dict_get(cid, "/CIDToGIDMap"))
        kk_pdf_dict_set(p, kk_pdf_edit(p, cid_num), "/CIDToGIDMap", kk_pdf_new_name(p, "/Identity"));
    long desc = kk_pdf_ref_num(kk_pdf_dict_get(cid, "/FontDescriptor"));
    if (with_cidset && desc)
        add_cidset(p, desc);
}

static long int_key(kk_pdf *p, kk_pdf_val *d, const char *key)
{
    long long n;
    return kk_pdf_int(kk_pdf_lookup(p, d, key), &n) ? (long)n : -1;
}

/* Composite an 8-bit image over white with its soft mask, then drop the
 * mask: what a viewer shows on a white page, without transparency. */
static void flatten_image(kk_pdf *p, long img)
{
    kk_pdf_val *d = kk_pdf_edit(p, img);
    kk_pdf_dict_remove(d, "/Interpolate");
    long mask = kk_pdf_ref_num(kk_pdf_dict_get(d, "/SMask"));
    long w = int_key(p, d, "/Width"), h = int_key(p, d, "/Height");
    kk_pdf_val *cs = kk_pdf_lookup(p, d, "/ColorSpace");
    int comps = kk_pdf_is_name(cs, "/DeviceRGB") ? 3 : kk_pdf_is_name(cs, "/DeviceGray") ? 1 : 0;
    unsigned char *px = NULL, *alpha = NULL;
    size_t npx = 0, nalpha = 0;
    if (mask && comps && w > 0 && h > 0 && w * h < (1L << 26) && int_key(p, d, "/BitsPerComponent") == 8
        && (px = kk_pdf_stream_decode(p, img, DATA_MAX_BYTES, &npx))
        && (alpha = kk_pdf_stream_decode(p, mask, DATA_MAX_BYTES, &nalpha))
        && npx == (size_t)(w * h * comps) && nalpha == (size_t)(w * h)) {
        for (size_t i = 0; i < nalpha; i++)
            for (int c = 0; c < comps; c++) {
                unsigned v = px[i * (size_t)comps + (size_t)c], a = alpha[i];
                px[i * (size_t)comps + (size_t)c] = (unsigned char)((v * a + 255 * (255 - a) + 127) / 255);
            }
        if (kk_pdf_stream_replace(p, img, px, npx, true))
            kk_pdf_dict_remove(d, "/SMask");
    }
    free(px);
    free(alpha);
}

static void fix_resources(kk_pdf *p, kk_pdf_val *res, bool with_cidset, int depth)
{
    res = kk_pdf_resolve(p, res);
    if (depth > MAX_DEPTH || !kk_pdf_is_dict(res))
        return;
    kk_pdf_val *fonts = kk_pdf_lookup(p, res, "/Font");
    for (size_t i = 1; kk_pdf_is_dict(fonts) && i < fonts->u.list.n; i += 2)
        fix_font(p, kk_pdf_resolve(p, &fonts->u.list.v[i]), with_cidset);
    kk_pdf_val *xobjects = kk_pdf_lookup(p, res, "/XObject");
    for (size_t i = 1; kk_pdf_is_dict(xobjects) && i < xobjects->u.list.n; i += 2) {
        long x = kk_pdf_ref_num(&xobjects->u.list.v[i]);
        if (!x || !kk_pdf_is_stream(p, x))
            continue;
        kk_pdf_val *d = kk_pdf_get(p, x);
        if (kk_pdf_is_name(kk_pdf_lookup(p, d, "/Subtype"), "/Image")) {
            if (with_cidset)
                flatten_image(p, x);
        } else {
            fix_resources(p, kk_pdf_dict_get(d, "/Resources"), with_cidset, depth + 1);
        }
    }
}

bool kk_pdf_pdfa_fixups(kk_pdf *p, int pdfa_part, const char *path, kk_diag *diag)
{
    bool with_cidset = pdfa_part == 1;
    size_t npages;
    const long *pages = kk_pdf_pages(p, &npages);
    for (size_t i = 0; i < npages; i++)
        fix_resources(p, kk_pdf_dict_get(kk_pdf_get(p, pages[i]), "/Resources"), with_cidset, 0);
    if (kk_pdf_oom(p)) {
        kk_sys_error(diag, path, "cannot complete the fonts and images for PDF/A: out of memory");
        return false;
    }
    return true;
}
