/*
 * hyphenate_cache.c — a hyphenator's cache of the words it has done
 * (hyphenate_int.h): open addressing, cleared wholesale when full.
 */
#include "layout/hyphenate_int.h"
#include "util/text.h"

#include <stdlib.h>
#include <string.h>

uint32_t kk_hy_hash(const char *s, size_t n)
{
    return (uint32_t)kk_hash_bytes(s, n);
}

void kk_hy_cache_clear(kk_hyphenator *h)
{
    if (!h->slots)
        return;
    for (size_t i = 0; i < h->cap && h->count; i++)
        if (h->slots[i].key) {
            free(h->slots[i].key);
            free(h->slots[i].val);
            h->slots[i].key = NULL;
            h->slots[i].val = NULL;
            h->count--;
        }
    h->count = 0;
}

/* Returns the slot holding word, or NULL when it is not cached.  The slot
 * stays owned by the cache. */
const kk_hy_slot *kk_hy_cache_find(const kk_hyphenator *h, const char *w,
                                    size_t n, uint32_t hash)
{
    if (!h->slots)
        return NULL;
    for (size_t i = hash & (h->cap - 1);; i = (i + 1) & (h->cap - 1)) {
        const kk_hy_slot *s = &h->slots[i];
        if (!s->key)
            return NULL;
        if (s->hash == hash && s->klen == n && memcmp(s->key, w, n) == 0)
            return s;
    }
}

static void slot_put(kk_hy_slot *slots, size_t cap, kk_hy_slot v)
{
    size_t i = v.hash & (cap - 1);
    while (slots[i].key)
        i = (i + 1) & (cap - 1);
    slots[i] = v;
}

/* Makes room for one more entry: the first table, a doubled one, or (at
 * the full size) an emptied one.  False when out of memory. */
static bool cache_room(kk_hyphenator *h)
{
    if (h->slots && h->count < h->cap / 2)
        return true;
    if (h->slots && h->cap >= KK_HY_CACHE_SLOTS) {
        kk_hy_cache_clear(h);
        return true;
    }
    size_t cap = h->slots ? h->cap * 2 : KK_HY_CACHE_FIRST;
    kk_hy_slot *slots = calloc(cap, sizeof *slots);
    if (!slots)
        return false;
    for (size_t i = 0; h->slots && i < h->cap; i++)
        if (h->slots[i].key)
            slot_put(slots, cap, h->slots[i]);
    free(h->slots);
    h->slots = slots;
    h->cap = cap;
    return true;
}

/* Takes ownership of val.  Failure to cache is harmless (the word is simply
 * computed again next time), so nothing is reported. */
void kk_hy_cache_put(kk_hyphenator *h, const char *w, size_t n,
                      uint32_t hash, char *val)
{
    if (!cache_room(h)) {
        free(val);
        return;
    }
    char *key = malloc(n + 1);
    if (!key) {
        free(val);
        return;
    }
    memcpy(key, w, n);
    key[n] = '\0';
    slot_put(h->slots, h->cap, (kk_hy_slot){ key, val, n, hash });
    h->count++;
}
