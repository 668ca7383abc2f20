/* pdf_font.c — the fonts of one PDF, embedded as subsets with compact
 * CIDs (see pdf_font.h). */
#define _POSIX_C_SOURCE 200809L
#include "layout/pdf_font.h"
#include "layout/ttf_subset.h"
#include "util/text.h"

#include <glib.h>
#include <hb-ot.h>
#include <hb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ADV_KNOWN = 1 };

typedef struct {
    hb_face_t *face;
    hb_font_t *unscaled;   /* scale = upem: advances come in font units */
    unsigned nglyphs, upem;
    unsigned char *flags;  /* per gid */
    uint16_t *adv;         /* per gid, valid with ADV_KNOWN (hmtx is uint16) */
    uint16_t *cid;         /* per gid: its CID, 0 for none yet (or gid 0) */
    unsigned *gid;         /* per CID, ncid of them: the glyph it stands for */
    char **text;           /* per CID: first non-empty UTF-8 text, or NULL */
    unsigned ncid, cap;
    /* "gid text" -> CID + 1: a glyph drawn for another text than its first
     * (a hyphen for a soft hyphen at a line end) is a copy of the glyph
     * with a CID of its own, so that ToUnicode can say each text */
    GHashTable *other;
} pfont;

struct kk_pdf_fonts {
    GPtrArray *fonts;      /* of pfont*, in index order */
    GHashTable *by_face;   /* hb_face_t* -> index + 1 */
    GHashTable *by_font;   /* PangoFont* (referenced) -> index + 1, 0 refused */
};

static void pfont_free(void *p)
{
    pfont *f = p;
    hb_font_destroy(f->unscaled);
    hb_face_destroy(f->face);
    free(f->flags);
    free(f->adv);
    free(f->cid);
    free(f->gid);
    for (unsigned i = 0; i < f->ncid; i++)
        g_free(f->text[i]);
    free(f->text);
    if (f->other)
        g_hash_table_destroy(f->other);
    free(f);
}

kk_pdf_fonts *kk_pdf_fonts_new(void)
{
    kk_pdf_fonts *fs = g_new0(kk_pdf_fonts, 1);
    fs->fonts = g_ptr_array_new_with_free_func(pfont_free);
    fs->by_face = g_hash_table_new(NULL, NULL);
    fs->by_font = g_hash_table_new_full(NULL, NULL, g_object_unref, NULL);
    return fs;
}

void kk_pdf_fonts_free(kk_pdf_fonts *fs)
{
    if (!fs)
        return;
    g_hash_table_destroy(fs->by_font);
    g_hash_table_destroy(fs->by_face);
    g_ptr_array_free(fs->fonts, TRUE);
    g_free(fs);
}

int kk_pdf_fonts_count(const kk_pdf_fonts *fs)
{
    return (int)fs->fonts->len;
}

/* The index for a face not seen before, or -1. */
static int add_face(kk_pdf_fonts *fs, hb_font_t *pango_hb)
{
    /* A variable font's instances share one face but not one outline; the
     * subset would carry only the default one, so anything else goes to
     * Cairo, which draws the instance. */
    unsigned ncoords = 0;
    const int *coords = hb_font_get_var_coords_normalized(pango_hb, &ncoords);
    for (unsigned i = 0; i < ncoords; i++)
        if (coords[i])
            return -1;
    hb_face_t *face = hb_font_get_face(pango_hb);
    int idx = GPOINTER_TO_INT(g_hash_table_lookup(fs->by_face, face)) - 1;
    if (idx >= 0)
        return idx;
    hb_blob_t *glyf = hb_face_reference_table(face, HB_TAG('g', 'l', 'y', 'f'));
    unsigned glyf_len = hb_blob_get_length(glyf);
    hb_blob_destroy(glyf);
    unsigned n = hb_face_get_glyph_count(face);
    if (!glyf_len || !n || n > 65536 || !hb_face_get_upem(face))
        return -1;
    pfont *f = calloc(1, sizeof *f);
    unsigned char *flags = calloc(n, 1);
    uint16_t *adv = calloc(n, sizeof *adv), *cid = calloc(n, sizeof *cid);
    /* CIDs are at most the glyph count: sized once, no growing per glyph */
    unsigned *gid = malloc(n * sizeof *gid);
    char **text = calloc(n, sizeof *text);
    if (!f || !flags || !adv || !cid || !gid || !text) {
        free(f);
        free(flags);
        free(adv);
        free(cid);
        free(gid);
        free(text);
        return -1;
    }
    f->face = hb_face_reference(face);
    f->unscaled = hb_font_create(face);
    f->nglyphs = n;
    f->upem = hb_face_get_upem(face);
    f->flags = flags;
    f->adv = adv;
    f->cid = cid;
    f->gid = gid;
    f->text = text;
    f->cap = n;
    gid[0] = 0;   /* .notdef is CID 0 whether drawn or not */
    f->ncid = 1;
    idx = (int)fs->fonts->len;
    g_ptr_array_add(fs->fonts, f);
    /* Keyed on the face pointer: Pango's fc font map keeps one hb_face per
     * file and face index for its lifetime, and every size shares it; the
     * reference held in f keeps the key valid. */
    g_hash_table_insert(fs->by_face, face, GINT_TO_POINTER(idx + 1));
    return idx;
}

int kk_pdf_fonts_index(kk_pdf_fonts *fs, PangoFont *font)
{
    void *v;
    if (g_hash_table_lookup_extended(fs->by_font, font, NULL, &v))
        return GPOINTER_TO_INT(v) - 1;
    hb_font_t *hb = pango_font_get_hb_font(font);
    int idx = hb ? add_face(fs, hb) : -1;
    g_hash_table_insert(fs->by_font, g_object_ref(font), GINT_TO_POINTER(idx + 1));
    return idx;
}

static pfont *get(kk_pdf_fonts *fs, int index)
{
    if (index < 0 || (unsigned)index >= fs->fonts->len)
        return NULL;
    return g_ptr_array_index(fs->fonts, (unsigned)index);
}

/* A new CID for gid (with its text, owned), -1 past the codes there are. */
static int new_cid(pfont *f, unsigned gid, char *text)
{
    if (f->ncid >= KK_PDF_FONT_MAX_CIDS) {
        g_free(text);
        return -1;
    }
    if (f->ncid == f->cap) {
        unsigned cap = f->cap * 2 < KK_PDF_FONT_MAX_CIDS ? f->cap * 2 : KK_PDF_FONT_MAX_CIDS;
        unsigned *g = realloc(f->gid, cap * sizeof *g);
        if (g)
            f->gid = g;
        char **t = g ? realloc(f->text, cap * sizeof *t) : NULL;
        if (!t) {
            g_free(text);
            return -1;
        }
        f->text = t;
        f->cap = cap;
    }
    unsigned cid = f->ncid++;
    f->gid[cid] = gid;
    f->text[cid] = text;
    return (int)cid;
}

/* t (NUL-terminated) is the len bytes at s: a cluster's text is a few
 * bytes, which a loop compares faster than strncmp and strnlen calls. */
static bool same_text(const char *t, const char *s, int len)
{
    int i = 0;
    while (i < len && t[i] && t[i] == s[i])
        i++;
    return i == len && t[i] == '\0';
}

int kk_pdf_fonts_cid(kk_pdf_fonts *fs, int index, unsigned gid, const char *utf8, int len)
{
    pfont *f = get(fs, index);
    /* Pango's unknown-glyph values (flag bits set) are out of range too. */
    if (!f || gid >= f->nglyphs)
        return 0;
    bool has_text = len > 0 && utf8 && utf8[0];
    unsigned cid = f->cid[gid];
    if (!cid && gid) {
        int c = new_cid(f, gid, has_text ? g_strndup(utf8, (gsize)len) : NULL);
        if (c > 0)
            f->cid[gid] = (uint16_t)c;
        return c;
    }
    if (!has_text)
        return (int)cid;
    /* The first glyph of a cluster carries its text and the rest none, so
     * a glyph first met inside a cluster still takes text seen later. */
    const char *t = f->text[cid];
    if (!t) {
        f->text[cid] = g_strndup(utf8, (gsize)len);
        return (int)cid;
    }
    if (same_text(t, utf8, len))
        return (int)cid;
    char *key = g_strdup_printf("%u %.*s", gid, len, utf8);
    if (!f->other)
        f->other = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    int c = GPOINTER_TO_INT(g_hash_table_lookup(f->other, key)) - 1;
    if (c < 0 && (c = new_cid(f, gid, g_strndup(utf8, (gsize)len))) > 0) {
        g_hash_table_insert(f->other, key, GINT_TO_POINTER(c + 1));
        key = NULL;
    }
    g_free(key);
    return c;
}

static unsigned advance_units(pfont *f, unsigned gid)
{
    if (!(f->flags[gid] & ADV_KNOWN)) {
        f->adv[gid] = (uint16_t)hb_font_get_glyph_h_advance(f->unscaled, gid);
        f->flags[gid] |= ADV_KNOWN;
    }
    return f->adv[gid];
}

/* Font units to the PDF's 1/1000 em, rounded as /W writes them.  Values
 * here are read from the font (int16), so the product cannot overflow. */
static long per_mille(long v, unsigned upem)
{
    long n = v * 1000, d = (long)upem;
    return n >= 0 ? (n + d / 2) / d : -((-n + d / 2) / d);
}

double kk_pdf_fonts_advance(kk_pdf_fonts *fs, int index, unsigned gid)
{
    pfont *f = get(fs, index);
    if (!f || gid >= f->nglyphs)
        return 0;
    /* The rounded value, not advance * 1000 / upem: the viewer moves by
     * what /W says, and the page writer's corrections must be against that. */
    return (double)per_mille((long)advance_units(f, gid), f->upem);
}

/* Big-endian fields of a table; 0 past its end. */
static int be16(hb_blob_t *b, unsigned off)
{
    unsigned len;
    const unsigned char *p = (const unsigned char *)hb_blob_get_data(b, &len);
    return off + 2 <= len ? (int16_t)(uint16_t)(p[off] << 8 | p[off + 1]) : 0;
}

static int32_t be32(hb_blob_t *b, unsigned off)
{
    return (int32_t)((uint32_t)(uint16_t)be16(b, off) << 16 | (uint16_t)be16(b, off + 2));
}

/* Kept to the characters a PDF name takes without #-escapes, so that
 * BaseFont reads the same in every tool (the name only labels the font),
 * and short enough for PDF/A's 127-byte names with the "TAG+" before. */
static char *ps_name(hb_face_t *face)
{
    char buf[128];
    unsigned n = sizeof buf;
    hb_ot_name_get_utf8(face, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &n, buf);
    if (!n) {
        n = sizeof buf;
        hb_ot_name_get_utf8(face, HB_OT_NAME_ID_FONT_FAMILY, HB_LANGUAGE_INVALID, &n, buf);
    }
    GString *s = g_string_new(NULL);
    for (unsigned i = 0; i < n && buf[i] && s->len < 120; i++)
        if (g_ascii_isalnum(buf[i]) || buf[i] == '-' || buf[i] == '_' || buf[i] == '.')
            g_string_append_c(s, buf[i]);
    if (!s->len)
        g_string_append(s, "Font");
    return g_string_free(s, FALSE);
}

static uint64_t fnv(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211u;
    return h;
}

/* ToUnicode destination: UTF-16BE hex, surrogate pairs beyond the BMP;
 * bad UTF-8 becomes U+FFFD, and 64 code points is plenty for one glyph. */
static void add_utf16_hex(kk_buf *b, const char *s)
{
    kk_buf_add(b, "<");
    for (int k = 0; *s && k < 64; k++) {
        gunichar c = g_utf8_get_char_validated(s, -1);
        if (c == (gunichar)-1 || c == (gunichar)-2) {
            c = 0xFFFD;
            s++;
        } else {
            s = g_utf8_next_char(s);
        }
        if (c >= 0x10000)
            kk_buf_addf(b, "%04X%04X", 0xD800 + ((c - 0x10000) >> 10), 0xDC00 + ((c - 0x10000) & 0x3FF));
        else
            kk_buf_addf(b, "%04X", c);
    }
    kk_buf_add(b, ">");
}

static bool write_tounicode(kk_pdf_out *w, long num, pfont *f)
{
    kk_buf b = {0};
    kk_buf_add(&b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
                   "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                   "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
                   KK_PDF_FONT_CODESPACE);
    unsigned ntext = 0;
    for (unsigned c = 0; c < f->ncid; c++)
        ntext += f->text[c] != NULL;
    unsigned in_block = 0, left = ntext;
    for (unsigned c = 0; c < f->ncid; c++) {
        const char *t = f->text[c];
        if (!t)
            continue;
        if (!in_block)
            kk_buf_addf(&b, "%u beginbfchar\n", left < 100 ? left : 100);
        if (c < KK_PDF_FONT_ONE_BYTE)
            kk_buf_addf(&b, "<%02X> ", c);
        else
            kk_buf_addf(&b, "<%04X> ", 0xF000 + c - KK_PDF_FONT_ONE_BYTE);
        add_utf16_hex(&b, t);
        kk_buf_add(&b, "\n");
        left--;
        if (++in_block == 100 || !left) {
            kk_buf_add(&b, "endbfchar\n");
            in_block = 0;
        }
    }
    kk_buf_add(&b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    bool ok = !b.oom;
    if (ok)
        kk_pdf_out_stream(w, num, "", b.s, b.len);
    kk_buf_free(&b);
    return ok;
}

/* "-12.25" from a 16.16 fixed-point angle, without printf's locale. */
static void angle_str(char out[24], int32_t fixed)
{
    long hundredths = (long)(((int64_t)fixed * 100 + (fixed < 0 ? -32768 : 32768)) / 65536);
    long a = labs(hundredths);
    snprintf(out, 24, "%s%ld.%02ld", hundredths < 0 ? "-" : "", a / 100, a % 100);
}

static bool write_font(pfont *f, kk_pdf_out *w, long cmap, long *obj)
{
    /* The subset's glyph ids are the CIDs: CIDToGIDMap /Identity. */
    unsigned char *prog;
    size_t prog_len;
    if (!kk_ttf_subset(f->face, f->gid, f->ncid, &prog, &prog_len))
        return false;

    char *name = ps_name(f->face);
    /* Same name and glyphs, same tag: two runs must give the same bytes. */
    uint64_t h = fnv(1469598103934665603u, name, strlen(name) + 1);
    for (unsigned c = 0; c < f->ncid; c++) {
        unsigned char be[2] = {(unsigned char)(f->gid[c] >> 8), (unsigned char)f->gid[c]};
        h = fnv(h, be, 2);
    }
    char tag[7];
    for (int i = 0; i < 6; i++, h /= 26)
        tag[i] = (char)('A' + h % 26);
    tag[6] = 0;

    long type0 = kk_pdf_out_reserve(w), cid = kk_pdf_out_reserve(w);
    long desc = kk_pdf_out_reserve(w), file = kk_pdf_out_reserve(w);
    long tu = kk_pdf_out_reserve(w);

    kk_pdf_out_begin(w, type0);
    kk_pdf_out_printf(w, "<< /Type /Font /Subtype /Type0 /BaseFont /%s+%s /Encoding %ld 0 R"
                         " /DescendantFonts [ %ld 0 R ] /ToUnicode %ld 0 R >>", tag, name, cmap, cid, tu);
    kk_pdf_out_end(w);

    kk_pdf_out_begin(w, cid);
    kk_pdf_out_printf(w, "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /%s+%s"
                         " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
                         " /FontDescriptor %ld 0 R /CIDToGIDMap /Identity /W [ 0 [", tag, name, desc);
    /* CIDs run 0..ncid-1 without gaps: one array */
    for (unsigned c = 0; c < f->ncid; c++)
        kk_pdf_out_printf(w, " %ld", per_mille((long)advance_units(f, f->gid[c]), f->upem));
    kk_pdf_out_printf(w, " ] ] >>");
    kk_pdf_out_end(w);

    hb_blob_t *head = hb_face_reference_table(f->face, HB_TAG('h', 'e', 'a', 'd'));
    hb_blob_t *hhea = hb_face_reference_table(f->face, HB_TAG('h', 'h', 'e', 'a'));
    hb_blob_t *post = hb_face_reference_table(f->face, HB_TAG('p', 'o', 's', 't'));
    hb_blob_t *os2 = hb_face_reference_table(f->face, HB_TAG('O', 'S', '/', '2'));
    int32_t italic = be32(post, 4);
    bool is_italic = italic != 0 || (be16(os2, 62) & 1);
    long ascent = per_mille(be16(hhea, 4), f->upem);
    long cap = be16(os2, 0) >= 2 && hb_blob_get_length(os2) >= 90 ? per_mille(be16(os2, 88), f->upem) : ascent;
    char angle[24];
    angle_str(angle, italic);
    kk_pdf_out_begin(w, desc);
    kk_pdf_out_printf(w, "<< /Type /FontDescriptor /FontName /%s+%s /Flags %d"
                         " /FontBBox [ %ld %ld %ld %ld ] /ItalicAngle %s /Ascent %ld /Descent %ld"
                         " /CapHeight %ld /StemV 80 /FontFile2 %ld 0 R >>",
                      tag, name, is_italic ? 96 : 32, per_mille(be16(head, 36), f->upem),
                      per_mille(be16(head, 38), f->upem), per_mille(be16(head, 40), f->upem),
                      per_mille(be16(head, 42), f->upem), angle, ascent,
                      per_mille(be16(hhea, 6), f->upem), cap, file);
    kk_pdf_out_end(w);
    hb_blob_destroy(head);
    hb_blob_destroy(hhea);
    hb_blob_destroy(post);
    hb_blob_destroy(os2);

    char dict[32];
    snprintf(dict, sizeof dict, "/Length1 %zu", prog_len);
    kk_pdf_out_stream(w, file, dict, prog, prog_len);
    free(prog);

    bool ok = write_tounicode(w, tu, f);
    g_free(name);
    *obj = type0;
    return ok;
}

/* The encoding every font shares: one byte for the first CIDs, two after
 * (pdf_font.h).  An embedded CMap, as PDF/A wants any but Identity-H. */
static long write_cmap(kk_pdf_out *w)
{
    static const char prog[] =
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> def\n"
        "/CMapName /Kokous-OneByte-H def\n/CMapType 1 def\n/WMode 0 def\n"
        KK_PDF_FONT_CODESPACE
        "2 begincidrange\n<00> <EF> 0\n<F000> <FFFF> 240\nendcidrange\n"
        "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
    long num = kk_pdf_out_reserve(w);
    kk_pdf_out_stream(w, num, "/Type /CMap /CMapName /Kokous-OneByte-H /WMode 0"
                      " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>",
                      prog, sizeof prog - 1);
    return num;
}

bool kk_pdf_fonts_write(kk_pdf_fonts *fs, kk_pdf_out *w, long *objs)
{
    long cmap = fs->fonts->len ? write_cmap(w) : 0;
    for (unsigned i = 0; i < fs->fonts->len; i++)
        if (!write_font(g_ptr_array_index(fs->fonts, i), w, cmap, &objs[i]))
            return false;
    return !kk_pdf_out_failed(w);
}
