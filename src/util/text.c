#define _POSIX_C_SOURCE 200809L
#include "util/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t kk_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return la > lb ? la : lb;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best) best = row[j] + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

const char *kk_closest(const char *word, const char *const *candidates)
{
    const char *best = NULL;
    size_t bestd = (size_t)-1, len = strlen(word);
    for (; *candidates; candidates++) {
        size_t d = kk_edit_distance(word, *candidates);
        if (d < bestd) {
            bestd = d;
            best = *candidates;
        }
    }
    /* a typo changes a few letters; a different word changes most */
    size_t limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
    return bestd <= limit ? best : NULL;
}

char *kk_buf_room(kk_buf *b, size_t n)
{
    if (b->oom)
        return NULL;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *v = realloc(b->s, cap);
        if (!v) {
            b->oom = true;
            return NULL;
        }
        b->s = v;
        b->cap = cap;
    }
    return b->s + b->len;
}

void kk_buf_commit(kk_buf *b, size_t n)
{
    if (b->oom)
        return;
    b->len += n;
    b->s[b->len] = '\0';
}

void kk_buf_addn(kk_buf *b, const char *s, size_t n)
{
    char *at = kk_buf_room(b, n);
    if (!at)
        return;
    memcpy(at, s, n);
    kk_buf_commit(b, n);
}

void kk_buf_add(kk_buf *b, const char *s) { kk_buf_addn(b, s, strlen(s)); }


/* The conversions the PDF and XML writers use (%s, %c, %%, and %d %u %x %X
 * with l, ll or z and an optional zero-padded width) are formatted here:
 * vsnprintf costs ~850 instructions a call and finishing a document makes
 * thousands of such calls (object headers, references, the xref table).
 * At the first conversion of any other kind, what was written is taken
 * back and vsnprintf does the whole format; a unit test compares the two
 * on every conversion this takes. */
enum { LEN_INT, LEN_LONG, LEN_LLONG, LEN_SIZE };

static const char *simple_conversion(const char *p, bool *zero, int *width, int *len)
{
    *zero = *p == '0';
    p += *zero;
    *width = 0;
    for (; *p >= '0' && *p <= '9'; p++)
        if ((*width = *width * 10 + (*p - '0')) > 64)
            return NULL;
    *len = LEN_INT;
    if (*p == 'l')
        *len = p[1] == 'l' ? (p++, LEN_LLONG) : LEN_LONG, p++;
    else if (*p == 'z')
        *len = LEN_SIZE, p++;
    if (*p == 'd' || *p == 'i')
        return *len == LEN_SIZE ? NULL : p;
    if (*p == 'u' || *p == 'x' || *p == 'X')
        return p;
    if (*p == 's' || *p == 'c')   /* no width, flags or length for these */
        return *width || *zero || *len != LEN_INT ? NULL : p;
    return NULL;
}

static void add_integer(kk_buf *b, unsigned long long v, bool negative, int base, bool upper,
                        bool zero, int width)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char s[96], *e = s + sizeof s, *p = e;
    do {
        *--p = digits[v % (unsigned)base];
        v /= (unsigned)base;
    } while (v);
    int n = (int)(e - p) + negative;
    if (zero)
        while (n < width)
            *--p = '0', n++;
    if (negative)
        *--p = '-';
    while (n < width)
        *--p = ' ', n++;
    kk_buf_addn(b, p, (size_t)(e - p));
}

/* False, having consumed some of ap, at a conversion it does not take. */
static bool format_simple(kk_buf *b, const char *fmt, va_list ap)
{
    const char *p = fmt, *pct;
    while ((pct = strchr(p, '%'))) {
        kk_buf_addn(b, p, (size_t)(pct - p));
        if (pct[1] == '%') {
            kk_buf_addn(b, "%", 1);
            p = pct + 2;
            continue;
        }
        bool zero;
        int width, len;
        const char *c = simple_conversion(pct + 1, &zero, &width, &len);
        if (!c)
            return false;
        p = c + 1;
        if (*c == 's') {
            const char *str = va_arg(ap, const char *);
            kk_buf_add(b, str ? str : "(null)");   /* as glibc's printf */
        } else if (*c == 'c') {
            char ch = (char)va_arg(ap, int);
            kk_buf_addn(b, &ch, 1);
        } else if (*c == 'd' || *c == 'i') {
            long long v = len == LEN_INT ? va_arg(ap, int) : len == LEN_LONG ? va_arg(ap, long)
                        : va_arg(ap, long long);
            add_integer(b, v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v, v < 0, 10,
                        false, zero, width);
        } else {
            unsigned long long v = len == LEN_INT ? va_arg(ap, unsigned)
                                 : len == LEN_LONG ? va_arg(ap, unsigned long)
                                 : len == LEN_SIZE ? va_arg(ap, size_t) : va_arg(ap, unsigned long long);
            add_integer(b, v, false, *c == 'u' ? 10 : 16, *c == 'X', zero, width);
        }
    }
    kk_buf_add(b, p);
    return true;
}

bool kk_buf_vaddf(kk_buf *b, const char *fmt, va_list ap)
{
    size_t start = b->len;
    va_list again;
    va_copy(again, ap);
    if (format_simple(b, fmt, ap)) {
        va_end(again);
        return true;
    }
    /* start over with vsnprintf: what the fast path wrote goes */
    if (!b->oom && b->s) {
        b->len = start;
        b->s[start] = '\0';
    }
    char small[256];
    va_list ap2;
    va_copy(ap2, again);
    int n = vsnprintf(small, sizeof small, fmt, ap2);
    va_end(ap2);
    bool ok = n >= 0;
    if (ok && (size_t)n < sizeof small) {
        kk_buf_addn(b, small, (size_t)n);
    } else if (ok) {
        char *big = malloc((size_t)n + 1);
        if (big) {
            vsnprintf(big, (size_t)n + 1, fmt, again);
            kk_buf_addn(b, big, (size_t)n);
            free(big);
        } else {
            b->oom = true;
        }
    }
    va_end(again);
    return ok;
}

void kk_buf_addf(kk_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kk_buf_vaddf(b, fmt, ap);
    va_end(ap);
}

void kk_buf_add_escaped(kk_buf *b, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = s[i] == '&' ? "&amp;" : s[i] == '<' ? "&lt;" : s[i] == '>' ? "&gt;"
                        : s[i] == '"' ? "&quot;" : s[i] == '\'' ? "&#39;" : NULL;
        if (!rep)
            continue;
        kk_buf_addn(b, s + run, i - run);
        kk_buf_add(b, rep);
        run = i + 1;
    }
    kk_buf_addn(b, s + run, n - run);
}

char *kk_buf_take(kk_buf *b)
{
    char *s = b->oom ? NULL : b->s;
    if (b->oom)
        free(b->s);
    if (s == NULL && !b->oom)
        s = strdup("");
    *b = (kk_buf){ 0 };
    return s;
}

void kk_buf_free(kk_buf *b)
{
    free(b->s);
    *b = (kk_buf){ 0 };
}

/* Four hex digits; every non-ASCII text string of a document (the
 * structure tree's titles, the outline) goes through here. */
static void add_hex16(kk_buf *b, unsigned long v)
{
    static const char digits[] = "0123456789ABCDEF";
    char s[4] = { digits[v >> 12 & 15], digits[v >> 8 & 15], digits[v >> 4 & 15], digits[v & 15] };
    kk_buf_addn(b, s, 4);
}

void kk_buf_add_pdf_text(kk_buf *b, const char *utf8)
{
    bool ascii = true;
    for (const unsigned char *c = (const unsigned char *)utf8; *c; c++)
        ascii &= *c >= 0x20 && *c < 0x7f;
    if (ascii) {
        kk_buf_add(b, "(");
        for (const char *c = utf8; *c; c++) {
            if (*c == '(' || *c == ')' || *c == '\\')
                kk_buf_add(b, "\\");
            kk_buf_addn(b, c, 1);
        }
        kk_buf_add(b, ")");
        return;
    }
    kk_buf_add(b, "<FEFF");
    const unsigned char *c = (const unsigned char *)utf8;
    while (*c) {
        unsigned long cp = 0xFFFD;
        int extra = 0;
        if (*c < 0x80) cp = *c, extra = 0;
        else if ((*c & 0xE0) == 0xC0) cp = *c & 0x1F, extra = 1;
        else if ((*c & 0xF0) == 0xE0) cp = *c & 0x0F, extra = 2;
        else if ((*c & 0xF8) == 0xF0) cp = *c & 0x07, extra = 3;
        c++;
        for (int i = 0; i < extra; i++) {
            if ((*c & 0xC0) != 0x80) {
                cp = 0xFFFD;
                break;
            }
            cp = (cp << 6) | (*c++ & 0x3F);
        }
        if (cp > 0x10FFFF)
            cp = 0xFFFD;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            add_hex16(b, 0xD800 + (cp >> 10));
            add_hex16(b, 0xDC00 + (cp & 0x3FF));
        } else {
            add_hex16(b, cp);
        }
    }
    kk_buf_add(b, ">");
}

uint64_t kk_hash_bytes(const void *data, size_t n)
{
    /* the offset basis is FNV's with a digit missing, as the first shard
     * assignments were made with it */
    uint64_t h = 1469598103934665603u;
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 1099511628211u;
    return h;
}
