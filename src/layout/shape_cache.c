/*
 * shape_cache.c — HarfBuzz shaping a word at a time, the words kept.
 *
 * Why: shaping was the largest single cost of typesetting a document (45%
 * of kokous's instructions per document, bench/profile.md), and Pango
 * 1.50 keeps nothing: every document's every run of text (an item: one
 * font, up to a paragraph) is shaped whole, though minutes repeat the same
 * words from page to page and from meeting to meeting.  Browsers shape a
 * word at a time and keep the words (Blink's and Gecko's word caches); this
 * file does the same beneath Pango.  It defines hb_shape(), to which the
 * dynamic linker binds libpango's calls (a symbol the executable defines
 * comes before the library's), cuts the run at its spaces, takes each word
 * from the cache or shapes it alone with HarfBuzz's own hb_shape_full(),
 * and puts the glyphs back into Pango's buffer as if HarfBuzz had shaped
 * the whole run.
 *
 * Cutting at U+0020 changes nothing only when nothing in the font reaches
 * across a space, so a run is shaped whole, exactly as before, unless all
 * of these hold:
 *  - no OpenType lookup the font has for Latin text involves the space
 *    glyph (no kern pair or ligature with a space), nor does its legacy
 *    'kern' table, and it has no AAT tables; checked once per face, as
 *    Gecko does.  (Like Gecko's, the check sees the glyphs a lookup names:
 *    a class-based kern pair whose second class is "every glyph not
 *    listed" would escape it; fonts give that class no kerning.)
 *  - the run is left-to-right Latin or Common script, which HarfBuzz sets
 *    with its default shaper: it reads no context outside the run;
 *  - no word begins with a mark or a joiner (which would make one cluster
 *    with the space before it), and the features are global.
 * Pango's own font functions on the font it passes treat a space as the
 * font does unless a text asks Pango to show spaces (PANGO_ATTR_SHOW),
 * which kokous never does.  The tests build every input/ document with
 * and without the cache (KOKOUS_NO_SHAPE_CACHE=1) and compare the PDFs
 * byte for byte.
 *
 * The cache is bounded (KK_SHAPE_CACHE_BYTES; emptied when full) and one
 * mutex guards it: a worker lays out on one thread at a time.
 */
#include "layout/layout_int.h"
#include <glib.h>
#include <hb.h>
#include <hb-aat.h>
#include <hb-ot.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define KK_SHAPE_CACHE_BYTES (3u << 19)  /* 1.5 MB */
#define KK_SHAPE_MAX_CONTEXTS 256
#define KK_SHAPE_MAX_FEATURES 16
#define KK_SHAPE_MAX_WORD 1024     /* characters; a longer one is shaped with its run */

/* Everything besides the text that decides what HarfBuzz returns. */
typedef struct shape_context {
    uintptr_t font;                 /* serial of the font (font_serial()) */
    int x_scale, y_scale;
    unsigned x_ppem, y_ppem;
    float ptem;
    hb_direction_t direction;
    hb_script_t script;
    hb_language_t language;
    hb_buffer_flags_t flags;        /* without BOT/EOT: those are per word */
    hb_buffer_cluster_level_t cluster_level;
    hb_codepoint_t invisible, replacement, not_found;
    unsigned nfeatures;
    hb_feature_t features[KK_SHAPE_MAX_FEATURES];
} shape_context;

/* A glyph as HarfBuzz gave it, in 24 bytes rather than its 40: the
 * glyph flags are all of the info's mask that is public, var1 and var2
 * are HarfBuzz's scratch space. */
typedef struct shaped_glyph {
    uint32_t glyph;
    uint16_t cluster;               /* relative to the word's first character's */
    uint16_t flags;                 /* hb_glyph_flags_t */
    int32_t x_advance, y_advance, x_offset, y_offset;
} shaped_glyph;

/* One shaped word: its glyphs, then its characters, then their clusters
 * relative to the first one's (Pango gives a hyphen it adds at a line's
 * end its soft hyphen's cluster, so the characters alone do not say what
 * the clusters are).  Words live in the cache's arena. */
typedef struct shaped_word {
    struct shaped_word *next;       /* hash chain */
    uint32_t hash;
    uint16_t context;
    uint16_t edges;                 /* HB_BUFFER_FLAG_BOT / EOT it had */
    uint16_t nchars, nglyphs;
    shaped_glyph glyphs[];
} shaped_word;

static hb_codepoint_t *word_chars(shaped_word *w)
{
    return (hb_codepoint_t *)(w->glyphs + w->nglyphs);
}

static uint16_t *word_clusters(shaped_word *w)
{
    return (uint16_t *)(word_chars(w) + w->nchars);
}

/* Blocks the words are cut from; freed all at once when the cache is
 * emptied. */
#define KK_SHAPE_BLOCK (64u << 10)
typedef struct word_block {
    struct word_block *next;
    size_t used;
    _Alignas(shaped_word) unsigned char data[KK_SHAPE_BLOCK];
} word_block;

/* A piece of the run being shaped. */
typedef struct segment {
    unsigned start, nchars;         /* in the run's characters */
    unsigned cluster;               /* of its first character */
    unsigned edges;
    uint32_t hash;
    shaped_word *word;
} segment;

static struct {
    GMutex lock;
    int enabled;                    /* 0 = not decided yet, 1 on, -1 off */
    shape_context contexts[KK_SHAPE_MAX_CONTEXTS];
    unsigned ncontexts;
    shaped_word **buckets;          /* owned, nbuckets long */
    size_t nbuckets, nwords, bytes;
    word_block *blocks;             /* owned; the newest first */
    hb_buffer_t *scratch;           /* owned: where one word is shaped */
    segment *segs;                  /* owned, capsegs long */
    size_t capsegs;
    uintptr_t next_font;
    kk_shape_cache_counts counts;
} cache;

static hb_user_data_key_t font_serial_key, face_verdict_key;

static void forget_words(void)
{
    while (cache.blocks) {
        word_block *next = cache.blocks->next;
        g_free(cache.blocks);
        cache.blocks = next;
    }
    g_free(cache.buckets);
    cache.buckets = NULL;
    cache.nbuckets = cache.nwords = cache.bytes = 0;
    cache.ncontexts = 0;
}

/* Frees what the cache holds at exit, so that leak checkers see nothing. */
static void cache_release(void)
{
    g_mutex_lock(&cache.lock);
    forget_words();
    if (cache.scratch)
        hb_buffer_destroy(cache.scratch);
    cache.scratch = NULL;
    g_free(cache.segs);
    cache.segs = NULL;
    cache.capsegs = 0;
    g_mutex_unlock(&cache.lock);
}

static bool cache_enabled(void)
{
    if (!cache.enabled) {
        const char *off = getenv("KOKOUS_NO_SHAPE_CACHE");
        cache.enabled = off && *off ? -1 : 1;
        atexit(cache_release);
    }
    return cache.enabled > 0;
}

void kk_shape_cache_set_enabled(bool on)
{
    g_mutex_lock(&cache.lock);
    cache_enabled();
    cache.enabled = on ? 1 : -1;
    forget_words();
    g_mutex_unlock(&cache.lock);
}

void kk_shape_cache_get_counts(kk_shape_cache_counts *out)
{
    g_mutex_lock(&cache.lock);
    *out = cache.counts;
    g_mutex_unlock(&cache.lock);
}

/* ---- may this font be cut at spaces? ------------------------------------ */

/* The script tags HarfBuzz may choose for a Latin or Common run: only the
 * lookups of their features are ever applied to the runs cut here (DejaVu
 * Sans, for one, has a lookup with the space glyph, for Arabic). */
static const hb_tag_t latin_scripts[] = {
    HB_TAG('l', 'a', 't', 'n'), HB_TAG('D', 'F', 'L', 'T'), HB_TAG('d', 'f', 'l', 't'), HB_TAG_NONE
};

static bool lookups_avoid(hb_face_t *face, hb_tag_t table, hb_codepoint_t space)
{
    hb_set_t *lookups = hb_set_create(), *sets[4];
    for (int k = 0; k < 4; k++)
        sets[k] = hb_set_create();
    hb_ot_layout_collect_lookups(face, table, latin_scripts, NULL, NULL, lookups);
    bool avoid = hb_set_allocation_successful(lookups);
    for (hb_codepoint_t i = HB_SET_VALUE_INVALID; avoid && hb_set_next(lookups, &i);) {
        for (int k = 0; k < 4; k++)
            hb_set_clear(sets[k]);
        hb_ot_layout_lookup_collect_glyphs(face, table, i, sets[0], sets[1], sets[2], sets[3]);
        for (int k = 0; k < 4; k++)
            if (hb_set_has(sets[k], space) || !hb_set_allocation_successful(sets[k]))
                avoid = false;
    }
    for (int k = 0; k < 4; k++)
        hb_set_destroy(sets[k]);
    hb_set_destroy(lookups);
    return avoid;
}

static unsigned be16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

/* The legacy 'kern' table (HarfBuzz applies it when GPOS has no kerning
 * for the script): no pair with the space glyph.  Only the OpenType
 * version with format 0 subtables is read; anything else counts as "no". */
static bool kern_table_avoids(hb_face_t *face, hb_codepoint_t space)
{
    hb_blob_t *blob = hb_face_reference_table(face, HB_TAG('k', 'e', 'r', 'n'));
    unsigned len;
    const unsigned char *p = (const unsigned char *)hb_blob_get_data(blob, &len);
    bool avoid = true;
    if (len) {
        avoid = len >= 4 && be16(p) == 0;
        unsigned ntables = avoid ? be16(p + 2) : 0, at = 4;
        for (unsigned t = 0; t < ntables && avoid; t++) {
            if (at + 14 > len || (be16(p + at + 4) >> 8) != 0) {
                avoid = false;
                break;
            }
            /* the pairs, not the subtable's 16-bit length, say where it
             * ends: big tables overflow the length */
            unsigned npairs = be16(p + at + 6);
            const unsigned char *pair = p + at + 14;
            if (at + 14 + (size_t)npairs * 6 > len) {
                avoid = false;
                break;
            }
            for (unsigned i = 0; i < npairs && avoid; i++, pair += 6)
                if (be16(pair) == space || be16(pair + 2) == space)
                    avoid = false;
            at += 14 + npairs * 6;
        }
    }
    hb_blob_destroy(blob);
    return avoid;
}

static bool face_cuts_at_spaces(hb_font_t *font)
{
    hb_face_t *face = hb_font_get_face(font);
    void *known = hb_face_get_user_data(face, &face_verdict_key);
    if (known)
        return known == (void *)1;
    hb_codepoint_t space;
    bool ok = hb_font_get_nominal_glyph(font, ' ', &space) && !hb_aat_layout_has_substitution(face)
              && !hb_aat_layout_has_positioning(face) && !hb_aat_layout_has_tracking(face)
              && kern_table_avoids(face, space) && lookups_avoid(face, HB_OT_TAG_GSUB, space)
              && lookups_avoid(face, HB_OT_TAG_GPOS, space);
    /* a face that refuses user data (the empty face) is asked every time
     * and says no: it has no space glyph */
    hb_face_set_user_data(face, &face_verdict_key, ok ? (void *)1 : (void *)2, NULL, false);
    return ok;
}

/* A number for the font that no other font gets, even after this one is
 * freed and another takes its address.  0 = none could be given. */
static uintptr_t font_serial(hb_font_t *font)
{
    uintptr_t serial = (uintptr_t)hb_font_get_user_data(font, &font_serial_key);
    if (serial)
        return serial;
    serial = ++cache.next_font;
    return hb_font_set_user_data(font, &font_serial_key, (void *)serial, NULL, false) ? serial : 0;
}

/* ---- the run ------------------------------------------------------------ */

static bool may_begin_word(hb_unicode_funcs_t *uf, hb_codepoint_t c)
{
    if (c >= 0x1F000)               /* emoji modifiers, regional indicators, tags */
        return false;
    switch (hb_unicode_general_category(uf, c)) {
    case HB_UNICODE_GENERAL_CATEGORY_CONTROL:
    case HB_UNICODE_GENERAL_CATEGORY_FORMAT:
    case HB_UNICODE_GENERAL_CATEGORY_UNASSIGNED:
    case HB_UNICODE_GENERAL_CATEGORY_PRIVATE_USE:
    case HB_UNICODE_GENERAL_CATEGORY_SURROGATE:
    case HB_UNICODE_GENERAL_CATEGORY_SPACING_MARK:
    case HB_UNICODE_GENERAL_CATEGORY_ENCLOSING_MARK:
    case HB_UNICODE_GENERAL_CATEGORY_NON_SPACING_MARK:
        return false;
    default:
        return true;
    }
}

static bool context_of(hb_font_t *font, hb_font_t *base, hb_buffer_t *buf, const hb_feature_t *features,
                       unsigned nfeatures, shape_context *cx)
{
    if (nfeatures > KK_SHAPE_MAX_FEATURES)
        return false;
    memset(cx, 0, sizeof *cx);      /* padding too: contexts are compared with memcmp */
    hb_segment_properties_t props;
    hb_buffer_get_segment_properties(buf, &props);
    if (props.direction != HB_DIRECTION_LTR
        || (props.script != HB_SCRIPT_LATIN && props.script != HB_SCRIPT_COMMON))
        return false;
    for (unsigned i = 0; i < nfeatures; i++)
        if (features[i].start != HB_FEATURE_GLOBAL_START || features[i].end != HB_FEATURE_GLOBAL_END)
            return false;
    if (!(cx->font = font_serial(base)))
        return false;
    hb_font_get_scale(font, &cx->x_scale, &cx->y_scale);
    hb_font_get_ppem(font, &cx->x_ppem, &cx->y_ppem);
    cx->ptem = hb_font_get_ptem(font);
    cx->direction = props.direction;
    cx->script = props.script;
    cx->language = props.language;
    cx->flags = hb_buffer_get_flags(buf) & ~(HB_BUFFER_FLAG_BOT | HB_BUFFER_FLAG_EOT);
    cx->cluster_level = hb_buffer_get_cluster_level(buf);
    cx->invisible = hb_buffer_get_invisible_glyph(buf);
    cx->replacement = hb_buffer_get_replacement_codepoint(buf);
    cx->not_found = hb_buffer_get_not_found_glyph(buf);
    cx->nfeatures = nfeatures;
    for (unsigned i = 0; i < nfeatures; i++) {
        cx->features[i].tag = features[i].tag;
        cx->features[i].value = features[i].value;
        cx->features[i].start = features[i].start;
        cx->features[i].end = features[i].end;
    }
    return true;
}

/* The index of the context, added if new; -1 when the table is full. */
static int context_index(const shape_context *cx)
{
    for (unsigned i = 0; i < cache.ncontexts; i++)
        if (!memcmp(&cache.contexts[i], cx, sizeof *cx))
            return (int)i;
    if (cache.ncontexts == KK_SHAPE_MAX_CONTEXTS)
        return -1;
    cache.contexts[cache.ncontexts] = *cx;
    return (int)cache.ncontexts++;
}

static void reserve_segments(size_t n)
{
    if (n <= cache.capsegs)
        return;
    size_t cap = cache.capsegs ? cache.capsegs : 64;
    while (cap < n)
        cap *= 2;
    cache.segs = g_renew(segment, cache.segs, cap);
    cache.capsegs = cap;
}

/* Cuts the run into words and single spaces; false when it may not be cut
 * (then nothing has been changed). */
static bool cut(hb_buffer_t *buf, const hb_glyph_info_t *in, unsigned len, size_t *nsegs)
{
    hb_unicode_funcs_t *uf = hb_buffer_get_unicode_funcs(buf);
    if (!may_begin_word(uf, in[0].codepoint) && in[0].codepoint != ' ')
        return false;
    hb_buffer_flags_t flags = hb_buffer_get_flags(buf);
    size_t n = 0;
    for (unsigned i = 0; i < len;) {
        unsigned j = i + 1;
        if (in[i].codepoint != ' ')
            while (j < len && in[j].codepoint != ' ')
                j++;
        if (j < len && in[j - 1].codepoint == ' ' && in[j].codepoint != ' '
            && !may_begin_word(uf, in[j].codepoint))
            return false;
        /* a word's length and clusters are kept in 16 bits */
        if (j - i > KK_SHAPE_MAX_WORD || in[j - 1].cluster - in[i].cluster > KK_SHAPE_MAX_WORD * 4)
            return false;
        reserve_segments(n + 1);
        segment *s = &cache.segs[n++];
        s->start = i;
        s->nchars = j - i;
        s->edges = (i == 0 ? flags & HB_BUFFER_FLAG_BOT : 0) | (j == len ? flags & HB_BUFFER_FLAG_EOT : 0);
        s->word = NULL;
        i = j;
    }
    /* clusters that go back would not survive being made relative to a
     * word's first one */
    for (unsigned i = 1; i < len; i++)
        if (in[i].cluster < in[i - 1].cluster)
            return false;
    *nsegs = n;
    return true;
}

static uint32_t word_hash(unsigned context, unsigned edges, const hb_glyph_info_t *in, unsigned n)
{
    uint32_t h = 2166136261u ^ (context * 16777619u) ^ (edges << 24);
    for (unsigned i = 0; i < n; i++)
        h = (h ^ in[i].codepoint ^ ((in[i].cluster - in[0].cluster) << 21)) * 16777619u;
    return h ^ (h >> 15);
}

static shaped_word *find_word(const segment *s, unsigned context, const hb_glyph_info_t *in)
{
    if (!cache.nbuckets)
        return NULL;
    for (shaped_word *w = cache.buckets[s->hash & (cache.nbuckets - 1)]; w; w = w->next) {
        if (w->hash != s->hash || w->context != context || w->edges != s->edges || w->nchars != s->nchars)
            continue;
        const hb_codepoint_t *c = word_chars(w);
        const uint16_t *cl = word_clusters(w);
        unsigned base = in[s->start].cluster;
        unsigned i = 0;
        while (i < s->nchars && c[i] == in[s->start + i].codepoint && cl[i] == in[s->start + i].cluster - base)
            i++;
        if (i == s->nchars)
            return w;
    }
    return NULL;
}

static void insert_word(shaped_word *w)
{
    if (cache.nwords >= cache.nbuckets) {
        size_t nb = cache.nbuckets ? cache.nbuckets * 2 : 1024;
        shaped_word **b = g_new0(shaped_word *, nb);
        for (size_t i = 0; i < cache.nbuckets; i++)
            for (shaped_word *x = cache.buckets[i], *next; x; x = next) {
                next = x->next;
                x->next = b[x->hash & (nb - 1)];
                b[x->hash & (nb - 1)] = x;
            }
        g_free(cache.buckets);
        cache.buckets = b;
        cache.nbuckets = nb;
    }
    w->next = cache.buckets[w->hash & (cache.nbuckets - 1)];
    cache.buckets[w->hash & (cache.nbuckets - 1)] = w;
    cache.nwords++;
}

/* Shapes one word alone with HarfBuzz; NULL when HarfBuzz failed. */
static shaped_word *shape_word(hb_font_t *font, hb_buffer_t *buf, const segment *s, unsigned context,
                               const hb_glyph_info_t *in, const hb_feature_t *features, unsigned nfeatures)
{
    const shape_context *cx = &cache.contexts[context];
    if (!cache.scratch)
        cache.scratch = hb_buffer_create();
    hb_buffer_t *sb = cache.scratch;
    hb_buffer_reset(sb);
    hb_buffer_set_unicode_funcs(sb, hb_buffer_get_unicode_funcs(buf));
    hb_segment_properties_t props;
    hb_buffer_get_segment_properties(buf, &props);
    hb_buffer_set_segment_properties(sb, &props);
    hb_buffer_set_flags(sb, cx->flags | s->edges);
    hb_buffer_set_cluster_level(sb, cx->cluster_level);
    hb_buffer_set_invisible_glyph(sb, cx->invisible);
    hb_buffer_set_replacement_codepoint(sb, cx->replacement);
    hb_buffer_set_not_found_glyph(sb, cx->not_found);
    hb_buffer_set_content_type(sb, HB_BUFFER_CONTENT_TYPE_UNICODE);
    unsigned base = in[s->start].cluster;
    for (unsigned i = 0; i < s->nchars; i++)
        hb_buffer_add(sb, in[s->start + i].codepoint, in[s->start + i].cluster - base);
    if (!hb_shape_full(font, sb, features, nfeatures, NULL) || !hb_buffer_allocation_successful(sb))
        return NULL;
    unsigned ng = hb_buffer_get_length(sb);
    size_t size = sizeof(shaped_word) + ng * sizeof(shaped_glyph) + s->nchars * (sizeof(hb_codepoint_t) + 2);
    size = (size + _Alignof(shaped_word) - 1) / _Alignof(shaped_word) * _Alignof(shaped_word);
    if (ng > UINT16_MAX || size > KK_SHAPE_BLOCK)
        return NULL;
    if (!cache.blocks || cache.blocks->used + size > KK_SHAPE_BLOCK) {
        word_block *blk = g_malloc(sizeof *blk);
        blk->next = cache.blocks;
        blk->used = 0;
        cache.blocks = blk;
        cache.bytes += sizeof *blk;
    }
    shaped_word *w = (shaped_word *)(cache.blocks->data + cache.blocks->used);
    cache.blocks->used += size;
    w->hash = s->hash;
    w->context = (uint16_t)context;
    w->edges = (uint16_t)s->edges;
    w->nchars = (uint16_t)s->nchars;
    w->nglyphs = (uint16_t)ng;
    const hb_glyph_info_t *info = hb_buffer_get_glyph_infos(sb, NULL);
    const hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(sb, NULL);
    for (unsigned g = 0; g < ng; g++)
        w->glyphs[g] = (shaped_glyph){ .glyph = info[g].codepoint, .cluster = (uint16_t)info[g].cluster,
                                       .flags = (uint16_t)hb_glyph_info_get_glyph_flags(&info[g]),
                                       .x_advance = pos[g].x_advance, .y_advance = pos[g].y_advance,
                                       .x_offset = pos[g].x_offset, .y_offset = pos[g].y_offset };
    hb_codepoint_t *c = word_chars(w);
    uint16_t *cl = word_clusters(w);
    for (unsigned i = 0; i < s->nchars; i++) {
        c[i] = in[s->start + i].codepoint;
        cl[i] = (uint16_t)(in[s->start + i].cluster - base);
    }
    return w;
}

/* Shapes the run from words; false when it must be shaped whole (the
 * buffer is then as it was). */
static bool shape_from_words(hb_font_t *font, hb_buffer_t *buf, const hb_feature_t *features,
                             unsigned nfeatures)
{
    unsigned len = hb_buffer_get_length(buf);
    if (hb_buffer_get_content_type(buf) != HB_BUFFER_CONTENT_TYPE_UNICODE || len == 0)
        return false;
    hb_font_t *base = hb_font_get_parent(font);
    if (!base || base == hb_font_get_empty())
        base = font;
    if (!face_cuts_at_spaces(base))
        return false;
    shape_context cx;
    if (!context_of(font, base, buf, features, nfeatures, &cx))
        return false;
    if (cache.bytes > KK_SHAPE_CACHE_BYTES)
        forget_words();
    int context = context_index(&cx);
    if (context < 0) {
        forget_words();             /* fonts come and go: start again */
        context = context_index(&cx);
    }
    const hb_glyph_info_t *in = hb_buffer_get_glyph_infos(buf, NULL);
    size_t nsegs;
    if (!cut(buf, in, len, &nsegs))
        return false;

    unsigned total = 0;
    for (size_t i = 0; i < nsegs; i++) {
        segment *s = &cache.segs[i];
        s->hash = word_hash((unsigned)context, s->edges, in + s->start, s->nchars);
        s->word = find_word(s, (unsigned)context, in);
        if (s->word) {
            cache.counts.hits++;
        } else {
            if (!(s->word = shape_word(font, buf, s, (unsigned)context, in, features, nfeatures)))
                return false;
            insert_word(s->word);
            cache.counts.misses++;
        }
        total += s->word->nglyphs;
    }

    /* the clusters of the words' first characters, before the buffer
     * becomes glyphs */
    for (size_t i = 0; i < nsegs; i++)
        cache.segs[i].cluster = in[cache.segs[i].start].cluster;
    if (!hb_buffer_set_length(buf, total))
        return false;
    hb_buffer_set_content_type(buf, HB_BUFFER_CONTENT_TYPE_GLYPHS);
    hb_glyph_info_t *out = hb_buffer_get_glyph_infos(buf, NULL);
    hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, NULL);
    for (size_t i = 0; i < nsegs; i++) {
        const shaped_word *w = cache.segs[i].word;
        for (unsigned g = 0; g < w->nglyphs; g++, out++, pos++) {
            const shaped_glyph *sg = &w->glyphs[g];
            *out = (hb_glyph_info_t){ .codepoint = sg->glyph, .mask = sg->flags,
                                      .cluster = sg->cluster + cache.segs[i].cluster };
            *pos = (hb_glyph_position_t){ .x_advance = sg->x_advance, .y_advance = sg->y_advance,
                                          .x_offset = sg->x_offset, .y_offset = sg->y_offset };
        }
    }
    cache.counts.runs++;
    return true;
}

/* libpango's calls to hb_shape() come here (see the top of the file). */
void hb_shape(hb_font_t *font, hb_buffer_t *buffer, const hb_feature_t *features, unsigned int num_features)
{
    g_mutex_lock(&cache.lock);
    bool done = cache_enabled() && shape_from_words(font, buffer, features, num_features);
    if (!done)
        cache.counts.whole++;
    g_mutex_unlock(&cache.lock);
    if (!done)
        hb_shape_full(font, buffer, features, num_features, NULL);
}
