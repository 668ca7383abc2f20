/*
 * locale.c — reading a <locale> tree and filling its patterns.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L   /* strdup */
#endif
#include "model/locale.h"
#include "util/text.h"
#include "util/xml.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    char *key;
    char *val;
    size_t order;   /* file order, so that a duplicate key resolves the same way every run */
} loc_entry;

enum { N_APPEALS = 4 };
static const char *const appeal_kinds[N_APPEALS] = {
    "correction", "municipal_appeal", "ban", "none"
};

struct kk_locale {
    char *lang;
    loc_entry *e;
    size_t n, cap;
    char *weekdays[7];
    char *months[3][12];
    char *appeals[N_APPEALS];
};

static bool is_kk(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
           strcmp((const char *)n->ns->href, KK_NS) == 0 &&
           (!name || strcmp((const char *)n->name, name) == 0);
}


static bool add_entry(kk_locale *loc, const xmlNode *n)
{
    if (loc->n == loc->cap) {
        size_t cap = loc->cap ? loc->cap * 2 : 128;
        loc_entry *e = realloc(loc->e, cap * sizeof *e);
        if (!e)
            return false;
        loc->e = e;
        loc->cap = cap;
    }
    char *k = strdup((const char *)n->name);
    char *v = kk_text_dup(n);
    if (!k || !v) {
        free(k);
        free(v);
        return false;
    }
    loc->e[loc->n] = (loc_entry){k, v, loc->n};
    loc->n++;
    return true;
}

static int entry_cmp(const void *a, const void *b)
{
    const loc_entry *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

/* Fill slots[0..max) from the item children of a list element. */
static bool read_list(const xmlNode *list, char **slots, size_t max)
{
    size_t i = 0;
    for (const xmlNode *c = list->children; c && i < max; c = c->next) {
        if (!is_kk(c, NULL))
            continue;
        free(slots[i]);
        if (!(slots[i] = kk_text_dup(c)))
            return false;
        i++;
    }
    return true;
}

static bool read_children(kk_locale *loc, const xmlNode *parent)
{
    for (const xmlNode *c = parent->children; c; c = c->next)
        if (is_kk(c, NULL) && !add_entry(loc, c))
            return false;
    return true;
}

static bool read_appeals(kk_locale *loc, const xmlNode *parent)
{
    for (const xmlNode *c = parent->children; c; c = c->next) {
        if (!is_kk(c, NULL))
            continue;
        for (size_t k = 0; k < N_APPEALS; k++) {
            if (strcmp((const char *)c->name, appeal_kinds[k]) != 0)
                continue;
            free(loc->appeals[k]);
            if (!(loc->appeals[k] = kk_text_dup(c)))
                return false;
        }
    }
    return true;
}

kk_locale *kk_locale_from_xml(xmlDocPtr doc)
{
    const xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
    if (!is_kk(root, "locale"))
        return NULL;
    kk_locale *loc = calloc(1, sizeof *loc);
    if (!loc)
        return NULL;
    bool ok = true;
    for (const xmlNode *c = root->children; c && ok; c = c->next) {
        if (!is_kk(c, NULL))
            continue;
        const char *name = (const char *)c->name;
        if (strcmp(name, "language") == 0) {
            free(loc->lang);
            ok = (loc->lang = kk_text_dup(c)) != NULL;
        } else if (strcmp(name, "labels") == 0 || strcmp(name, "patterns") == 0) {
            ok = read_children(loc, c);
        } else if (strcmp(name, "weekdays") == 0) {
            ok = read_list(c, loc->weekdays, 7);
        } else if (strcmp(name, "months") == 0) {
            ok = read_list(c, loc->months[KK_MONTH_NOMINATIVE], 12);
        } else if (strcmp(name, "months_genitive") == 0) {
            ok = read_list(c, loc->months[KK_MONTH_GENITIVE], 12);
        } else if (strcmp(name, "months_partitive") == 0) {
            ok = read_list(c, loc->months[KK_MONTH_PARTITIVE], 12);
        } else if (strcmp(name, "appeals") == 0) {
            ok = read_appeals(loc, c);
        }
    }
    if (!ok) {
        kk_locale_free(loc);
        return NULL;
    }
    if (loc->n)
        qsort(loc->e, loc->n, sizeof *loc->e, entry_cmp);
    return loc;
}

void kk_locale_free(kk_locale *loc)
{
    if (!loc)
        return;
    free(loc->lang);
    for (size_t i = 0; i < loc->n; i++) {
        free(loc->e[i].key);
        free(loc->e[i].val);
    }
    free(loc->e);
    for (int i = 0; i < 7; i++)
        free(loc->weekdays[i]);
    for (int f = 0; f < 3; f++)
        for (int i = 0; i < 12; i++)
            free(loc->months[f][i]);
    for (int i = 0; i < N_APPEALS; i++)
        free(loc->appeals[i]);
    free(loc);
}

const char *kk_locale_lang(const kk_locale *loc)
{
    return loc && loc->lang ? loc->lang : "";
}

/* The first entry with `key` (lowest file order), or NULL. */
static const loc_entry *find(const kk_locale *loc, const char *key)
{
    size_t lo = 0, hi = loc->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(loc->e[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < loc->n && strcmp(loc->e[lo].key, key) == 0 ? &loc->e[lo] : NULL;
}

const char *kk_locale_label(const kk_locale *loc, const char *key)
{
    if (!key)
        return "";
    const loc_entry *e = loc ? find(loc, key) : NULL;
    return e ? e->val : key;
}

size_t kk_locale_key_count(const kk_locale *loc)
{
    return loc ? loc->n : 0;
}

const char *kk_locale_key_at(const kk_locale *loc, size_t i)
{
    return loc && i < loc->n ? loc->e[i].key : NULL;
}

static bool placeholder_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

char *kk_locale_fill(const char *text, const char *const *names,
                     const char *const *values, size_t n)
{
    if (!text)
        text = "";
    kk_buf b = { 0 };
    kk_buf_add(&b, "");   /* an empty text fills to "", not NULL */
    const char *s = text;
    while (*s) {
        const char *open = strchr(s, '{');
        if (!open) {
            kk_buf_addn(&b, s, strlen(s));
            break;
        }
        kk_buf_addn(&b, s, (size_t)(open - s));
        const char *end = open + 1;
        while (placeholder_char(*end))
            end++;
        size_t nlen = (size_t)(end - open - 1);
        const char *val = NULL;
        bool known = false;
        if (*end == '}' && nlen > 0) {
            for (size_t i = 0; i < n && !known; i++) {
                if (names[i] && strlen(names[i]) == nlen &&
                    memcmp(names[i], open + 1, nlen) == 0) {
                    known = true;
                    val = values ? values[i] : NULL;
                }
            }
        }
        if (known) {
            if (val)
                kk_buf_addn(&b, val, strlen(val));
            s = end + 1;
        } else {
            kk_buf_addn(&b, "{", 1);   /* not ours: copy the brace and go on */
            s = open + 1;
        }
    }
    return kk_buf_take(&b);
}

char *kk_locale_format(const kk_locale *loc, const char *pattern_key,
                       const char *const *names, const char *const *values,
                       size_t n)
{
    return kk_locale_fill(kk_locale_label(loc, pattern_key), names, values, n);
}

bool kk_date_valid(int y, int m, int d)
{
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
        return false;
    int max = mdays[m - 1];
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        max = 29;
    return d <= max;
}

int kk_weekday(int y, int m, int d)
{
    /* Sakamoto's method: month offsets of the Gregorian calendar with
     * January and February counted in the previous year. */
    static const int t[12] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
    if (!kk_date_valid(y, m, d))
        return -1;
    if (m < 3)
        y -= 1;
    int sun0 = (y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7;
    return (sun0 + 6) % 7;
}

const char *kk_locale_weekday(const kk_locale *loc, int weekday)
{
    if (!loc || weekday < 0 || weekday > 6 || !loc->weekdays[weekday])
        return "";
    return loc->weekdays[weekday];
}

const char *kk_locale_month(const kk_locale *loc, int month, kk_month_form form)
{
    if (!loc || month < 1 || month > 12 || (int)form < 0 || (int)form > 2)
        return "";
    const char *s = loc->months[form][month - 1];
    if (!s)
        s = loc->months[KK_MONTH_NOMINATIVE][month - 1];
    return s ? s : "";
}

char *kk_locale_date_pattern(const kk_locale *loc, const char *pattern_key,
                             int y, int m, int d)
{
    int wd = kk_weekday(y, m, d);
    if (wd < 0)
        return NULL;
    char sd[8], sdd[8], sm[8], smm[8], sy[8];
    snprintf(sd, sizeof sd, "%d", d);
    snprintf(sdd, sizeof sdd, "%02d", d);
    snprintf(sm, sizeof sm, "%d", m);
    snprintf(smm, sizeof smm, "%02d", m);
    snprintf(sy, sizeof sy, "%d", y);
    const char *names[] = {"weekday", "d", "dd", "m", "mm", "y",
                           "month", "month_gen", "month_part"};
    const char *values[] = {kk_locale_weekday(loc, wd), sd, sdd, sm, smm, sy,
                            kk_locale_month(loc, m, KK_MONTH_NOMINATIVE),
                            kk_locale_month(loc, m, KK_MONTH_GENITIVE),
                            kk_locale_month(loc, m, KK_MONTH_PARTITIVE)};
    return kk_locale_format(loc, pattern_key, names, values, 9);
}

char *kk_locale_date(const kk_locale *loc, int y, int m, int d, bool with_weekday)
{
    return kk_locale_date_pattern(loc, with_weekday ? "date_weekday" : "date_plain",
                                  y, m, d);
}

static bool time_valid(int h, int min)
{
    return h >= 0 && min >= 0 && min <= 59 && (h < 24 || (h == 24 && min == 0));
}

char *kk_locale_time(const kk_locale *loc, int h, int min)
{
    if (!time_valid(h, min))
        return NULL;
    char sh[12], shh[12], smin[12];   /* room for any int: keeps -Wformat-truncation quiet at -O2 */
    snprintf(sh, sizeof sh, "%d", h);
    snprintf(shh, sizeof shh, "%02d", h);
    snprintf(smin, sizeof smin, "%02d", min);
    const char *names[] = {"h", "hh", "min"};
    const char *values[] = {sh, shh, smin};
    return kk_locale_format(loc, "time_of_day", names, values, 3);
}

char *kk_locale_time_range(const kk_locale *loc, int h1, int m1, int h2, int m2)
{
    if (!time_valid(h1, m1) || (h2 >= 0 && !time_valid(h2, m2)))
        return NULL;
    char *start = kk_locale_time(loc, h1, m1);
    char *end = h2 >= 0 ? kk_locale_time(loc, h2, m2) : NULL;
    char *out = NULL;
    if (start && (h2 < 0 || end)) {
        const char *names[] = {"start", "end"};
        const char *values[] = {start, end};
        out = kk_locale_format(loc, h2 >= 0 ? "time_range" : "time_single",
                               names, values, 2);
    }
    free(start);
    free(end);
    return out;
}

const char *kk_locale_appeal_text(const kk_locale *loc, const char *appeal_kind)
{
    if (!loc || !appeal_kind)
        return NULL;
    for (size_t k = 0; k < N_APPEALS; k++)
        if (strcmp(appeal_kind, appeal_kinds[k]) == 0)
            return loc->appeals[k];
    return NULL;
}
