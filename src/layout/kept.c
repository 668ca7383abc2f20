/*
 * kept.c — laid-out texts kept across blocks and documents (layout_int.h).
 *
 * A batch sets the same texts again and again: the appeal instructions of
 * every minutes document, and far more often the short ones: labels
 * ("Päätösehdotus", "Aika", column heads), the members' names and roles,
 * item titles (in the list of items and at the item), signature captions.
 * Laying out a one-word label costs as much Pango work as a line of a
 * paragraph, so a text that comes back with the same style and width gets
 * the layout it had (a PangoLayout is only read once laid out): the very
 * same lines and glyphs.
 *
 * A text is kept from its second sighting on (one that comes once costs a
 * hash, not a kept layout), texts with links never (their runs are drawn
 * with link annotations).  Memory stays flat however long the batch: at
 * most KK_KEPT_LAYOUTS layouts holding at most KK_KEPT_BYTES of markup, the
 * least recently used one making room; the sightings are forgotten every
 * KK_SEEN_KEYS keys.
 */
#include "layout/layout_int.h"
#include "util/text.h"

#include <stdlib.h>
#include <string.h>

#define KK_KEPT_LAYOUTS 1024
#define KK_KEPT_BYTES (256 * 1024)
#define KK_SEEN_KEYS 8192

struct kk_kept {
    kk_kept_layout *slot;    /* KK_KEPT_LAYOUTS, the first n in use */
    size_t n, bytes;         /* slots in use; their keys' bytes */
    unsigned long tick;
    GHashTable *index;       /* key (borrowed from its slot) -> slot number + 1 */
    GHashTable *seen;        /* key hashes (as pointers) seen once */
};

kk_kept *kk_kept_new(void)
{
    kk_kept *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->slot = calloc(KK_KEPT_LAYOUTS, sizeof *k->slot);
    k->index = g_hash_table_new(g_str_hash, g_str_equal);
    k->seen = g_hash_table_new(g_direct_hash, g_direct_equal);
    if (!k->slot) {
        kk_kept_free(k);
        return NULL;
    }
    return k;
}

static void clear_slot(kk_kept_layout *s)
{
    g_free(s->key);
    g_object_unref(s->layout);
    free(s->lines);
}

void kk_kept_free(kk_kept *k)
{
    if (!k)
        return;
    for (size_t i = 0; i < k->n; i++)
        clear_slot(&k->slot[i]);
    free(k->slot);
    g_hash_table_destroy(k->index);
    g_hash_table_destroy(k->seen);
    free(k);
}

/* The bytes of v as hex digits at p; returns the end. */
static char *put_hex(char *p, const void *v, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    const unsigned char *b = v;
    for (size_t i = 0; i < n; i++) {
        *p++ = digits[b[i] >> 4];
        *p++ = digits[b[i] & 15];
    }
    return p;
}

char *kk_kept_key(const kk_text_style *st, const char *markup, double width)
{
    if (strstr(markup, "<a"))
        return NULL;
    /* the numbers by their bits: formatting them cost more than the lookup */
    const char *family = st->family ? st->family : "";
    size_t nf = strlen(family), nm = strlen(markup);
    const double nums[] = { st->size, st->line_spacing, st->first_line_indent, width };
    const int flags[] = { st->bold, st->italic, st->justify, st->align };
    char *key = g_malloc(nf + 1 + 2 * (sizeof nums + sizeof flags) + 1 + nm + 1);
    memcpy(key, family, nf);
    char *p = key + nf;
    *p++ = '|';
    p = put_hex(p, nums, sizeof nums);
    p = put_hex(p, flags, sizeof flags);
    *p++ = '|';
    memcpy(p, markup, nm + 1);
    return key;
}

const kk_kept_layout *kk_kept_find(kk_kept *k, const char *key)
{
    if (!k || !key)
        return NULL;
    size_t i = GPOINTER_TO_SIZE(g_hash_table_lookup(k->index, key));
    if (!i)
        return NULL;
    k->slot[i - 1].used = ++k->tick;
    return &k->slot[i - 1];
}

/* Frees the least recently used layout; its slot takes the last one. */
static void evict(kk_kept *k)
{
    size_t lru = 0;
    for (size_t i = 1; i < k->n; i++)
        if (k->slot[i].used < k->slot[lru].used)
            lru = i;
    g_hash_table_remove(k->index, k->slot[lru].key);
    k->bytes -= strlen(k->slot[lru].key);
    clear_slot(&k->slot[lru]);
    if (lru != --k->n) {
        k->slot[lru] = k->slot[k->n];
        g_hash_table_insert(k->index, k->slot[lru].key, GSIZE_TO_POINTER(lru + 1));
    }
}

void kk_kept_offer(kk_kept *k, char *key, const kk_cell *c)
{
    size_t len = key ? strlen(key) : 0;
    /* kept already (a second copy would share its index entry), too long
     * to keep, or nothing to keep */
    if (!k || !key || g_hash_table_contains(k->index, key) || len > KK_KEPT_BYTES / 4 || c->nlines <= 0) {
        g_free(key);
        return;
    }
    gpointer h = GSIZE_TO_POINTER((size_t)kk_hash_bytes(key, len));
    if (!g_hash_table_remove(k->seen, h)) {   /* a first sighting */
        if (g_hash_table_size(k->seen) >= KK_SEEN_KEYS)
            g_hash_table_remove_all(k->seen);
        g_hash_table_add(k->seen, h);
        g_free(key);
        return;
    }
    while (k->n && (k->n == KK_KEPT_LAYOUTS || k->bytes + len > KK_KEPT_BYTES))
        evict(k);
    kk_line *lines = malloc((size_t)c->nlines * sizeof *lines);
    if (!lines) {
        g_free(key);   /* out of memory only means not kept */
        return;
    }
    memcpy(lines, c->lines, (size_t)c->nlines * sizeof *lines);
    k->slot[k->n] = (kk_kept_layout){ key, g_object_ref(c->layout), lines, c->nlines, c->height, ++k->tick };
    g_hash_table_insert(k->index, key, GSIZE_TO_POINTER(++k->n));
    k->bytes += len;
}
