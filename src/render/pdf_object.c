/* pdf_object.c — PDF values: parsing, writing, editing (see pdf_object.h). */
#define _POSIX_C_SOURCE 200809L
#include "render/pdf_object_int.h"

#include <glib.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deeper nesting than this is not something Cairo writes. */
#define MAX_DEPTH 64
#define ARENA_BLOCK (64 * 1024)

struct arena_block {
    arena_block *next;
    size_t used, cap;
    _Alignas(max_align_t) unsigned char data[];
};

void *kk_pdf_alloc(kk_pdf *p, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    arena_block *b = p->arena;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        arena_block *nb = malloc(sizeof *nb + cap);
        if (!nb) {
            p->oom = true;
            return NULL;
        }
        nb->used = 0;
        nb->cap = cap;
        nb->next = b;
        p->arena = b = nb;
    }
    void *r = b->data + b->used;
    b->used += n;
    memset(r, 0, n);
    return r;
}

void kk_pdf_arena_free(arena_block *b)
{
    while (b) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
}

bool kk_pdf_oom(const kk_pdf *p) { return p->oom; }

/* ---- lexing --------------------------------------------------------------- */

static bool is_ws(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0;
}

static bool is_delim(unsigned char c)
{
    return strchr("()<>[]{}/%", c) != NULL && c != 0;
}

static bool is_regular(unsigned char c) { return !is_ws(c) && !is_delim(c); }

size_t kk_pdf_skip_ws(const unsigned char *s, size_t len, size_t pos)
{
    while (pos < len) {
        if (is_ws(s[pos])) {
            pos++;
        } else if (s[pos] == '%') {
            while (pos < len && s[pos] != '\n' && s[pos] != '\r')
                pos++;
        } else {
            break;
        }
    }
    return pos;
}

bool kk_pdf_keyword_at(const unsigned char *s, size_t len, size_t pos, const char *kw)
{
    size_t n = strlen(kw);
    return pos + n <= len && !memcmp(s + pos, kw, n) && (pos + n == len || !is_regular(s[pos + n]));
}

bool kk_pdf_uint_at(const unsigned char *s, size_t len, size_t pos, long *v, size_t *end)
{
    long n = 0;
    size_t i = pos;
    while (i < len && s[i] >= '0' && s[i] <= '9' && i - pos < 10)
        n = n * 10 + (s[i++] - '0');
    if (i == pos || (i < len && is_regular(s[i])))
        return false;
    *v = n;
    *end = i;
    return true;
}

static bool list_push(kk_pdf *p, kk_pdf_val *list, kk_pdf_val v)
{
    if (list->u.list.n == list->u.list.cap) {
        size_t cap = list->u.list.cap ? list->u.list.cap * 2 : 8;
        kk_pdf_val *nv = kk_pdf_alloc(p, cap * sizeof *nv);
        if (!nv)
            return false;
        if (list->u.list.n)
            memcpy(nv, list->u.list.v, list->u.list.n * sizeof *nv);
        list->u.list.v = nv;
        list->u.list.cap = cap;
    }
    list->u.list.v[list->u.list.n++] = v;
    return true;
}

static kk_pdf_val token(kk_pdf_kind kind, const unsigned char *s, size_t len)
{
    kk_pdf_val v = { .kind = kind };
    v.u.tok.s = (const char *)s;
    v.u.tok.len = len;
    return v;
}

static bool parse(kk_pdf *p, const unsigned char *s, size_t len, size_t *pos,
                  kk_pdf_val *out, int depth, const char **why)
{
    size_t i = kk_pdf_skip_ws(s, len, *pos);
    if (i >= len) {
        *why = "unexpected end of data";
        return false;
    }
    if (depth > MAX_DEPTH) {
        *why = "nested too deeply";
        return false;
    }
    unsigned char c = s[i];
    if ((c == '<' && i + 1 < len && s[i + 1] == '<') || c == '[') {
        bool dict = c == '<';
        kk_pdf_val v = { .kind = dict ? KK_PDF_DICT : KK_PDF_ARRAY };
        i += dict ? 2 : 1;
        for (;;) {
            i = kk_pdf_skip_ws(s, len, i);
            if (i >= len) {
                *why = dict ? "unterminated dictionary" : "unterminated array";
                return false;
            }
            if (dict && s[i] == '>' && i + 1 < len && s[i + 1] == '>') {
                i += 2;
                break;
            }
            if (!dict && s[i] == ']') {
                i++;
                break;
            }
            kk_pdf_val item;
            if (!parse(p, s, len, &i, &item, depth + 1, why))
                return false;
            if (dict && v.u.list.n % 2 == 0 && item.kind != KK_PDF_NAME) {
                *why = "dictionary key is not a name";
                return false;
            }
            if (!list_push(p, &v, item)) {
                *why = "out of memory";
                return false;
            }
        }
        if (dict && v.u.list.n % 2) {
            *why = "dictionary key without a value";
            return false;
        }
        *out = v;
    } else if (c == '(') {
        size_t j = i + 1;
        int nest = 1;
        while (j < len && nest) {
            if (s[j] == '\\')
                j++;
            else if (s[j] == '(')
                nest++;
            else if (s[j] == ')')
                nest--;
            j++;
        }
        if (nest) {
            *why = "unterminated string";
            return false;
        }
        *out = token(KK_PDF_STRING, s + i, j - i);
        i = j;
    } else if (c == '<') {
        size_t j = i + 1;
        while (j < len && s[j] != '>')
            j++;
        if (j >= len) {
            *why = "unterminated hex string";
            return false;
        }
        *out = token(KK_PDF_STRING, s + i, j + 1 - i);
        i = j + 1;
    } else if (c == '/') {
        size_t j = i + 1;
        while (j < len && is_regular(s[j]))
            j++;
        *out = token(KK_PDF_NAME, s + i, j - i);
        i = j;
    } else if (is_regular(c)) {
        size_t j = i;
        while (j < len && is_regular(s[j]))
            j++;
        long num, gen;
        size_t e1, e2;
        if (kk_pdf_uint_at(s, len, i, &num, &e1)) {
            /* "N G R" is one value */
            size_t k = kk_pdf_skip_ws(s, len, e1);
            if (kk_pdf_uint_at(s, len, k, &gen, &e2)) {
                k = kk_pdf_skip_ws(s, len, e2);
                if (kk_pdf_keyword_at(s, len, k, "R") && gen <= 65535) {
                    out->kind = KK_PDF_REF;
                    out->u.ref.num = num;
                    out->u.ref.gen = (int)gen;
                    *pos = k + 1;
                    return true;
                }
            }
        }
        if (kk_pdf_keyword_at(s, len, i, "true") || kk_pdf_keyword_at(s, len, i, "false"))
            *out = token(KK_PDF_BOOL, s + i, j - i);
        else if (kk_pdf_keyword_at(s, len, i, "null"))
            *out = token(KK_PDF_NULL, s + i, j - i);
        else if (strchr("+-.0123456789", c))
            *out = token(KK_PDF_NUMBER, s + i, j - i);
        else {
            *why = "unknown keyword";
            return false;
        }
        i = j;
    } else {
        *why = "unexpected delimiter";
        return false;
    }
    *pos = i;
    return true;
}

bool kk_pdf_parse_at(kk_pdf *p, const unsigned char *s, size_t len, size_t *pos,
                     kk_pdf_val *out, const char **why)
{
    return parse(p, s, len, pos, out, 0, why);
}

/* ---- writing -------------------------------------------------------------- */

void kk_pdf_serialize(kk_buf *b, const kk_pdf_val *v)
{
    char num[48];
    switch (v->kind) {
    case KK_PDF_ARRAY:
    case KK_PDF_DICT:
        kk_buf_add(b, v->kind == KK_PDF_DICT ? "<<" : "[");
        for (size_t i = 0; i < v->u.list.n; i++) {
            kk_buf_add(b, " ");
            kk_pdf_serialize(b, &v->u.list.v[i]);
        }
        kk_buf_add(b, v->kind == KK_PDF_DICT ? " >>" : " ]");
        break;
    case KK_PDF_REF:
        snprintf(num, sizeof num, "%ld %d R", v->u.ref.num, v->u.ref.gen);
        kk_buf_add(b, num);
        break;
    default:
        kk_buf_addn(b, v->u.tok.s, v->u.tok.len);
        break;
    }
}

/* ---- reading values --------------------------------------------------- */

long kk_pdf_ref_num(const kk_pdf_val *v)
{
    return v && v->kind == KK_PDF_REF ? v->u.ref.num : 0;
}

bool kk_pdf_is_dict(const kk_pdf_val *v) { return v && v->kind == KK_PDF_DICT; }
bool kk_pdf_is_array(const kk_pdf_val *v) { return v && v->kind == KK_PDF_ARRAY; }

bool kk_pdf_is_name(const kk_pdf_val *v, const char *name)
{
    return v && v->kind == KK_PDF_NAME && v->u.tok.len == strlen(name) &&
           !memcmp(v->u.tok.s, name, v->u.tok.len);
}

bool kk_pdf_int(const kk_pdf_val *v, long long *out)
{
    if (!v || v->kind != KK_PDF_NUMBER || v->u.tok.len == 0 || v->u.tok.len > 18)
        return false;
    char buf[20];
    memcpy(buf, v->u.tok.s, v->u.tok.len);
    buf[v->u.tok.len] = 0;
    char *end;
    long long n = strtoll(buf, &end, 10);
    if (*end)
        return false;
    *out = n;
    return true;
}

kk_pdf_val *kk_pdf_dict_get(kk_pdf_val *dict, const char *key)
{
    if (!kk_pdf_is_dict(dict))
        return NULL;
    for (size_t i = 0; i + 1 < dict->u.list.n; i += 2)
        if (kk_pdf_is_name(&dict->u.list.v[i], key))
            return &dict->u.list.v[i + 1];
    return NULL;
}

kk_pdf_val *kk_pdf_lookup(kk_pdf *p, kk_pdf_val *dict, const char *key)
{
    return kk_pdf_resolve(p, kk_pdf_dict_get(kk_pdf_resolve(p, dict), key));
}

/* The bytes of a string token (escapes and hex decoded), into *out. */
static bool string_bytes(const kk_pdf_val *v, kk_buf *out)
{
    const char *s = v->u.tok.s;
    size_t n = v->u.tok.len;
    if (n < 2)
        return false;
    if (s[0] == '<') {
        int hi = -1;
        for (size_t i = 1; i + 1 < n; i++) {
            int d = g_ascii_xdigit_value(s[i]);
            if (d < 0)
                continue;
            if (hi < 0) {
                hi = d;
            } else {
                char ch = (char)(hi << 4 | d);
                kk_buf_addn(out, &ch, 1);
                hi = -1;
            }
        }
        if (hi >= 0) {
            char ch = (char)(hi << 4);
            kk_buf_addn(out, &ch, 1);
        }
        return true;
    }
    for (size_t i = 1; i + 1 < n; i++) {
        char ch = s[i];
        if (ch == '\\' && i + 2 < n) {
            char e = s[++i];
            const char *map = strchr("n\nr\rt\tb\bf\f", e);
            if (map && (map - "n\nr\rt\tb\bf\f") % 2 == 0) {
                ch = map[1];
            } else if (e >= '0' && e <= '7') {
                int o = e - '0';
                for (int k = 0; k < 2 && i + 2 < n && s[i + 1] >= '0' && s[i + 1] <= '7'; k++)
                    o = o * 8 + (s[++i] - '0');
                ch = (char)o;
            } else if (e == '\r' || e == '\n') {
                if (e == '\r' && i + 2 < n && s[i + 1] == '\n')
                    i++;
                continue;
            } else {
                ch = e;
            }
        }
        kk_buf_addn(out, &ch, 1);
    }
    return true;
}

char *kk_pdf_text_utf8(const kk_pdf_val *v)
{
    if (!v || v->kind != KK_PDF_STRING)
        return NULL;
    kk_buf raw = { 0 };
    string_bytes(v, &raw);
    const unsigned char *r = (const unsigned char *)raw.s;
    gchar *u = NULL;
    if (raw.oom) {
        /* nothing to decode */
    } else if (raw.len >= 2 && r[0] == 0xFE && r[1] == 0xFF) {
        size_t n = (raw.len - 2) / 2;
        gunichar2 *w = g_new(gunichar2, n + 1);
        for (size_t i = 0; i < n; i++)
            w[i] = (gunichar2)(r[2 + 2 * i] << 8 | r[3 + 2 * i]);
        u = g_utf16_to_utf8(w, (glong)n, NULL, NULL, NULL);
        g_free(w);
    } else {
        /* PDFDocEncoding agrees with Latin-1 where Cairo and qpdf use it */
        u = g_convert(raw.s ? raw.s : "", (gssize)raw.len, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
    }
    kk_buf_free(&raw);
    char *copy = u ? strdup(u) : NULL;
    g_free(u);
    return copy;
}

/* ---- editing ------------------------------------------------------------ */

bool kk_pdf_dict_set(kk_pdf *p, kk_pdf_val *dict, const char *key, kk_pdf_val v)
{
    if (!kk_pdf_is_dict(dict))
        return false;
    kk_pdf_val *old = kk_pdf_dict_get(dict, key);
    if (old) {
        *old = v;
        return true;
    }
    return list_push(p, dict, kk_pdf_new_name(p, key)) && list_push(p, dict, v);
}

void kk_pdf_dict_remove(kk_pdf_val *dict, const char *key)
{
    if (!kk_pdf_is_dict(dict))
        return;
    for (size_t i = 0; i + 1 < dict->u.list.n; i += 2)
        if (kk_pdf_is_name(&dict->u.list.v[i], key)) {
            memmove(&dict->u.list.v[i], &dict->u.list.v[i + 2],
                    (dict->u.list.n - i - 2) * sizeof(kk_pdf_val));
            dict->u.list.n -= 2;
            return;
        }
}

bool kk_pdf_array_insert(kk_pdf *p, kk_pdf_val *arr, size_t at, kk_pdf_val v)
{
    if (!kk_pdf_is_array(arr) || at > arr->u.list.n || !list_push(p, arr, v))
        return false;
    kk_pdf_val *items = arr->u.list.v;
    memmove(&items[at + 1], &items[at], (arr->u.list.n - 1 - at) * sizeof *items);
    items[at] = v;
    return true;
}

kk_pdf_val kk_pdf_token_copy(kk_pdf *p, kk_pdf_kind kind, const char *s, size_t n)
{
    char *c = kk_pdf_alloc(p, n + 1);
    if (!c)
        return (kk_pdf_val){ .kind = KK_PDF_NULL, .u.tok = { "null", 4 } };
    memcpy(c, s, n);
    return token(kind, (const unsigned char *)c, n);
}

kk_pdf_val kk_pdf_new_int(kk_pdf *p, long long n)
{
    char buf[32];
    int len = snprintf(buf, sizeof buf, "%lld", n);
    return kk_pdf_token_copy(p, KK_PDF_NUMBER, buf, (size_t)len);
}

kk_pdf_val kk_pdf_new_name(kk_pdf *p, const char *name)
{
    return kk_pdf_token_copy(p, KK_PDF_NAME, name, strlen(name));
}

kk_pdf_val kk_pdf_new_ref(long num)
{
    kk_pdf_val v = { .kind = KK_PDF_REF };
    v.u.ref.num = num;
    return v;
}

/* A PDF text string (ISO 32000-1 7.9.2.2): kk_buf_add_pdf_text. */
kk_pdf_val kk_pdf_new_text(kk_pdf *p, const char *utf8)
{
    kk_buf b = { 0 };
    kk_buf_add_pdf_text(&b, utf8);
    kk_pdf_val v = b.oom ? (p->oom = true, kk_pdf_token_copy(p, KK_PDF_NULL, "null", 4))
                         : kk_pdf_token_copy(p, KK_PDF_STRING, b.s, b.len);
    kk_buf_free(&b);
    return v;
}

kk_pdf_val kk_pdf_new_parsed(kk_pdf *p, const char *pdf)
{
    size_t n = strlen(pdf), pos = 0;
    kk_pdf_val v = kk_pdf_token_copy(p, KK_PDF_STRING, pdf, n), out;
    const char *why;
    if (v.kind == KK_PDF_NULL ||
        !kk_pdf_parse_at(p, (const unsigned char *)v.u.tok.s, n, &pos, &out, &why)) {
        p->oom = true; /* only our own literals come here: a failure is a bug */
        return kk_pdf_token_copy(p, KK_PDF_NULL, "null", 4);
    }
    return out;
}
