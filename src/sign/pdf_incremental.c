/*
 * pdf_incremental.c — an incremental update that adds one signature.
 *
 * libqpdf only reads here (the catalog, AcroForm, first page and trailer);
 * the update itself is written byte by byte, because any rewrite of the
 * earlier bytes would break the signatures already in the file.  The
 * update uses a cross-reference stream when the file's last section is a
 * stream and a classic table otherwise: mixing the two kinds confuses some
 * readers, and a stream after a table would need PDF 1.5.
 */
#define _POSIX_C_SOURCE 200809L
#include "sign/sign_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

qpdf_data kk_pdf_open(const char *name, const unsigned char *data, size_t len, kk_diag *diag)
{
    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    if (qpdf_read_memory(q, name, (const char *)data, (unsigned long long)len, NULL) & QPDF_ERRORS) {
        const char *why = qpdf_has_error(q) ? qpdf_get_error_full_text(q, qpdf_get_error(q)) : "unreadable";
        kk_error(diag, name, 0, 0, "not a readable PDF file: %s", why);
        qpdf_cleanup(&q);
        return NULL;
    }
    return q;
}

/* A name with the characters PDF syntax needs escaped as #xx. */
static void add_name(kk_buf *b, const char *name)
{
    kk_buf_add(b, "/");
    for (const unsigned char *c = (const unsigned char *)name + (name[0] == '/'); *c; c++) {
        if (*c < 0x21 || *c > 0x7e || strchr("#()<>[]{}/%", *c))
            kk_buf_addf(b, "#%02X", *c);
        else
            kk_buf_addn(b, (const char *)c, 1);
    }
}

/* The entries of `dict` except those in `skip` (NULL-terminated). */
static char *dict_except(qpdf_data q, qpdf_oh dict, const char *const *skip)
{
    kk_buf b = { 0 };
    kk_buf_add(&b, "");
    char **keys = NULL;
    size_t n = 0, cap = 0;
    qpdf_oh_begin_dict_key_iter(q, dict);
    while (qpdf_oh_dict_more_keys(q)) {
        const char *k = qpdf_oh_dict_next_key(q);
        if (n == cap) {
            char **nk = realloc(keys, (cap = cap ? cap * 2 : 16) * sizeof *keys);
            if (!nk)
                break;
            keys = nk;
        }
        if (!(keys[n] = strdup(k)))
            break;
        n++;
    }
    for (size_t i = 0; i < n; i++) {
        bool skipped = false;
        for (const char *const *s = skip; *s; s++)
            skipped |= !strcmp(keys[i], *s);
        if (!skipped) {
            add_name(&b, keys[i]);
            kk_buf_add(&b, " ");
            kk_buf_add(&b, qpdf_oh_unparse(q, qpdf_oh_get_key(q, dict, keys[i])));
        }
        free(keys[i]);
    }
    free(keys);
    return kk_buf_take(&b);
}

/* The items of an array, separated by spaces. */
static char *array_items(qpdf_data q, qpdf_oh arr)
{
    kk_buf b = { 0 };
    kk_buf_add(&b, "");
    int n = qpdf_oh_is_array(q, arr) ? qpdf_oh_get_array_n_items(q, arr) : 0;
    for (int i = 0; i < n; i++) {
        kk_buf_add(&b, i ? " " : "");
        kk_buf_add(&b, qpdf_oh_unparse(q, qpdf_oh_get_array_item(q, arr, i)));
    }
    return kk_buf_take(&b);
}

static bool find_startxref(kk_pdf_prev *p, const unsigned char *data, size_t len)
{
    size_t from = len > 2048 ? len - 2048 : 0;
    const char *key = "startxref";
    for (size_t i = len >= 9 ? len - 9 : 0; i + 1 > from; i--) {
        if (!memcmp(data + i, key, 9)) {
            size_t j = i + 9, v = 0;
            while (j < len && (data[j] == '\r' || data[j] == '\n' || data[j] == ' '))
                j++;
            if (j >= len || data[j] < '0' || data[j] > '9')
                return false;
            while (j < len && data[j] >= '0' && data[j] <= '9' && v < ((size_t)1 << 40))
                v = v * 10 + (size_t)(data[j++] - '0');
            if (v >= len)
                return false;
            p->startxref = v;
            size_t k = v;
            while (k < len && (data[k] == '\r' || data[k] == '\n' || data[k] == ' '))
                k++;
            p->xref_stream = !(k + 4 <= len && !memcmp(data + k, "xref", 4));
            return true;
        }
        if (i == 0)
            break;
    }
    return false;
}

static void collect_field_names(qpdf_data q, qpdf_oh fields, kk_pdf_prev *p)
{
    int n = qpdf_oh_get_array_n_items(q, fields);
    for (int i = 0; i < n; i++) {
        qpdf_oh f = qpdf_oh_get_array_item(q, fields, i);
        qpdf_oh t = qpdf_oh_get_key_if_dict(q, f, "/T");
        if (!qpdf_oh_is_string(q, t))
            continue;
        char **nn = realloc(p->names, (p->nnames + 1) * sizeof *nn);
        if (!nn)
            return;
        p->names = nn;
        if ((p->names[p->nnames] = strdup(qpdf_oh_get_utf8_value(q, t))))
            p->nnames++;
    }
}

bool kk_pdf_prev_read(kk_pdf_prev *p, const char *name, const unsigned char *data, size_t len, kk_diag *diag)
{
    memset(p, 0, sizeof *p);
    p->len = len;
    p->needs_eol = len > 0 && data[len - 1] != '\n' && data[len - 1] != '\r';
    if (len < 8 || memcmp(data, "%PDF-", 5)) {
        kk_error(diag, name, 0, 0, "not a PDF file (it does not start with %%PDF-)");
        return false;
    }
    if (!find_startxref(p, data, len)) {
        kk_error(diag, name, 0, 0, "not a complete PDF file (no startxref at its end)");
        return false;
    }
    qpdf_data q = kk_pdf_open(name, data, len, diag);
    if (!q)
        return false;
    bool ok = false;
    if (qpdf_is_encrypted(q)) {
        kk_error(diag, name, 0, 0, "the PDF is encrypted; kokous signs only unencrypted PDF files");
        goto out;
    }
    qpdf_oh trailer = qpdf_get_trailer(q), root = qpdf_get_root(q);
    p->size = qpdf_oh_get_int_value_as_int(q, qpdf_oh_get_key(q, trailer, "/Size"));
    p->root_id = qpdf_oh_get_object_id(q, root);
    p->root_gen = qpdf_oh_get_generation(q, root);
    if (p->size <= 0 || p->root_id <= 0 || qpdf_get_num_pages(q) < 1) {
        kk_error(diag, name, 0, 0, "the PDF has no page tree or no /Size in its trailer");
        goto out;
    }
    static const char *const skip_root[] = { "/AcroForm", NULL };
    static const char *const skip_acro[] = { "/Fields", "/SigFlags", "/NeedAppearances", NULL };
    static const char *const skip_page[] = { "/Annots", NULL };
    p->root_other = dict_except(q, root, skip_root);
    qpdf_oh af = qpdf_oh_get_key_if_dict(q, root, "/AcroForm");
    if (qpdf_oh_is_dictionary(q, af)) {
        if (qpdf_oh_is_indirect(q, af)) {
            p->acro_id = qpdf_oh_get_object_id(q, af);
            p->acro_gen = qpdf_oh_get_generation(q, af);
        }
        p->acro_other = dict_except(q, af, skip_acro);
        qpdf_oh fields = qpdf_oh_get_key(q, af, "/Fields");
        p->fields = array_items(q, fields);
        if (qpdf_oh_is_array(q, fields))
            collect_field_names(q, fields, p);
    } else {
        p->acro_other = strdup("");
        p->fields = strdup("");
    }
    qpdf_oh page = qpdf_get_page_n(q, 0);
    p->page_id = qpdf_oh_get_object_id(q, page);
    p->page_gen = qpdf_oh_get_generation(q, page);
    p->page_other = dict_except(q, page, skip_page);
    qpdf_oh annots = qpdf_oh_get_key_if_dict(q, page, "/Annots");
    if (qpdf_oh_is_array(q, annots) && qpdf_oh_is_indirect(q, annots)) {
        p->annots_id = qpdf_oh_get_object_id(q, annots);
        p->annots_gen = qpdf_oh_get_generation(q, annots);
    }
    p->annots = array_items(q, annots);
    kk_buf t = { 0 };
    kk_buf_add(&t, "");
    static const char *const keep[] = { "/Info", "/ID" };
    for (size_t i = 0; i < 2; i++)
        if (qpdf_oh_has_key(q, trailer, keep[i]))
            kk_buf_addf(&t, "%s %s", keep[i], qpdf_oh_unparse(q, qpdf_oh_get_key(q, trailer, keep[i])));
    p->trailer_extra = kk_buf_take(&t);
    ok = p->root_other && p->acro_other && p->fields && p->page_other && p->annots && p->trailer_extra && p->page_id > 0;
    if (!ok)
        kk_sys_error(diag, name, "out of memory or a page that is not an indirect object");
out:
    qpdf_cleanup(&q);
    if (!ok)
        kk_pdf_prev_free(p);
    return ok;
}

void kk_pdf_prev_free(kk_pdf_prev *p)
{
    free(p->root_other);
    free(p->acro_other);
    free(p->fields);
    for (size_t i = 0; i < p->nnames; i++)
        free(p->names[i]);
    free(p->names);
    free(p->page_other);
    free(p->annots);
    free(p->trailer_extra);
    memset(p, 0, sizeof *p);
}

typedef struct xref_entry { int id, gen; size_t off; } xref_entry;

static int by_id(const void *a, const void *b)
{
    const xref_entry *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

/* Begin object `id` at the current end of `b`; its offset goes to `e`. */
static void begin_obj(kk_buf *b, size_t base, xref_entry *e, size_t *ne, int id, int gen)
{
    e[*ne] = (xref_entry){ id, gen, base + b->len };
    (*ne)++;
    kk_buf_addf(b, "%d %d obj\n", id, gen);
}

static void write_xref(const kk_pdf_prev *p, kk_buf *b, size_t base, xref_entry *e, size_t ne, int next_id)
{
    int size = p->size;
    size_t xref_at = 0;
    if (p->xref_stream) {
        /* The stream lists itself. */
        xref_at = base + b->len;
        e[ne++] = (xref_entry){ next_id, 0, xref_at };
    }
    qsort(e, ne, sizeof *e, by_id);
    for (size_t i = 0; i < ne; i++)
        if (e[i].id + 1 > size)
            size = e[i].id + 1;
    if (p->xref_stream) {
        kk_buf_addf(b, "%d 0 obj\n<</Type/XRef/Size %d/W[1 4 2]/Index[", next_id, size);
        for (size_t i = 0; i < ne;) {
            size_t j = i + 1;
            while (j < ne && e[j].id == e[j - 1].id + 1)
                j++;
            kk_buf_addf(b, "%s%d %zu", i ? " " : "", e[i].id, j - i);
            i = j;
        }
        kk_buf_addf(b, "]/Prev %zu/Root %d %d R%s/Length %zu>>\nstream\n", p->startxref, p->root_id, p->root_gen,
                    p->trailer_extra, ne * 7);
        for (size_t i = 0; i < ne; i++) {
            unsigned char row[7] = { 1, (unsigned char)(e[i].off >> 24), (unsigned char)(e[i].off >> 16),
                                     (unsigned char)(e[i].off >> 8), (unsigned char)e[i].off,
                                     (unsigned char)(e[i].gen >> 8), (unsigned char)e[i].gen };
            kk_buf_addn(b, (const char *)row, sizeof row);
        }
        kk_buf_add(b, "\nendstream\nendobj\n");
    } else {
        xref_at = base + b->len;
        kk_buf_add(b, "xref\n");
        for (size_t i = 0; i < ne;) {
            size_t j = i + 1;
            while (j < ne && e[j].id == e[j - 1].id + 1)
                j++;
            kk_buf_addf(b, "%d %zu\n", e[i].id, j - i);
            for (size_t k = i; k < j; k++)
                kk_buf_addf(b, "%010zu %05d n\r\n", e[k].off, e[k].gen);
            i = j;
        }
        kk_buf_addf(b, "trailer\n<</Size %d/Prev %zu/Root %d %d R%s>>\n", size, p->startxref, p->root_id,
                    p->root_gen, p->trailer_extra);
    }
    kk_buf_addf(b, "startxref\n%zu\n%%%%EOF\n", xref_at);
}

bool kk_pdf_update_build(const kk_pdf_prev *p, const kk_pdf_sig_spec *s, kk_buf *b,
                         size_t *contents_at, size_t *byterange_at)
{
    xref_entry e[8];
    size_t ne = 0;
    const size_t base = p->len;
    int next = p->size;
    const int sig = next++, widget = next++, ap = next++;
    const int acro = p->acro_id ? p->acro_id : next++;
    if (p->needs_eol)
        kk_buf_add(b, "\n");

    begin_obj(b, base, e, &ne, sig, 0);
    kk_buf_add(b, "<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached/ByteRange[0 ");
    *byterange_at = base + b->len;
    kk_buf_add(b, "0000000000 0000000000 0000000000]/Contents");
    *contents_at = base + b->len;
    kk_buf_add(b, "<");
    for (size_t i = 0; i < s->contents_bytes; i++)
        kk_buf_add(b, "00");
    struct tm tm;
    gmtime_r(&s->when, &tm);
    kk_buf_addf(b, ">/M(D:%04d%02d%02d%02d%02d%02dZ)/Name", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
    kk_buf_add_pdf_text(b, s->name);
    kk_buf_add(b, "/Reason");
    kk_buf_add_pdf_text(b, s->role);
    kk_buf_add(b, ">>\nendobj\n");

    /* Field and widget merged; invisible (zero rectangle) but printable and
     * locked, as PDF/A wants of every annotation. */
    begin_obj(b, base, e, &ne, widget, 0);
    kk_buf_addf(b, "<</Type/Annot/Subtype/Widget/FT/Sig/T(%s)/V %d 0 R/F 132/Rect[0 0 0 0]/P %d %d R/AP<</N %d 0 R>>>>\nendobj\n",
                s->field, sig, p->page_id, p->page_gen, ap);
    begin_obj(b, base, e, &ne, ap, 0);
    kk_buf_add(b, "<</Type/XObject/Subtype/Form/BBox[0 0 0 0]/Resources<<>>/Length 0>>\nstream\n\nendstream\nendobj\n");

    begin_obj(b, base, e, &ne, acro, p->acro_id ? p->acro_gen : 0);
    kk_buf_addf(b, "<<%s/Fields[%s%s%d 0 R]/SigFlags 3>>\nendobj\n", p->acro_other, p->fields, *p->fields ? " " : "", widget);
    if (!p->acro_id) {
        begin_obj(b, base, e, &ne, p->root_id, p->root_gen);
        kk_buf_addf(b, "<<%s/AcroForm %d 0 R>>\nendobj\n", p->root_other, acro);
    }
    if (p->annots_id) {
        begin_obj(b, base, e, &ne, p->annots_id, p->annots_gen);
        kk_buf_addf(b, "[%s%s%d 0 R]\nendobj\n", p->annots, *p->annots ? " " : "", widget);
    } else {
        begin_obj(b, base, e, &ne, p->page_id, p->page_gen);
        kk_buf_addf(b, "<<%s/Annots[%s%s%d 0 R]>>\nendobj\n", p->page_other, p->annots, *p->annots ? " " : "", widget);
    }
    write_xref(p, b, base, e, ne, next);
    return !b->oom;
}
