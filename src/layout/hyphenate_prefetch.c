/*
 * hyphenate_prefetch.c — the words of the document being typeset,
 * hyphenated ahead on a second thread by a hyphenator of its own
 * (hyphenate.h: kk_hyphenate_prefetch_start), looked up by the typesetting
 * thread's hyphenator before it asks its own backend.
 */
#define _GNU_SOURCE /* strdup, SCHED_IDLE */
#include "layout/hyphenate_int.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

/* The words of the document being typeset, hyphenated ahead on a second
 * thread by a hyphenator of its own (see kk_hyphenate_prefetch_start).
 * `h` and h's cache are read and written under `lock`; the thread only
 * adds to the cache, so it reads its own cache without the lock. */
typedef struct {
    GMutex lock;
    GThread *thread;
    kk_hyphenator *h;               /* owned; set by the thread, under lock */
    char lang[16];
    char **texts;                   /* owned */
    size_t ntexts;
    gint stop;
} kk_hy_prefetch;

static kk_hy_prefetch *prefetch;    /* set and cleared by the main thread only */

/* The word as the prefetcher already hyphenated it: true when it had it,
 * with *hy a copy of its answer (owned by the caller; NULL = unchanged). */
bool kk_hy_prefetched(const kk_hyphenator *h, const char *word, size_t len, uint32_t hash, char **hy, bool *oom)
{
    /* h->lock first: the prefetch thread itself never reads `prefetch` */
    if (h->lock || !prefetch || strcmp(prefetch->lang, h->lang))
        return false;
    bool found = false;
    if (!g_mutex_trylock(&prefetch->lock))
        return false;
    const kk_hy_slot *s = prefetch->h ? kk_hy_cache_find(prefetch->h, word, len, hash) : NULL;
    if (s) {
        found = true;
        *hy = s->val ? strdup(s->val) : NULL;
        *oom = s->val && !*hy;
    }
    g_mutex_unlock(&prefetch->lock);
    return found;
}

static gpointer prefetch_run(gpointer data)
{
    kk_hy_prefetch *p = data;
    kk_hyphenator *h = kk_hyphenator_new(p->lang);
    if (!h)
        return NULL;
    h->lock = &p->lock;
    h->stop = &p->stop;
    /* From here on only a CPU nothing else wants: the thread that typesets
     * (and Pango's own font threads, and other workers) never wait for it;
     * it never holds what they need (the library is open, and they skip
     * its cache rather than wait for the lock). */
    struct sched_param sp = { 0 };
    pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp);
    g_mutex_lock(&p->lock);
    p->h = h;
    g_mutex_unlock(&p->lock);
    for (size_t i = 0; i < p->ntexts && !g_atomic_int_get(&p->stop); i++)
        free(kk_hyphenate(h, p->texts[i], false));
    return NULL;
}

static void prefetch_free(kk_hy_prefetch *p)
{
    for (size_t i = 0; i < p->ntexts; i++)
        free(p->texts[i]);
    free(p->texts);
    kk_hyphenator_free(p->h);
    g_mutex_clear(&p->lock);
    free(p);
}

bool kk_hyphenate_prefetch_start(const char *lang, const char *const *texts, size_t n)
{
    kk_hyphenate_prefetch_stop();
    if (!lang || !n)
        return false;
    kk_hy_prefetch *p = calloc(1, sizeof *p);
    if (!p)
        return false;
    g_mutex_init(&p->lock);
    g_strlcpy(p->lang, lang, sizeof p->lang);
    p->texts = calloc(n, sizeof *p->texts);
    bool ok = p->texts != NULL;
    for (size_t i = 0; ok && i < n; i++)
        ok = (p->texts[p->ntexts++] = strdup(texts[i] ? texts[i] : "")) != NULL;
    if (ok)
        p->thread = g_thread_try_new("kokous-hyphenate", prefetch_run, p, NULL);
    if (!p->thread) {
        prefetch_free(p);
        return false;
    }
    prefetch = p;
    return true;
}

void kk_hyphenate_prefetch_stop(void)
{
    kk_hy_prefetch *p = prefetch;
    if (!p)
        return;
    prefetch = NULL;
    g_atomic_int_set(&p->stop, 1);
    g_thread_join(p->thread);
    prefetch_free(p);
}
