/* pdf_file.c — a Cairo PDF's objects: the cross-reference table in,
 * streams, pages, and the finished file out (see pdf_object.h). */
#define _POSIX_C_SOURCE 200809L
#include "render/pdf_object_int.h"
#include "util/deflate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* More objects than this is not a document kokous made. */
#define MAX_OBJECTS 10000000L
#define MAX_PAGE_DEPTH 32

static bool fail(kk_pdf *p, const char *why)
{
    kk_sys_error(p->diag, p->name, "cannot read the rendered PDF: %s", why);
    return false;
}

/* The unsigned integer after white space at *pos; *pos moves past it. */
static bool read_uint(const unsigned char *s, size_t len, size_t *pos, long *out)
{
    return kk_pdf_uint_at(s, len, kk_pdf_skip_ws(s, len, *pos), out, pos);
}

static bool grow_objects(kk_pdf *p, size_t n)
{
    if (n <= p->cap)
        return true;
    size_t cap = p->cap ? p->cap : 64;
    while (cap < n)
        cap *= 2;
    pdf_obj *o = realloc(p->objs, cap * sizeof *o);
    if (!o)
        return false;
    memset(o + p->cap, 0, (cap - p->cap) * sizeof *o);
    p->objs = o;
    p->cap = cap;
    return true;
}

void kk_pdf_sort_by_offset(const kk_pdf *p, long *nums, size_t n)
{
    /* insertion sort: Cairo writes objects nearly in table order */
    for (size_t i = 1; i < n; i++) {
        long v = nums[i];
        size_t j = i;
        while (j > 0 && p->objs[nums[j - 1]].start > p->objs[v].start) {
            nums[j] = nums[j - 1];
            j--;
        }
        nums[j] = v;
    }
}

/* Where each object ends: at the next object or at the table. */
static bool find_ends(kk_pdf *p, size_t xref_at)
{
    size_t n = 0;
    long *order = malloc((p->nobjs + 1) * sizeof *order);
    if (!order)
        return false;
    for (size_t i = 1; i < p->nobjs; i++)
        if (p->objs[i].present)
            order[n++] = (long)i;
    kk_pdf_sort_by_offset(p, order, n);
    for (size_t i = 0; i < n; i++)
        p->objs[order[i]].end = i + 1 < n ? p->objs[order[i + 1]].start : xref_at;
    free(order);
    return true;
}

static bool read_table(kk_pdf *p, size_t at)
{
    const unsigned char *s = p->in;
    size_t len = p->len, pos = at;
    if (!kk_pdf_keyword_at(s, len, pos, "xref"))
        return fail(p, "no classic cross-reference table (object streams are not read here)");
    pos += 4;
    for (;;) {
        pos = kk_pdf_skip_ws(s, len, pos);
        if (kk_pdf_keyword_at(s, len, pos, "trailer"))
            break;
        long first, count;
        if (!read_uint(s, len, &pos, &first) || !read_uint(s, len, &pos, &count) ||
            first + count > MAX_OBJECTS)
            return fail(p, "bad cross-reference subsection");
        if (!grow_objects(p, (size_t)(first + count)))
            return fail(p, "out of memory");
        if ((size_t)(first + count) > p->nobjs)
            p->nobjs = (size_t)(first + count);
        for (long i = 0; i < count; i++) {
            long off, gen;
            if (!read_uint(s, len, &pos, &off) || !read_uint(s, len, &pos, &gen))
                return fail(p, "bad cross-reference entry");
            pos = kk_pdf_skip_ws(s, len, pos);
            if (pos >= len || (s[pos] != 'n' && s[pos] != 'f'))
                return fail(p, "bad cross-reference entry");
            pdf_obj *o = &p->objs[first + i];
            o->listed = s[pos++] == 'n' && first + i > 0;
            o->gen = (int)gen;
            o->start = (size_t)off;
        }
    }
    pos += 7;
    const char *why;
    if (!kk_pdf_parse_at(p, s, len, &pos, &p->trailer, &why) || !kk_pdf_is_dict(&p->trailer))
        return fail(p, "bad trailer");
    if (kk_pdf_dict_get(&p->trailer, "/Prev"))
        return fail(p, "it has incremental updates");
    /* Each listed object must be where the table says. */
    for (size_t i = 1; i < p->nobjs; i++) {
        pdf_obj *o = &p->objs[i];
        if (!o->listed)
            continue;
        size_t q = o->start;
        long num, gen;
        if (o->start < len && read_uint(s, len, &q, &num) && read_uint(s, len, &q, &gen) &&
            num == (long)i && gen == o->gen &&
            kk_pdf_keyword_at(s, len, kk_pdf_skip_ws(s, len, q), "obj")) {
            o->present = true;
            o->val_start = kk_pdf_skip_ws(s, len, q) + 3;
        } else {
            kk_diag_report(p->diag, KK_WARNING, KK_FAIL_SYSTEM, p->name, 0, 0,
                           "the rendered PDF lists object %zu but does not contain it; "
                           "references to it are read as null", i);
        }
    }
    return find_ends(p, at);
}

kk_pdf *kk_pdf_read(const unsigned char *data, size_t len, const char *name, kk_diag *diag)
{
    kk_pdf *p = calloc(1, sizeof *p);
    if (!p) {
        kk_sys_error(diag, name, "out of memory");
        return NULL;
    }
    *p = (kk_pdf){ .in = data, .len = len, .name = name, .diag = diag };
    bool ok = len > 16 && !memcmp(data, "%PDF-1.", 7);
    if (!ok)
        fail(p, "not a PDF file");
    /* header: the version line and the binary comment after it */
    size_t h = 0;
    for (int line = 0; ok && line < 2 && h < len && (line == 0 || data[h] == '%'); line++) {
        while (h < len && data[h] != '\n' && data[h] != '\r')
            h++;
        while (h < len && (data[h] == '\n' || data[h] == '\r'))
            h++;
    }
    p->header_len = h;
    /* startxref, near the end */
    size_t at = 0;
    bool found = false;
    for (size_t i = len - 9; ok && i > 0 && i + 1024 > len; i--)
        if (!memcmp(data + i, "startxref", 9)) {
            size_t q = i + 9;
            long off;
            found = read_uint(data, len, &q, &off) && (size_t)off < len;
            at = found ? (size_t)off : 0;
            break;
        }
    if (ok && !found)
        ok = fail(p, "no startxref");
    if (ok)
        ok = read_table(p, at);
    if (!ok) {
        kk_pdf_free(p);
        return NULL;
    }
    return p;
}

void kk_pdf_free(kk_pdf *p)
{
    if (!p)
        return;
    kk_pdf_arena_free(p->arena);
    free(p->objs);
    free(p->pages);
    free(p);
}

kk_pdf_val *kk_pdf_trailer(kk_pdf *p) { return &p->trailer; }

/* A stream's data: /Length as given when it fits, else up to "endstream". */
static void locate_stream(kk_pdf *p, long num, size_t pos)
{
    pdf_obj *o = &p->objs[num];
    const unsigned char *s = p->in;
    if (pos < o->end && s[pos] == '\r')
        pos++;
    if (pos < o->end && s[pos] == '\n')
        pos++;
    long long n = -1;
    kk_pdf_val *lv = kk_pdf_dict_get(o->val, "/Length");
    if (lv && lv->kind == KK_PDF_REF && lv->u.ref.num != num) {
        pdf_obj *lo = lv->u.ref.num > 0 && (size_t)lv->u.ref.num < p->nobjs
                      ? &p->objs[lv->u.ref.num] : NULL;
        /* a length object is a plain number: read it without recursion */
        size_t q = lo && lo->present ? lo->val_start : 0;
        long v;
        if (q && read_uint(s, lo->end, &q, &v))
            n = v;
    } else {
        kk_pdf_int(lv, &n);
    }
    size_t e = pos + (size_t)(n < 0 ? 0 : n);
    if (n < 0 || e > o->end || !kk_pdf_keyword_at(s, o->end, kk_pdf_skip_ws(s, o->end, e), "endstream")) {
        /* trust the keyword rather than a wrong length */
        e = o->end;
        while (e > pos + 9 && memcmp(s + e - 9, "endstream", 9))
            e--;
        e = e > pos + 9 ? e - 9 : pos;
        if (e > pos && s[e - 1] == '\n')
            e--;
        if (e > pos && s[e - 1] == '\r')
            e--;
    }
    o->stream = true;
    o->data = s + pos;
    o->data_len = e - pos;
}

kk_pdf_val *kk_pdf_get(kk_pdf *p, long num)
{
    if (num <= 0 || (size_t)num >= p->nobjs || !p->objs[num].present)
        return NULL;
    pdf_obj *o = &p->objs[num];
    if (!o->parsed) {
        o->val = kk_pdf_alloc(p, sizeof *o->val);
        if (!o->val)
            return NULL;
        o->parsed = true;
        size_t pos = o->val_start;
        const char *why;
        if (!kk_pdf_parse_at(p, p->in, o->end, &pos, o->val, &why)) {
            kk_diag_report(p->diag, KK_WARNING, KK_FAIL_SYSTEM, p->name, 0, 0,
                           "the rendered PDF's object %ld is unreadable (%s)", num, why);
            *o->val = (kk_pdf_val){ .kind = KK_PDF_NULL, .u.tok = { "null", 4 } };
            o->val_end = o->val_start;
            return o->val;
        }
        o->val_end = pos;
        pos = kk_pdf_skip_ws(p->in, o->end, pos);
        if (kk_pdf_is_dict(o->val) && kk_pdf_keyword_at(p->in, o->end, pos, "stream"))
            locate_stream(p, num, pos + 6);
    }
    return o->val;
}

kk_pdf_val *kk_pdf_edit(kk_pdf *p, long num)
{
    kk_pdf_val *v = kk_pdf_get(p, num);
    if (v)
        p->objs[num].dirty = true;
    return v;
}

kk_pdf_val *kk_pdf_resolve(kk_pdf *p, kk_pdf_val *v)
{
    return v && v->kind == KK_PDF_REF ? kk_pdf_get(p, v->u.ref.num) : v;
}

long kk_pdf_add(kk_pdf *p, kk_pdf_val v)
{
    kk_pdf_val *val = kk_pdf_alloc(p, sizeof *val);
    if (!val || !grow_objects(p, p->nobjs + 1)) {
        p->oom = true;
        return 0;
    }
    *val = v;
    long num = (long)p->nobjs++;
    p->objs[num] = (pdf_obj){ .listed = true, .present = true, .parsed = true,
                              .dirty = true, .added = true, .val = val };
    return num;
}

/* ---- streams -------------------------------------------------------------- */

bool kk_pdf_is_stream(kk_pdf *p, long num)
{
    return kk_pdf_get(p, num) && p->objs[num].stream;
}

bool kk_pdf_stream_data(kk_pdf *p, long num, const unsigned char **data, size_t *len)
{
    if (!kk_pdf_is_stream(p, num))
        return false;
    *data = p->objs[num].data;
    *len = p->objs[num].data_len;
    return true;
}

unsigned char *kk_pdf_stream_decode(kk_pdf *p, long num, size_t max, size_t *len)
{
    const unsigned char *data;
    size_t n;
    if (!kk_pdf_stream_data(p, num, &data, &n))
        return NULL;
    kk_pdf_val *dict = kk_pdf_get(p, num);
    kk_pdf_val *filter = kk_pdf_lookup(p, dict, "/Filter");
    if (kk_pdf_is_array(filter) && filter->u.list.n == 1)
        filter = kk_pdf_resolve(p, &filter->u.list.v[0]);
    if (!filter) {
        unsigned char *copy = n <= max ? malloc(n ? n : 1) : NULL;
        if (copy)
            memcpy(copy, data, n);
        *len = n;
        return copy;
    }
    kk_pdf_val *parms = kk_pdf_lookup(p, dict, "/DecodeParms");
    if (!kk_pdf_is_name(filter, "/FlateDecode") || kk_pdf_lookup(p, parms, "/Predictor"))
        return NULL;
    z_stream z = { 0 };
    if (inflateInit(&z) != Z_OK)
        return NULL;
    size_t cap = n * 4 + 1024, out_n = 0;
    unsigned char *out = malloc(cap);
    z.next_in = (unsigned char *)data;
    z.avail_in = (uInt)n;
    int rc = Z_OK;
    while (out && rc == Z_OK) {
        if (out_n == cap) {
            unsigned char *more = cap < max ? realloc(out, cap * 2) : NULL;
            if (!more) {
                free(out);
                out = NULL;
                break;
            }
            out = more;
            cap *= 2;
        }
        z.next_out = out + out_n;
        z.avail_out = (uInt)(cap - out_n);
        rc = inflate(&z, Z_NO_FLUSH);
        out_n = cap - z.avail_out;
        if (rc == Z_BUF_ERROR && z.avail_in == 0)
            break; /* truncated, but what came out is kept, as viewers do */
    }
    inflateEnd(&z);
    if (out && (out_n > max || (rc != Z_STREAM_END && rc != Z_BUF_ERROR && rc != Z_OK))) {
        free(out);
        out = NULL;
    }
    *len = out_n;
    return out;
}

bool kk_pdf_stream_replace(kk_pdf *p, long num, const unsigned char *data, size_t len,
                           bool compress)
{
    kk_pdf_val *dict = kk_pdf_edit(p, num);
    if (!dict || !kk_pdf_is_dict(dict))
        return false;
    unsigned char *store;
    size_t n = len;
    if (compress) {
        size_t cap = kk_deflate_bound(len);
        store = kk_pdf_alloc(p, cap);
        if (!store || !kk_deflate(data, len, store, &cap))
            return p->oom = true, false;
        n = cap;
    } else {
        store = kk_pdf_alloc(p, len ? len : 1);
        if (!store)
            return false;
        memcpy(store, data, len);
    }
    pdf_obj *o = &p->objs[num];
    o->stream = true;
    o->data = store;
    o->data_len = n;
    kk_pdf_dict_remove(dict, "/DecodeParms");
    if (compress)
        kk_pdf_dict_set(p, dict, "/Filter", kk_pdf_new_name(p, "/FlateDecode"));
    else
        kk_pdf_dict_remove(dict, "/Filter");
    return kk_pdf_dict_set(p, dict, "/Length", kk_pdf_new_int(p, (long long)n)) && !p->oom;
}

bool kk_pdf_compress_plain_streams(kk_pdf *p)
{
    for (size_t num = 1; num < p->nobjs; num++) {
        if (!kk_pdf_is_stream(p, (long)num))
            continue;
        kk_pdf_val *dict = kk_pdf_get(p, (long)num);
        if (kk_pdf_lookup(p, dict, "/Filter") || kk_pdf_is_name(kk_pdf_lookup(p, dict, "/Type"), "/Metadata"))
            continue;
        const pdf_obj *o = &p->objs[num];
        if (!kk_pdf_stream_replace(p, (long)num, o->data, o->data_len, true))
            return false;
    }
    return true;
}

long kk_pdf_add_stream(kk_pdf *p, kk_pdf_val *dict, const unsigned char *data, size_t len,
                       bool compress)
{
    kk_pdf_val d = dict ? *dict : kk_pdf_new_parsed(p, "<< >>");
    long num = kk_pdf_add(p, d);
    if (!num || !kk_pdf_stream_replace(p, num, data, len, compress))
        return 0;
    return num;
}

/* ---- copying between files ------------------------------------------------ */

typedef struct {
    kk_pdf *dst, *src;
    long *map; /* src object number -> dst object number */
    int depth;
} importer;

static bool import_value(importer *im, kk_pdf_val *v, kk_pdf_val *out);

static long import_object(importer *im, long num)
{
    if (num <= 0 || (size_t)num >= im->src->nobjs || !kk_pdf_get(im->src, num))
        return 0;
    if (im->map[num])
        return im->map[num];
    long to = kk_pdf_add(im->dst, kk_pdf_token_copy(im->dst, KK_PDF_NULL, "null", 4));
    if (!to)
        return -1;
    im->map[num] = to;
    kk_pdf_val copy;
    if (!import_value(im, kk_pdf_get(im->src, num), &copy))
        return -1;
    pdf_obj *so = &im->src->objs[num], *d = &im->dst->objs[to];
    *d->val = copy;
    if (so->stream) {
        unsigned char *data = kk_pdf_alloc(im->dst, so->data_len + 1);
        if (!data)
            return -1;
        memcpy(data, so->data, so->data_len);
        d->stream = true;
        d->data = data;
        d->data_len = so->data_len;
        kk_pdf_dict_set(im->dst, d->val, "/Length", kk_pdf_new_int(im->dst, (long long)so->data_len));
    }
    return im->dst->oom ? -1 : to;
}

static bool import_value(importer *im, kk_pdf_val *v, kk_pdf_val *out)
{
    if (++im->depth > 64)
        return false;
    bool ok = true;
    if (v->kind == KK_PDF_REF) {
        long to = import_object(im, v->u.ref.num);
        ok = to >= 0;
        *out = to > 0 ? kk_pdf_new_ref(to) : kk_pdf_token_copy(im->dst, KK_PDF_NULL, "null", 4);
    } else if (v->kind == KK_PDF_ARRAY || v->kind == KK_PDF_DICT) {
        *out = (kk_pdf_val){ .kind = v->kind };
        size_t n = v->u.list.n;
        out->u.list.v = kk_pdf_alloc(im->dst, (n ? n : 1) * sizeof *out->u.list.v);
        out->u.list.n = out->u.list.cap = out->u.list.v ? n : 0;
        ok = out->u.list.v != NULL;
        for (size_t i = 0; ok && i < n; i++)
            ok = import_value(im, &v->u.list.v[i], &out->u.list.v[i]);
    } else {
        *out = kk_pdf_token_copy(im->dst, v->kind, v->u.tok.s, v->u.tok.len);
    }
    im->depth--;
    return ok && !im->dst->oom;
}

bool kk_pdf_import(kk_pdf *dst, kk_pdf *src, kk_pdf_val *v, kk_pdf_val *out)
{
    importer im = { dst, src, calloc(src->nobjs + 1, sizeof(long)), 0 };
    bool ok = im.map && import_value(&im, v, out);
    free(im.map);
    if (!ok)
        dst->oom = true;
    return ok;
}

/* ---- pages ---------------------------------------------------------------- */

static void walk_pages(kk_pdf *p, kk_pdf_val *node_ref, int depth)
{
    long num = kk_pdf_ref_num(node_ref);
    kk_pdf_val *node = kk_pdf_resolve(p, node_ref);
    if (!num || !kk_pdf_is_dict(node) || depth > MAX_PAGE_DEPTH || p->npages >= p->nobjs)
        return;
    if (kk_pdf_is_name(kk_pdf_dict_get(node, "/Type"), "/Page")) {
        p->pages[p->npages++] = num;
        return;
    }
    kk_pdf_val *kids = kk_pdf_lookup(p, node, "/Kids");
    for (size_t i = 0; kk_pdf_is_array(kids) && i < kids->u.list.n; i++)
        walk_pages(p, &kids->u.list.v[i], depth + 1);
}

const long *kk_pdf_pages(kk_pdf *p, size_t *count)
{
    if (!p->pages_done) {
        p->pages_done = true;
        p->pages = malloc((p->nobjs + 1) * sizeof *p->pages);
        kk_pdf_val *root = kk_pdf_lookup(p, &p->trailer, "/Root");
        if (p->pages)
            walk_pages(p, kk_pdf_dict_get(root, "/Pages"), 0);
        else
            p->oom = true;
    }
    *count = p->npages;
    return p->pages;
}
