/*
 * hyphenate_int.h — shared by the hyphenator's files: hyphenate.c (the
 * backends, the scan of a text, the filter), hyphenate_cache.c (the word
 * cache) and hyphenate_prefetch.c (hyphenating a document's words ahead on
 * a second thread).
 */
#ifndef KK_HYPHENATE_INT_H
#define KK_HYPHENATE_INT_H

#include "layout/hyphenate.h"

#include <glib.h>
#include <hyphen.h>
#include <libvoikko/voikko.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The cache is cleared wholesale when full: simple, bounded (well under
 * 1 MB) and it cannot influence output.  It starts small and doubles while
 * half full: a document has a few hundred long words, and a table of the
 * full size cost a fresh process hundreds of page faults to fill and to
 * sweep when freed. */
#define KK_HY_CACHE_SLOTS 32768u
#define KK_HY_CACHE_FIRST 1024u

typedef enum { KK_HY_NONE, KK_HY_VOIKKO, KK_HY_PATTERNS } kk_hy_backend;

typedef struct {
    char *key;              /* owned; NULL marks an empty slot */
    char *val;              /* owned; NULL means "word stays as it is" */
    size_t klen;
    uint32_t hash;
} kk_hy_slot;

struct kk_hyphenator {
    kk_hy_backend backend;
    struct VoikkoHandle *voikko;    /* owned, KK_HY_VOIKKO only */
    HyphenDict *dict;               /* owned, KK_HY_PATTERNS only */
    bool latin1;                    /* dict wants ISO-8859-1 input */
    int lmin, rmin;                 /* letters kept before / after a break */
    unsigned min_word;
    kk_hy_slot *slots;              /* owned, allocated on first use */
    size_t cap;                     /* slots, a power of two */
    size_t count;
    char lang[16];                  /* as given to kk_hyphenator_new */
    GMutex *lock;                   /* a prefetcher's: held while its cache changes */
    const gint *stop;               /* a prefetcher's: set when it is to stop */
};

/* The cache (hyphenate_cache.c). */
uint32_t kk_hy_hash(const char *s, size_t n);
void kk_hy_cache_clear(kk_hyphenator *h);
/* The slot holding word[0..n), or NULL; it stays the cache's. */
const kk_hy_slot *kk_hy_cache_find(const kk_hyphenator *h, const char *w, size_t n, uint32_t hash);
/* Takes ownership of val (NULL: the word stays as it is). */
void kk_hy_cache_put(kk_hyphenator *h, const char *w, size_t n, uint32_t hash, char *val);

/* The word as the prefetch thread already hyphenated it
 * (hyphenate_prefetch.c): true when it had it, with *hy a copy of its
 * answer (the caller's; NULL = unchanged). */
bool kk_hy_prefetched(const kk_hyphenator *h, const char *word, size_t len, uint32_t hash, char **hy, bool *oom);

#endif
