/*
 * pdf_content.c — a content-stream lexer and the artifact marker of
 * pdf_content.h.
 *
 * Two passes over a list of operators: the first lexes and learns, for each
 * q and BT, whether its block contains marked content and/or painting, and
 * for each path object whether it paints; the second decides where
 * "/Artifact BMC" and "EMC" go.  Deciding needs that look-ahead because a
 * sequence may only be opened where it can also be closed at the same q/BT
 * nesting level.
 */
#include "render/pdf_content.h"
#include "util/text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum op_kind {
    K_OTHER,      /* state, colour, text positioning, MP/DP ... */
    K_SAVE,       /* q */
    K_RESTORE,    /* Q */
    K_BT,
    K_ET,
    K_MC_BEGIN,   /* BMC, BDC */
    K_MC_END,     /* EMC */
    K_MC_LIKE,    /* a Do the caller wants left alone: never inside an artifact */
    K_PATH_START, /* m, re */
    K_PATH,       /* l c v y h W W* */
    K_PAINT,      /* S s f F f* B B* b b* */
    K_NOPAINT,    /* n */
    K_SHOW,       /* Tj TJ ' " */
    K_DRAW        /* Do, sh, inline image */
};

/* Block flags (q and BT ops) and path flags (first op of a path object). */
#define F_HAS_MC 1u
#define F_HAS_DRAW 2u
#define F_PAINTS 4u
/* BMC/BDC that makes its content structure content or an artifact, and the
 * EMC that ends one. */
#define F_MARKS 8u

typedef struct {
    size_t start, end; /* bytes of the operands and the operator */
    unsigned char kind, flags;
} op;

typedef struct {
    const unsigned char *s;
    size_t len, pos;
} lexer;

typedef enum { T_EOF, T_OPERAND, T_OPERATOR } tok_type;

typedef struct {
    tok_type type;
    size_t start, end;
} token;

static const struct {
    const char *name;
    unsigned char kind;
} OPS[] = {
    {"\"", K_SHOW}, {"'", K_SHOW}, {"B", K_PAINT}, {"B*", K_PAINT},
    {"BDC", K_MC_BEGIN}, {"BI", K_DRAW}, {"BMC", K_MC_BEGIN}, {"BT", K_BT},
    {"BX", K_OTHER}, {"CS", K_OTHER}, {"DP", K_OTHER}, {"Do", K_DRAW},
    {"EI", K_OTHER}, {"EMC", K_MC_END}, {"ET", K_ET}, {"EX", K_OTHER},
    {"F", K_PAINT}, {"G", K_OTHER}, {"ID", K_OTHER}, {"J", K_OTHER}, {"K", K_OTHER},
    {"M", K_OTHER}, {"MP", K_OTHER}, {"Q", K_RESTORE}, {"RG", K_OTHER},
    {"S", K_PAINT}, {"SC", K_OTHER}, {"SCN", K_OTHER}, {"T*", K_OTHER},
    {"TD", K_OTHER}, {"TJ", K_SHOW}, {"TL", K_OTHER}, {"Tc", K_OTHER},
    {"Td", K_OTHER}, {"Tf", K_OTHER}, {"Tj", K_SHOW}, {"Tm", K_OTHER},
    {"Tr", K_OTHER}, {"Ts", K_OTHER}, {"Tw", K_OTHER}, {"Tz", K_OTHER},
    {"W", K_PATH}, {"W*", K_PATH}, {"b", K_PAINT}, {"b*", K_PAINT}, {"c", K_PATH},
    {"cm", K_OTHER}, {"cs", K_OTHER}, {"d", K_OTHER}, {"d0", K_OTHER},
    {"d1", K_OTHER}, {"f", K_PAINT}, {"f*", K_PAINT}, {"g", K_OTHER},
    {"gs", K_OTHER}, {"h", K_PATH}, {"i", K_OTHER}, {"j", K_OTHER}, {"k", K_OTHER},
    {"l", K_PATH}, {"m", K_PATH_START}, {"n", K_NOPAINT}, {"q", K_SAVE},
    {"re", K_PATH_START}, {"rg", K_OTHER}, {"ri", K_OTHER}, {"s", K_PAINT},
    {"sc", K_OTHER}, {"scn", K_OTHER}, {"sh", K_DRAW}, {"v", K_PATH},
    {"w", K_OTHER}, {"y", K_PATH},
};

/* -1 when the word is not a PDF operator.  OPS is in byte order. */
static int op_lookup(const unsigned char *w, size_t n)
{
    if (n == 0 || n > 3)
        return -1;
    size_t lo = 0, hi = sizeof OPS / sizeof OPS[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const char *name = OPS[mid].name;
        size_t m = strlen(name);
        int c = memcmp(w, name, n < m ? n : m);
        if (c == 0)
            c = (n > m) - (n < m);
        if (c == 0)
            return (int)mid;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return -1;
}

static bool is_ws(unsigned char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0;
}

static bool is_delim(unsigned char c)
{
    return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' ||
           c == '{' || c == '}' || c == '/' || c == '%';
}

static void skip_ws_comments(lexer *lx)
{
    while (lx->pos < lx->len) {
        unsigned char c = lx->s[lx->pos];
        if (is_ws(c)) {
            lx->pos++;
        } else if (c == '%') {
            while (lx->pos < lx->len && lx->s[lx->pos] != '\n' && lx->s[lx->pos] != '\r')
                lx->pos++;
        } else {
            break;
        }
    }
}

/* Unterminated strings run to the end of the stream, as in viewers. */
static void skip_literal_string(lexer *lx)
{
    size_t depth = 0;
    while (lx->pos < lx->len) {
        unsigned char c = lx->s[lx->pos++];
        if (c == '\\') {
            if (lx->pos < lx->len)
                lx->pos++;
        } else if (c == '(') {
            depth++;
        } else if (c == ')') {
            if (--depth == 0)
                return;
        }
    }
}

static token next_token(lexer *lx)
{
    skip_ws_comments(lx);
    token t = {T_EOF, lx->pos, lx->pos};
    if (lx->pos >= lx->len)
        return t;
    const unsigned char *s = lx->s;
    unsigned char c = s[lx->pos];
    t.type = T_OPERAND;
    if (c == '(') {
        skip_literal_string(lx);
    } else if (c == '<') {
        if (lx->pos + 1 < lx->len && s[lx->pos + 1] == '<') {
            lx->pos += 2;
        } else {
            while (lx->pos < lx->len && s[lx->pos] != '>')
                lx->pos++;
            if (lx->pos < lx->len)
                lx->pos++;
        }
    } else if (c == '>') {
        lx->pos += (lx->pos + 1 < lx->len && s[lx->pos + 1] == '>') ? 2 : 1;
    } else if (c == '[' || c == ']' || c == '{' || c == '}' || c == ')') {
        lx->pos++;
    } else if (c == '/') {
        lx->pos++;
        while (lx->pos < lx->len && !is_ws(s[lx->pos]) && !is_delim(s[lx->pos]))
            lx->pos++;
    } else {
        while (lx->pos < lx->len && !is_ws(s[lx->pos]) && !is_delim(s[lx->pos]))
            lx->pos++;
        size_t n = lx->pos - t.start;
        const unsigned char *w = s + t.start;
        bool number = c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9');
        bool keyword = (n == 4 && (!memcmp(w, "true", 4) || !memcmp(w, "null", 4))) ||
                       (n == 5 && !memcmp(w, "false", 5));
        if (!number && !keyword)
            t.type = T_OPERATOR;
    }
    t.end = lx->pos;
    return t;
}

/* ---- inline images ---------------------------------------------------------- */

typedef struct {
    long long w, h, bpc, comps;
    bool filtered, image_mask;
} inline_dict;

static bool word_is(const lexer *lx, token t, const char *w)
{
    size_t n = strlen(w);
    return t.end - t.start == n && memcmp(lx->s + t.start, w, n) == 0;
}

/* Small non-negative integers only; anything else is "unknown" (-1). */
static long long token_int(const lexer *lx, token t)
{
    long long v = 0;
    if (t.end == t.start || t.end - t.start > 9)
        return -1;
    for (size_t i = t.start; i < t.end; i++) {
        unsigned char c = lx->s[i];
        if (c < '0' || c > '9')
            return -1;
        v = v * 10 + (c - '0');
    }
    return v;
}

static void dict_entry(const lexer *lx, token key, token val, inline_dict *d)
{
    if (word_is(lx, key, "/W") || word_is(lx, key, "/Width"))
        d->w = token_int(lx, val);
    else if (word_is(lx, key, "/H") || word_is(lx, key, "/Height"))
        d->h = token_int(lx, val);
    else if (word_is(lx, key, "/BPC") || word_is(lx, key, "/BitsPerComponent"))
        d->bpc = token_int(lx, val);
    else if (word_is(lx, key, "/F") || word_is(lx, key, "/Filter"))
        d->filtered = true;
    else if (word_is(lx, key, "/IM") || word_is(lx, key, "/ImageMask"))
        d->image_mask = word_is(lx, val, "true");
    else if (word_is(lx, key, "/CS") || word_is(lx, key, "/ColorSpace")) {
        if (word_is(lx, val, "/G") || word_is(lx, val, "/DeviceGray") ||
            word_is(lx, val, "/I") || word_is(lx, val, "/Indexed"))
            d->comps = 1;
        else if (word_is(lx, val, "/RGB") || word_is(lx, val, "/DeviceRGB"))
            d->comps = 3;
        else if (word_is(lx, val, "/CMYK") || word_is(lx, val, "/DeviceCMYK"))
            d->comps = 4;
        else
            d->comps = -1;
    }
}

/* Data length of an unfiltered image, -1 when it cannot be known. */
static long long inline_length(const inline_dict *d)
{
    long long comps = d->image_mask ? 1 : d->comps;
    long long bpc = d->image_mask ? 1 : d->bpc;
    if (d->filtered || d->w <= 0 || d->h <= 0 || bpc <= 0 || bpc > 16 || comps <= 0)
        return -1;
    long long row = (d->w * comps * bpc + 7) / 8;
    return row * d->h;
}

/* Whether what follows an EI candidate looks like content again: up to four
 * tokens of printable ASCII whose operators are all known. */
static bool plausible_after(const unsigned char *s, size_t len, size_t pos)
{
    lexer lx = {s, len, pos};
    for (int i = 0; i < 4; i++) {
        token t = next_token(&lx);
        if (t.type == T_EOF)
            return true;
        for (size_t k = t.start; k < t.end; k++)
            if (s[k] > 126 || (s[k] < 32 && !is_ws(s[k])))
                return false;
        if (t.type == T_OPERATOR && op_lookup(s + t.start, t.end - t.start) < 0)
            return false;
    }
    return true;
}

/* "EI" at i, standing alone as a word. */
static bool ei_at(const unsigned char *s, size_t len, size_t i, size_t data)
{
    return i + 2 <= len && s[i] == 'E' && s[i + 1] == 'I' &&
           (i == data || is_ws(s[i - 1])) &&
           (i + 2 == len || is_ws(s[i + 2]) || is_delim(s[i + 2]));
}

/* Called after BI: skips the dictionary, ID, the data and EI; leaves lx->pos
 * after EI (or at the end of the stream if there is none). */
static void skip_inline_image(lexer *lx)
{
    inline_dict d = {-1, -1, -1, -1, false, false};
    token key = {T_EOF, 0, 0};
    bool have_key = false;
    for (;;) {
        token t = next_token(lx);
        if (t.type == T_EOF)
            return;
        if (t.type == T_OPERATOR && word_is(lx, t, "ID"))
            break;
        if (t.type == T_OPERATOR && word_is(lx, t, "EI"))
            return; /* no data at all */
        if (have_key) {
            dict_entry(lx, key, t, &d);
            have_key = false;
        } else if (lx->s[t.start] == '/') {
            key = t;
            have_key = true;
        }
    }
    /* One white-space byte separates ID from the data. */
    size_t data = lx->pos < lx->len ? lx->pos + 1 : lx->len;
    long long n = inline_length(&d);
    if (n >= 0 && (unsigned long long)n <= lx->len - data) {
        size_t i = data + (size_t)n;
        while (i < lx->len && is_ws(lx->s[i]))
            i++;
        if (ei_at(lx->s, lx->len, i, data)) {
            lx->pos = i + 2;
            return;
        }
    }
    for (size_t i = data; i + 2 <= lx->len; i++) {
        if (ei_at(lx->s, lx->len, i, data) && plausible_after(lx->s, lx->len, i + 2)) {
            lx->pos = i + 2;
            return;
        }
    }
    lx->pos = lx->len;
}

/* ---- pass 1: operators and look-ahead facts ----------------------------------- */

typedef struct {
    op *ops;
    size_t n, cap;
    size_t *qstack, *tstack, *mstack; /* indices of open q, BT, BMC/BDC ops */
    size_t nq, nt, nm, capq, capt, capm;
} oplist;

static bool push_index(size_t **stack, size_t *n, size_t *cap, size_t v)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 32;
        size_t *p = realloc(*stack, c * sizeof *p);
        if (!p)
            return false;
        *stack = p;
        *cap = c;
    }
    (*stack)[(*n)++] = v;
    return true;
}

static void mark_open_blocks(oplist *l, unsigned flags)
{
    if (l->nq)
        l->ops[l->qstack[l->nq - 1]].flags |= (unsigned char)flags;
    if (l->nt)
        l->ops[l->tstack[l->nt - 1]].flags |= (unsigned char)flags;
}

/* A closed block's facts also hold for the block around it. */
static void pop_block(oplist *l, size_t *stack, size_t *n)
{
    if (*n == 0)
        return;
    unsigned char f = l->ops[stack[--*n]].flags & (F_HAS_MC | F_HAS_DRAW);
    if (*n)
        l->ops[stack[*n - 1]].flags |= f;
}

/* The resource name operand of a Do: the last name before the operator. */
static bool keep_this_do(const lexer *lx, const op *o, kk_pdf_keep_do_fn keep_do,
                         void *user)
{
    if (!keep_do)
        return false;
    size_t e = o->end - 2, b;
    while (e > o->start && is_ws(lx->s[e - 1]))
        e--;
    b = e;
    while (b > o->start && lx->s[b - 1] != '/' && !is_ws(lx->s[b - 1]))
        b--;
    if (b == o->start || lx->s[b - 1] != '/')
        return false;
    return keep_do((const char *)lx->s + b, e - b, user);
}

/* Whether BMC/BDC operands o[start..end) open an artifact or structure
 * content: /Artifact, a property list with /MCID, or a named property list
 * (it lives in the page resources; assume it carries an MCID) unless the tag
 * is /OC (optional content).  Other tags without an MCID do not count. */
static bool marks_content(const unsigned char *in, const op *o, bool bdc)
{
    lexer lx = {in, o->end, o->start};
    token tag = next_token(&lx);
    if (tag.type != T_OPERAND)
        return false;
    if (word_is(&lx, tag, "/Artifact"))
        return true;
    if (!bdc || word_is(&lx, tag, "/OC"))
        return false;
    token props = next_token(&lx);
    if (props.type != T_OPERAND)
        return false;
    if (in[props.start] == '/')
        return true;
    for (token t = props; t.type == T_OPERAND; t = next_token(&lx))
        if (word_is(&lx, t, "/MCID"))
            return true;
    return false;
}

static bool lex_ops(oplist *l, const unsigned char *in, size_t len,
                    kk_pdf_keep_do_fn keep_do, void *user)
{
    lexer lx = {in, len, 0};
    bool have_start = false;
    size_t start = 0, path_start = SIZE_MAX;
    for (;;) {
        token t = next_token(&lx);
        if (t.type == T_EOF)
            break;
        if (!have_start) {
            start = t.start;
            have_start = true;
        }
        if (t.type != T_OPERATOR)
            continue;
        int k = op_lookup(in + t.start, t.end - t.start);
        unsigned char kind = k < 0 ? K_OTHER : OPS[k].kind;
        if (kind == K_DRAW && in[t.start] == 'B') /* BI: the image is one op */
            skip_inline_image(&lx);
        if (l->n == l->cap) {
            size_t c = l->cap ? l->cap * 2 : 256;
            op *p = realloc(l->ops, c * sizeof *p);
            if (!p)
                return false;
            l->ops = p;
            l->cap = c;
        }
        size_t i = l->n++;
        op *o = &l->ops[i];
        *o = (op){start, lx.pos, kind, 0};
        have_start = false;
        if (kind == K_DRAW && in[t.start] == 'D' && keep_this_do(&lx, o, keep_do, user))
            o->kind = kind = K_MC_LIKE;
        switch (kind) {
        case K_SAVE:
            if (!push_index(&l->qstack, &l->nq, &l->capq, i))
                return false;
            break;
        case K_BT:
            if (!push_index(&l->tstack, &l->nt, &l->capt, i))
                return false;
            break;
        case K_RESTORE:
            pop_block(l, l->qstack, &l->nq);
            break;
        case K_ET:
            pop_block(l, l->tstack, &l->nt);
            break;
        case K_MC_BEGIN:
            if (marks_content(in, o, in[t.start + 1] == 'D'))
                o->flags |= F_MARKS;
            if (!push_index(&l->mstack, &l->nm, &l->capm, i))
                return false;
            mark_open_blocks(l, F_HAS_MC);
            break;
        case K_MC_END:
            if (l->nm && (l->ops[l->mstack[--l->nm]].flags & F_MARKS))
                o->flags |= F_MARKS;
            mark_open_blocks(l, F_HAS_MC);
            break;
        case K_MC_LIKE:
            mark_open_blocks(l, F_HAS_MC);
            break;
        case K_PATH_START:
        case K_PATH:
            if (path_start == SIZE_MAX)
                path_start = i;
            break;
        case K_PAINT:
            l->ops[path_start == SIZE_MAX ? i : path_start].flags |= F_PAINTS;
            path_start = SIZE_MAX;
            mark_open_blocks(l, F_HAS_DRAW);
            break;
        case K_NOPAINT:
            path_start = SIZE_MAX;
            break;
        case K_SHOW:
        case K_DRAW:
            mark_open_blocks(l, F_HAS_DRAW);
            break;
        default:
            break;
        }
    }
    /* Unclosed blocks run to the end of the stream. */
    while (l->nq)
        pop_block(l, l->qstack, &l->nq);
    while (l->nt)
        pop_block(l, l->tstack, &l->nt);
    return true;
}

/* ---- pass 2: placing the artifact sequences ------------------------------------ */

static bool out_put(kk_buf *o, const void *p, size_t n)
{
    kk_buf_addn(o, p, n);
    return !o->oom;
}

/* Inserted operators always stand on their own line. */
static bool out_insert(kk_buf *o, const char *text)
{
    if (o->len > 0 && !is_ws((unsigned char)o->s[o->len - 1]) && !out_put(o, "\n", 1))
        return false;
    return out_put(o, text, strlen(text));
}

static const char OPEN_ARTIFACT[] = "/Artifact BMC\n";

static bool place(const oplist *l, const unsigned char *in, size_t len, kk_buf *o,
                  kk_pdf_content_stats *st)
{
    size_t copied = 0, qd = 0, td = 0;
    size_t mc = 0; /* open BMC/BDC that mark their content (F_MARKS) */
    size_t art_q = 0, art_t = 0;
    bool open = false, in_path = false;
    for (size_t i = 0; i < l->n; i++) {
        const op *p = &l->ops[i];
        unsigned k = p->kind;
        bool close_here = false, open_here = false;
        if (open) {
            close_here = k == K_MC_BEGIN || k == K_MC_END || k == K_MC_LIKE ||
                         (k == K_RESTORE && qd <= art_q) ||
                         (k == K_ET && art_t > 0 && td <= art_t) ||
                         ((k == K_SAVE || k == K_BT) && (p->flags & F_HAS_MC));
        }
        if (mc == 0 && (!open || close_here)) {
            bool clean_block = !(p->flags & F_HAS_MC) && (p->flags & F_HAS_DRAW);
            if (k == K_SAVE || k == K_BT)
                open_here = clean_block;
            else if (k == K_PATH_START || k == K_PATH || k == K_PAINT)
                open_here = !in_path && (p->flags & F_PAINTS);
            else
                open_here = k == K_SHOW || k == K_DRAW;
        }
        /* EMC goes right after the artifact's last operator, so that it
         * never lands in a comment and reads naturally. */
        if (close_here) {
            size_t at = l->ops[i - 1].end; /* open implies i > 0 */
            if (!out_put(o, in + copied, at - copied) || !out_put(o, "\nEMC", 4))
                return false;
            copied = at;
            open = false;
        }
        if (open_here) {
            if (!out_put(o, in + copied, p->start - copied) || !out_insert(o, OPEN_ARTIFACT))
                return false;
            copied = p->start;
            st->artifacts++;
            art_q = qd;
            art_t = td;
            open = true;
        }
        if (mc == 0 && (k == K_SHOW || k == K_DRAW || k == K_PAINT))
            st->painting++;
        switch (k) {
        case K_SAVE: qd++; break;
        case K_RESTORE: qd -= qd > 0; break;
        case K_BT: td++; break;
        case K_ET: td -= td > 0; break;
        case K_MC_BEGIN: mc += (p->flags & F_MARKS) != 0; break;
        case K_MC_END: mc -= (p->flags & F_MARKS) != 0; break;
        case K_PATH_START: case K_PATH: in_path = true; break;
        case K_PAINT: case K_NOPAINT: in_path = false; break;
        default: break;
        }
    }
    if (open) {
        size_t at = l->ops[l->n - 1].end;
        if (!out_put(o, in + copied, at - copied) || !out_put(o, "\nEMC", 4))
            return false;
        copied = at;
    }
    return out_put(o, in + copied, len - copied);
}

unsigned char *kk_pdf_mark_artifacts(const unsigned char *in, size_t len,
                                     kk_pdf_keep_do_fn keep_do, void *user,
                                     size_t *out_len, bool *changed,
                                     kk_pdf_content_stats *stats)
{
    kk_pdf_content_stats st = {0, 0, 0};
    oplist l = {0};
    kk_buf o = {0};
    bool ok = lex_ops(&l, in ? in : (const unsigned char *)"", in ? len : 0, keep_do, user);
    st.operators = l.n;
    if (ok)
        ok = place(&l, in ? in : (const unsigned char *)"", in ? len : 0, &o, &st);
    /* Even an empty result is a buffer the caller can free. */
    if (ok)
        kk_buf_addn(&o, "", 0);
    free(l.ops);
    free(l.qstack);
    free(l.tstack);
    free(l.mstack);
    size_t n = o.len;
    unsigned char *out = ok ? (unsigned char *)kk_buf_take(&o) : NULL;
    kk_buf_free(&o);
    if (!out)
        return NULL;
    if (out_len)
        *out_len = n;
    if (changed)
        *changed = st.artifacts > 0;
    if (stats)
        *stats = st;
    return out;
}
