/*
 * hyphenate.c — soft hyphens from libvoikko (fi) and libhyphen (sv, en).
 *
 * Every backend only proposes break positions; one common filter decides
 * which of them are used, and the emitter only ever inserts U+00AD, so the
 * letters of the text can never change whatever a dictionary does.
 */
#define _GNU_SOURCE /* strdup */
#include "layout/hyphenate_int.h"
#include "util/text.h"

#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Longer letter runs are not words (or are pasted garbage); libvoikko's own
 * limit is 255 characters and libhyphen keeps small fixed buffers. */
#define KK_HY_MAX_CHARS 100

/* Plain-text view of one whitespace-delimited chunk, used only to recognise
 * URLs and addresses; longer chunks are not prose and are left alone. */
#define KK_HY_CHUNK_MAX 256

#define KK_HY_DICT_DIR "/usr/share/hyphen/"

static const char kk_shy[] = "\xC2\xAD";

/* ------------------------------------------------------------------ */
/* Character classes                                                   */

/* GLib's classes, answered without its tables for ASCII, most of the
 * text: the same answers (the hyphenation tests hold them to it). */
static bool is_letter(gunichar c) { return c < 0x80 ? g_ascii_isalpha((char)c) : g_unichar_isalpha(c); }

static bool is_mark(gunichar c) { return c >= 0x80 && g_unichar_ismark(c); }

static bool is_upper(gunichar c) { return c < 0x80 ? g_ascii_isupper((char)c) : g_unichar_isupper(c); }

static bool is_lower(gunichar c) { return c < 0x80 ? g_ascii_islower((char)c) : g_unichar_islower(c); }

static bool is_digit(gunichar c)
{
    if (c < 0x80)
        return c >= '0' && c <= '9';
    GUnicodeType t = g_unichar_type(c);
    return t == G_UNICODE_DECIMAL_NUMBER || t == G_UNICODE_LETTER_NUMBER ||
           t == G_UNICODE_OTHER_NUMBER;
}

static gunichar char_at(const char *t, size_t i)
{
    unsigned char b = (unsigned char)t[i];
    return b < 0x80 ? b : g_utf8_get_char(t + i);
}

/* Hyphens that join the parts of a compound; each part keeps its own
 * minimum letter counts. */
static bool is_joiner(gunichar c)
{
    return c == '-' || c == 0x2010 || c == 0x2011;
}

/* Characters allowed inside a word when a letter or digit follows. */
static bool is_connector(gunichar c)
{
    return is_joiner(c) || c == '\'' || c == 0x2019;
}

/* ------------------------------------------------------------------ */
/* Construction                                                        */

static bool lang_is(const char *lang, const char *code)
{
    size_t n = strlen(code);
    return g_ascii_strncasecmp(lang, code, n) == 0 &&
           (lang[n] == '\0' || lang[n] == '_' || lang[n] == '-');
}

static void open_voikko(kk_hyphenator *h)
{
    const char *err = NULL;
    h->voikko = voikkoInit(&err, "fi", NULL);
    if (!h->voikko)
        return;
    /* "Ugly" points split a compound part after one letter ("e-ko-no-mi",
     * "alu-e-ke-hit-tä-mis"); official documents avoid them. */
    voikkoSetBooleanOption(h->voikko, VOIKKO_OPT_NO_UGLY_HYPHENATION, 1);
    voikkoSetBooleanOption(h->voikko, VOIKKO_OPT_HYPHENATE_UNKNOWN_WORDS, 1);
    h->backend = KK_HY_VOIKKO;
    h->lmin = 2;
    h->rmin = 2;
}

static void open_patterns(kk_hyphenator *h, const char *const *files)
{
    for (size_t i = 0; files[i]; i++) {
        char path[256];
        g_snprintf(path, sizeof path, "%s%s", KK_HY_DICT_DIR, files[i]);
        if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
            continue;
        h->dict = hnj_hyphen_load(path);
        if (h->dict)
            break;
    }
    if (!h->dict)
        return;
    h->latin1 = !h->dict->utf8;
    h->backend = KK_HY_PATTERNS;
    h->lmin = 2;
    h->rmin = 3;
}

kk_hyphenator *kk_hyphenator_new(const char *lang)
{
    kk_hyphenator *h = calloc(1, sizeof *h);
    if (!h)
        return NULL;
    h->backend = KK_HY_NONE;
    h->min_word = 6;
    if (!lang)
        return h;
    g_strlcpy(h->lang, lang, sizeof h->lang);
    if (lang_is(lang, "fi")) {
        open_voikko(h);
    } else if (lang_is(lang, "sv")) {
        static const char *const sv[] = { "hyph_sv_SE.dic", "hyph_sv_FI.dic",
                                          "hyph_sv.dic", NULL };
        open_patterns(h, sv);
    } else if (lang_is(lang, "en")) {
        static const char *const en[] = { "hyph_en_US.dic", "hyph_en_GB.dic",
                                          "hyph_en.dic", NULL };
        open_patterns(h, en);
    }
    return h;
}

void kk_hyphenator_free(kk_hyphenator *h)
{
    if (!h)
        return;
    kk_hy_cache_clear(h);
    free(h->slots);
    if (h->voikko)
        voikkoTerminate(h->voikko);
    if (h->dict)
        hnj_hyphen_free(h->dict);
    free(h);
}

void kk_hyphenator_set_min_word(kk_hyphenator *h, unsigned min_word)
{
    if (h)
        h->min_word = min_word ? min_word : 6;
}

bool kk_hyphenator_active(const kk_hyphenator *h)
{
    return h && h->backend != KK_HY_NONE;
}

/* ------------------------------------------------------------------ */
/* One word                                                            */

typedef struct {
    const char *bytes;
    size_t len;
    size_t n;                           /* code points */
    gunichar cp[KK_HY_MAX_CHARS];
    size_t off[KK_HY_MAX_CHARS + 1];    /* byte offset of each code point */
    bool brk[KK_HY_MAX_CHARS];          /* break allowed before cp[i] */
} kk_hy_word;

static void voikko_points(kk_hyphenator *h, kk_hy_word *w)
{
    /* Typographic apostrophes and hyphens are folded to ASCII so Voikko
     * recognises the word; the count of code points stays the same, which
     * is what the returned pattern is indexed by. */
    char in[KK_HY_MAX_CHARS * 4 + 1];
    size_t k = 0;
    for (size_t i = 0; i < w->n; i++) {
        gunichar c = w->cp[i];
        if (c == 0x2019)
            c = '\'';
        else if (c == 0x2010 || c == 0x2011)
            c = '-';
        k += (size_t)g_unichar_to_utf8(c, in + k);
    }
    in[k] = '\0';
    char *pat = voikkoHyphenateCstr(h->voikko, in);
    if (!pat)
        return;
    /* '=' points replace a character with the hyphen (explicit hyphens,
     * "vaa'an"): using them would change the text, so only '-' counts. */
    if (strlen(pat) == w->n)
        for (size_t i = 1; i < w->n; i++)
            w->brk[i] = pat[i] == '-';
    voikkoFreeCstr(pat);
}

/* Hyphenates cp[s..e), a run of letters and marks, with libhyphen. */
static void pattern_run(kk_hyphenator *h, kk_hy_word *w, size_t s, size_t e)
{
    size_t m = e - s;
    if (m < (size_t)(h->lmin + h->rmin))
        return;
    char in[KK_HY_MAX_CHARS * 4 + 1];
    size_t k = 0;
    for (size_t i = s; i < e; i++) {
        gunichar c = g_unichar_tolower(w->cp[i]);
        if (h->latin1) {
            if (c > 0xFF)
                return;         /* not representable: leave the run alone */
            in[k++] = (char)c;
        } else {
            k += (size_t)g_unichar_to_utf8(c, in + k);
        }
    }
    in[k] = '\0';
    char hy[KK_HY_MAX_CHARS * 4 + 5];
    memset(hy, 0, sizeof hy);
    char **rep = NULL;
    int *pos = NULL, *cut = NULL;
    if (hnj_hyphen_hyphenate3(h->dict, in, (int)k, hy, NULL, &rep, &pos, &cut,
                              h->lmin, h->rmin, h->lmin, h->rmin) == 0) {
        /* For UTF-8 dictionaries libhyphen compacts hy[] to one entry per
         * code point, so both encodings index it by character.  A rep[]
         * entry is a non-standard break that rewrites letters: skipped. */
        for (size_t j = 0; j + 1 < m; j++)
            if ((hy[j] & 1) && !(rep && rep[j]))
                w->brk[s + j + 1] = true;
    }
    if (rep) {
        /* After UTF-8 normalisation the live entries sit in [0, m); the
         * tail may hold stale copies of the same pointers. */
        for (size_t j = 0; j < m; j++)
            free(rep[j]);
        free(rep);
    }
    free(pos);
    free(cut);
}

static void pattern_points(kk_hyphenator *h, kk_hy_word *w)
{
    size_t i = 0;
    while (i < w->n) {
        if (!is_letter(w->cp[i])) {
            i++;
            continue;
        }
        size_t s = i;
        while (i < w->n && (is_letter(w->cp[i]) || is_mark(w->cp[i])))
            i++;
        pattern_run(h, w, s, i);
    }
}

/* Drops the points that break next to a non-letter or leave too few letters
 * in a part of the compound. */
static size_t filter_points(const kk_hyphenator *h, kk_hy_word *w)
{
    size_t kept = 0;
    size_t part = 0;
    while (part < w->n) {
        size_t end = part;
        while (end < w->n && !is_joiner(w->cp[end]))
            end++;
        int total = 0;
        for (size_t i = part; i < end; i++)
            total += is_letter(w->cp[i]);
        int left = 0;
        for (size_t i = part; i < end; i++) {
            if (i > part && w->brk[i]) {
                bool ok = is_letter(w->cp[i]) &&
                          (is_letter(w->cp[i - 1]) || is_mark(w->cp[i - 1])) &&
                          left >= h->lmin && total - left >= h->rmin;
                w->brk[i] = ok;
                kept += ok;
            } else {
                w->brk[i] = false;
            }
            left += is_letter(w->cp[i]);
        }
        if (end < w->n)
            w->brk[end] = false;
        part = end + 1;
    }
    return kept;
}

/* Returns the hyphenated word (owned by the caller), or NULL with *oom
 * false when the word stays as it is. */
static char *hyphenate_word(kk_hyphenator *h, kk_hy_word *w, bool *oom)
{
    memset(w->brk, 0, w->n * sizeof w->brk[0]);
    if (h->backend == KK_HY_VOIKKO)
        voikko_points(h, w);
    else
        pattern_points(h, w);
    size_t kept = filter_points(h, w);
    if (!kept)
        return NULL;
    char *out = malloc(w->len + kept * 2 + 1);
    if (!out) {
        *oom = true;
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < w->n; i++) {
        if (w->brk[i]) {
            memcpy(out + k, kk_shy, 2);
            k += 2;
        }
        size_t cl = w->off[i + 1] - w->off[i];
        memcpy(out + k, w->bytes + w->off[i], cl);
        k += cl;
    }
    out[k] = '\0';
    return out;
}

/* ------------------------------------------------------------------ */
/* Output buffer                                                       */

/* ------------------------------------------------------------------ */
/* Scanning                                                            */

typedef struct {
    kk_hyphenator *h;
    const char *t;
    size_t len;
    bool markup;
    kk_buf out;
    kk_hy_word word;
} kk_hy_scan;

static size_t char_len(const char *t, size_t i)
{
    return (size_t)(g_utf8_next_char(t + i) - (t + i));
}

/* End of the tag, comment or processing instruction starting at t[i]=='<'.
 * Quoted attribute values may contain '>'.  An unterminated tag runs to
 * the end: Pango will reject it anyway, and nothing inside is touched. */
static size_t skip_tag(const char *t, size_t len, size_t i)
{
    if (len - i >= 4 && memcmp(t + i, "<!--", 4) == 0) {
        const char *e = g_strstr_len(t + i + 4, (gssize)(len - i - 4), "-->");
        return e ? (size_t)(e - t) + 3 : len;
    }
    if (len - i >= 9 && memcmp(t + i, "<![CDATA[", 9) == 0) {
        const char *e = g_strstr_len(t + i + 9, (gssize)(len - i - 9), "]]>");
        return e ? (size_t)(e - t) + 3 : len;
    }
    char quote = 0;
    for (size_t j = i + 1; j < len; j++) {
        char c = t[j];
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '>') {
            return j + 1;
        }
    }
    return len;
}

/* Length of the entity at t[i]=='&', or 0 when it is a bare ampersand. */
static size_t entity_len(const char *t, size_t len, size_t i)
{
    for (size_t j = i + 1; j < len && j - i <= 32; j++) {
        char c = t[j];
        if (c == ';')
            return j > i + 1 ? j - i + 1 : 0;
        if (!g_ascii_isalnum(c) && c != '#')
            return 0;
    }
    return 0;
}

static bool space_at(const char *t, size_t i)
{
    unsigned char b = (unsigned char)t[i];
    if (b < 0x80)   /* g_unichar_isspace's ASCII: not \v */
        return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f';
    return g_unichar_isspace(g_utf8_get_char(t + i));
}

static size_t chunk_end(const kk_hy_scan *sc, size_t i)
{
    while (i < sc->len) {
        if (sc->markup && sc->t[i] == '<')
            i = skip_tag(sc->t, sc->len, i);
        else if (space_at(sc->t, i))
            break;
        else
            i += char_len(sc->t, i);
    }
    return i;
}

/* True when the chunk t[a..b) is a URL, e-mail address, domain or file
 * name rather than prose. */
static bool chunk_is_address(const kk_hy_scan *sc, size_t a, size_t b)
{
    char plain[KK_HY_CHUNK_MAX];
    size_t n = 0;
    for (size_t i = a; i < b;) {
        if (sc->markup && sc->t[i] == '<') {
            i = skip_tag(sc->t, sc->len, i);
            continue;
        }
        if (n + 1 >= sizeof plain)
            return true;
        plain[n++] = sc->t[i++];
    }
    plain[n] = '\0';
    if (strchr(plain, '@') || strstr(plain, "://") ||
        g_ascii_strncasecmp(plain, "www.", 4) == 0)
        return true;
    /* "kunta.fi", "liite.pdf": a dot followed by a short lowercase ASCII
     * suffix at the end (after trailing punctuation). */
    while (n > 0 && strchr(".,;:!?)]}\"'", plain[n - 1]))
        n--;
    size_t k = n;
    while (k > 0 && g_ascii_islower(plain[k - 1]))
        k--;
    size_t suffix = n - k;
    return suffix >= 2 && suffix <= 6 && k >= 2 && plain[k - 1] == '.' &&
           g_ascii_isalnum(plain[k - 2]);
}

/* Reads the word starting at t[i] (a letter or digit) into sc->word and
 * decides whether it may be hyphenated.  Returns its end. */
static size_t read_word(kk_hy_scan *sc, size_t i, size_t end, bool *eligible)
{
    kk_hy_word *w = &sc->word;
    const char *t = sc->t;
    size_t start = i;
    size_t n = 0;
    unsigned letters = 0, upper = 0, lower = 0;
    bool digit = false, shy = false, too_long = false;
    while (i < end) {
        gunichar c = char_at(t, i);
        size_t cl = char_len(t, i);
        bool take = is_letter(c) || is_mark(c) || is_digit(c) || c == 0xAD;
        if (!take && is_connector(c) && i + cl < end) {
            gunichar d = char_at(t, i + cl);
            take = is_letter(d) || is_digit(d);
        }
        if (!take)
            break;
        if (n < KK_HY_MAX_CHARS) {
            w->cp[n] = c;
            w->off[n] = i - start;
            n++;
        } else {
            too_long = true;
        }
        letters += is_letter(c);
        upper += is_upper(c);
        lower += is_lower(c);
        digit = digit || is_digit(c);
        shy = shy || c == 0xAD;
        i += cl;
    }
    w->bytes = t + start;
    w->len = i - start;
    w->n = n;
    w->off[n] = w->len;
    bool caps = lower == 0 && upper >= 2;
    *eligible = !too_long && !digit && !shy && !caps &&
                letters >= sc->h->min_word;
    return i;
}

static void emit_word(kk_hy_scan *sc)
{
    kk_hy_word *w = &sc->word;
    uint32_t hash = kk_hy_hash(w->bytes, w->len);
    const kk_hy_slot *s = kk_hy_cache_find(sc->h, w->bytes, w->len, hash);
    if (s) {
        if (s->val)
            kk_buf_addn(&sc->out, s->val, strlen(s->val));
        else
            kk_buf_addn(&sc->out, w->bytes, w->len);
        return;
    }
    bool oom = false;
    char *hy = NULL;
    if (!kk_hy_prefetched(sc->h, w->bytes, w->len, hash, &hy, &oom))
        hy = hyphenate_word(sc->h, w, &oom);
    if (oom) {
        sc->out.oom = true;
        return;
    }
    if (hy)
        kk_buf_addn(&sc->out, hy, strlen(hy));
    else
        kk_buf_addn(&sc->out, w->bytes, w->len);
    if (sc->h->lock)
        g_mutex_lock(sc->h->lock);
    kk_hy_cache_put(sc->h, w->bytes, w->len, hash, hy);
    if (sc->h->lock)
        g_mutex_unlock(sc->h->lock);
}

static void scan_chunk(kk_hy_scan *sc, size_t i, size_t end)
{
    const char *t = sc->t;
    while (i < end && !sc->out.oom) {
        if (sc->markup && t[i] == '<') {
            size_t e = skip_tag(t, sc->len, i);
            kk_buf_addn(&sc->out, t + i, e - i);
            i = e;
            continue;
        }
        if (sc->markup && t[i] == '&') {
            size_t el = entity_len(t, end, i);
            if (el) {
                kk_buf_addn(&sc->out, t + i, el);
                i += el;
                continue;
            }
        }
        gunichar c = char_at(t, i);
        if (!is_letter(c) && !is_digit(c)) {
            size_t cl = char_len(t, i);
            kk_buf_addn(&sc->out, t + i, cl);
            i += cl;
            continue;
        }
        bool eligible;
        size_t e = read_word(sc, i, end, &eligible);
        if (eligible)
            emit_word(sc);
        else
            kk_buf_addn(&sc->out, t + i, e - i);
        i = e;
    }
}

char *kk_hyphenate(kk_hyphenator *h, const char *text, bool markup)
{
    if (!h || !text)
        return NULL;
    size_t len = strlen(text);
    kk_hy_scan *sc = malloc(sizeof *sc);
    if (!sc)
        return NULL;
    sc->h = h;
    sc->t = text;
    sc->len = len;
    sc->markup = markup;
    sc->out = (kk_buf){ 0 };
    bool active = h->backend != KK_HY_NONE && g_utf8_validate(text, -1, NULL);
    if (!active) {
        kk_buf_addn(&sc->out, text, len);
    } else {
        size_t i = 0;
        while (i < len && !sc->out.oom && !(h->stop && g_atomic_int_get(h->stop))) {
            if (markup && text[i] == '<') {
                size_t e = skip_tag(text, len, i);
                kk_buf_addn(&sc->out, text + i, e - i);
                i = e;
            } else if (space_at(text, i)) {
                size_t cl = char_len(text, i);
                kk_buf_addn(&sc->out, text + i, cl);
                i += cl;
            } else {
                size_t e = chunk_end(sc, i);
                if (chunk_is_address(sc, i, e))
                    kk_buf_addn(&sc->out, text + i, e - i);
                else
                    scan_chunk(sc, i, e);
                i = e;
            }
        }
    }
    char *res = kk_buf_take(&sc->out);   /* "" for empty input, NULL when out of memory */
    free(sc);
    return res;
}

