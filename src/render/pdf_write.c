/* pdf_write.c — the finished file: reachable objects, object streams, the
 * cross-reference table or stream, and a content-derived /ID (see
 * pdf_object.h). */
#define _POSIX_C_SOURCE 200809L
#include "render/pdf_object_int.h"
#include "util/deflate.h"
#include "util/hash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Objects per object stream (what qpdf does too). */
#define OBJSTM_SIZE 100

typedef struct {
    kk_pdf *p;
    bool *reach;
    long *stack;
    size_t n;
} marker;

static void push_refs(marker *m, const kk_pdf_val *v)
{
    if (v->kind == KK_PDF_REF) {
        long num = v->u.ref.num;
        if (num > 0 && (size_t)num < m->p->nobjs && !m->reach[num] && m->p->objs[num].present) {
            m->reach[num] = true;
            m->stack[m->n++] = num;
        }
    } else if (v->kind == KK_PDF_ARRAY || v->kind == KK_PDF_DICT) {
        for (size_t i = 0; i < v->u.list.n; i++)
            push_refs(m, &v->u.list.v[i]);
    }
}

/* Marks every object reachable from the trailer. */
static bool *reachable(kk_pdf *p)
{
    marker m = { p, calloc(p->nobjs + 1, sizeof(bool)), malloc((p->nobjs + 1) * sizeof(long)), 0 };
    if (m.reach && m.stack) {
        push_refs(&m, &p->trailer);
        while (m.n) {
            kk_pdf_val *v = kk_pdf_get(p, m.stack[--m.n]);
            if (v)
                push_refs(&m, v);
        }
    }
    free(m.stack);
    if (!m.stack) {
        free(m.reach);
        return NULL;
    }
    return m.reach;
}

/* Objects in writing order: the input's order, then the added ones. */
static long *write_order(kk_pdf *p, const bool *reach, size_t *n)
{
    long *order = malloc((p->nobjs + 1) * sizeof *order);
    if (!order)
        return NULL;
    size_t k = 0;
    for (size_t i = 1; i < p->nobjs; i++)
        if (reach[i] && !p->objs[i].added)
            order[k++] = (long)i;
    kk_pdf_sort_by_offset(p, order, k);
    for (size_t i = 1; i < p->nobjs; i++)
        if (reach[i] && p->objs[i].added)
            order[k++] = (long)i;
    *n = k;
    return order;
}

/* The object's value in PDF syntax: the input's bytes when not edited. */
static void add_value(kk_buf *b, kk_pdf *p, long num)
{
    pdf_obj *o = &p->objs[num];
    if (o->dirty || o->val_end <= o->val_start)
        kk_pdf_serialize(b, o->val);
    else
        kk_buf_addn(b, (const char *)p->in + o->val_start, o->val_end - o->val_start);
}

static void add_object(kk_buf *b, kk_pdf *p, long num)
{
    pdf_obj *o = &p->objs[num];
    if (!o->dirty && o->end > o->start) {
        kk_buf_addn(b, (const char *)p->in + o->start, o->end - o->start);
        if (b->len && b->s[b->len - 1] != '\n' && b->s[b->len - 1] != '\r')
            kk_buf_add(b, "\n");
        return;
    }
    kk_buf_addf(b, "%ld %d obj\n", num, o->gen);
    add_value(b, p, num);
    if (o->stream) {
        kk_buf_add(b, "\nstream\n");
        kk_buf_addn(b, (const char *)o->data, o->data_len);
        kk_buf_add(b, "\nendstream");
    }
    kk_buf_add(b, "\nendobj\n");
}

/* " /ID [ <d> <d> ]" with d the MD5 of data[0..len) (everything written
 * before the cross-reference section), appended to b. */
static void add_id(kk_buf *b, const char *data, size_t len)
{
    char hex[33];
    if (b->oom || !kk_md5_hex(data, len, hex)) {
        b->oom = true;
        return;
    }
    kk_buf_addf(b, " /ID [ <%s> <%s> ]", hex, hex);
}

/* The trailer's own keys, without the ones the writer decides. */
static void add_trailer_keys(kk_buf *b, kk_pdf *p)
{
    kk_pdf_val *t = &p->trailer;
    for (size_t i = 0; i + 1 < t->u.list.n; i += 2) {
        kk_pdf_val *k = &t->u.list.v[i];
        if (kk_pdf_is_name(k, "/Size") || kk_pdf_is_name(k, "/ID") || kk_pdf_is_name(k, "/Prev") ||
            kk_pdf_is_name(k, "/XRefStm"))
            continue;
        kk_buf_add(b, " ");
        kk_pdf_serialize(b, k);
        kk_buf_add(b, " ");
        kk_pdf_serialize(b, &t->u.list.v[i + 1]);
    }
}

/* The next free object number after num (0 ends the list). */
static size_t next_free(const bool *used, size_t size, size_t num)
{
    for (size_t i = num + 1; i < size; i++)
        if (!used[i])
            return i;
    return 0;
}

static void classic(kk_buf *b, kk_pdf *p, const long *order, size_t n, const bool *reach)
{
    size_t size = p->nobjs;
    size_t *off = calloc(size, sizeof *off);
    if (!off) {
        b->oom = true;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        off[order[i]] = b->len;
        add_object(b, p, order[i]);
    }
    size_t xref = b->len;
    kk_buf_addf(b, "xref\n0 %zu\n%010zu 65535 f \n", size, next_free(reach, size, 0));
    for (size_t i = 1; i < size; i++) {
        if (reach[i])
            kk_buf_addf(b, "%010zu %05d n \n", off[i], p->objs[i].gen);
        else
            kk_buf_addf(b, "%010zu 00001 f \n", next_free(reach, size, i));
    }
    /* the ID is a digest of everything before the table */
    kk_buf id = { 0 };
    if (!b->oom)
        add_id(&id, b->s, xref);
    kk_buf_addf(b, "trailer\n<< /Size %zu", size);
    add_trailer_keys(b, p);
    kk_buf_addn(b, id.s ? id.s : "", id.len);
    kk_buf_addf(b, " >>\nstartxref\n%zu\n%%%%EOF\n", xref);
    b->oom |= id.oom;
    kk_buf_free(&id);
    free(off);
}

static void put_field(unsigned char *e, unsigned long long v, int width)
{
    for (int i = width - 1; i >= 0; i--, v >>= 8)
        e[i] = (unsigned char)(v & 0xFF);
}

static void with_object_streams(kk_buf *b, kk_pdf *p, const long *order, size_t n)
{
    size_t small = 0;
    for (size_t i = 0; i < n; i++)
        small += !p->objs[order[i]].stream && p->objs[order[i]].gen == 0;
    size_t nstm = (small + OBJSTM_SIZE - 1) / OBJSTM_SIZE;
    size_t first_stm = p->nobjs, xref_num = first_stm + nstm, size = xref_num + 1;
    /* per object: type 1 offset, or type 2 (stream number, index) */
    size_t *f2 = calloc(size, sizeof *f2), *f3 = calloc(size, sizeof *f3);
    unsigned char *type = calloc(size, 1);
    long *members = malloc((small + 1) * sizeof *members);
    if (!f2 || !f3 || !type || !members) {
        b->oom = true;
        goto out;
    }
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        long num = order[i];
        if (!p->objs[num].stream && p->objs[num].gen == 0) {
            members[m++] = num;
            continue;
        }
        type[num] = 1;
        f2[num] = b->len;
        f3[num] = (size_t)p->objs[num].gen;
        add_object(b, p, num);
    }
    for (size_t s = 0; s < nstm; s++) {
        size_t from = s * OBJSTM_SIZE, to = from + OBJSTM_SIZE < m ? from + OBJSTM_SIZE : m;
        kk_buf head = { 0 }, body = { 0 };
        for (size_t k = from; k < to; k++) {
            kk_buf_addf(&head, "%ld %zu ", members[k], body.len);
            add_value(&body, p, members[k]);
            kk_buf_add(&body, "\n");
            type[members[k]] = 2;
            f2[members[k]] = first_stm + s;
            f3[members[k]] = k - from;
        }
        kk_buf all = { 0 };
        kk_buf_addn(&all, head.s ? head.s : "", head.len);
        kk_buf_addn(&all, body.s ? body.s : "", body.len);
        size_t clen = kk_deflate_bound(all.len);
        unsigned char *z = all.oom ? NULL : malloc(clen);
        if (!z || !kk_deflate(all.s, all.len, z, &clen)) {
            b->oom = true;
        } else {
            size_t num = first_stm + s;
            type[num] = 1;
            f2[num] = b->len;
            kk_buf_addf(b, "%zu 0 obj\n<< /Type /ObjStm /N %zu /First %zu /Filter /FlateDecode /Length %lu >>\nstream\n",
                        num, to - from, head.len, (unsigned long)clen);
            kk_buf_addn(b, (const char *)z, clen);
            kk_buf_add(b, "\nendstream\nendobj\n");
        }
        free(z);
        b->oom |= head.oom || body.oom;
        kk_buf_free(&head);
        kk_buf_free(&body);
        kk_buf_free(&all);
    }
    /* the cross-reference stream: /W [1 4 2] */
    size_t xref = b->len;
    type[xref_num] = 1;
    f2[xref_num] = xref;
    unsigned char *rows = calloc(size, 7);
    if (!rows) {
        b->oom = true;
        goto out;
    }
    size_t prev_free = 0;
    for (size_t i = size; i-- > 0;) {
        unsigned char *e = rows + 7 * i;
        if (type[i]) {
            e[0] = type[i];
            put_field(e + 1, f2[i], 4);
            put_field(e + 5, f3[i], 2);
        } else {
            put_field(e + 1, prev_free, 4);
            put_field(e + 5, i == 0 ? 65535 : 1, 2);
            prev_free = i;
        }
    }
    size_t clen = kk_deflate_bound(size * 7);
    unsigned char *z = malloc(clen);
    kk_buf id = { 0 };
    if (!b->oom)
        add_id(&id, b->s, xref);
    if (!z || !id.s || id.oom || !kk_deflate(rows, size * 7, z, &clen)) {
        b->oom = true;
    } else {
        kk_buf_addf(b, "%zu 0 obj\n<< /Type /XRef /Size %zu /W [ 1 4 2 ]", xref_num, size);
        add_trailer_keys(b, p);
        kk_buf_addn(b, id.s, id.len);
        kk_buf_addf(b, " /Filter /FlateDecode /Length %lu >>\nstream\n", (unsigned long)clen);
        kk_buf_addn(b, (const char *)z, clen);
        kk_buf_addf(b, "\nendstream\nendobj\nstartxref\n%zu\n%%%%EOF\n", xref);
    }
    kk_buf_free(&id);
    free(z);
    free(rows);
out:
    free(f2);
    free(f3);
    free(type);
    free(members);
}

/* Cairo writes each stream's /Length as a separate object; a direct
 * number is smaller and lets those objects go. */
static void direct_lengths(kk_pdf *p, const bool *reach)
{
    for (size_t i = 1; i < p->nobjs; i++) {
        if (!reach[i] || !p->objs[i].stream)
            continue;
        kk_pdf_val *len = kk_pdf_dict_get(p->objs[i].val, "/Length");
        if (len && len->kind == KK_PDF_REF) {
            p->objs[i].dirty = true;
            *len = kk_pdf_new_int(p, (long long)p->objs[i].data_len);
        }
    }
}

unsigned char *kk_pdf_write(kk_pdf *p, const kk_pdf_write_opts *o, size_t *len)
{
    bool *reach = reachable(p);
    if (reach) {
        direct_lengths(p, reach);
        free(reach);
        reach = reachable(p);
    }
    size_t n = 0;
    long *order = reach ? write_order(p, reach, &n) : NULL;
    kk_buf b = { 0 };
    if (!order) {
        free(reach);
        return NULL;
    }
    if (o->version) {
        size_t l1 = 0;
        while (l1 < p->header_len && p->in[l1] != '\n' && p->in[l1] != '\r')
            l1++;
        kk_buf_addf(&b, "%%PDF-%s", o->version);
        kk_buf_addn(&b, (const char *)p->in + l1, p->header_len - l1);
    } else {
        kk_buf_addn(&b, (const char *)p->in, p->header_len);
    }
    bool objstm = o->object_streams && !(o->version && strcmp(o->version, "1.5") < 0);
    if (objstm)
        with_object_streams(&b, p, order, n);
    else
        classic(&b, p, order, n, reach);
    free(order);
    free(reach);
    if (b.oom || p->oom) {
        kk_buf_free(&b);
        return NULL;
    }
    *len = b.len;
    return (unsigned char *)kk_buf_take(&b);
}
