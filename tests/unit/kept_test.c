/*
 * kept_test.c — the kept-layout store (src/layout/kept.c) from inside:
 * a text is kept from its second sighting, texts with links never, and the
 * store stays within its bounds (layouts, markup bytes, sightings) however
 * many texts come, the least recently used leaving first.
 *
 * It includes kept.c to see the counts the bounds are about.
 */
#define _POSIX_C_SOURCE 200809L
#include "layout/kept.c"

#include <stdio.h>

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; \
    fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
    fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

static kk_cell cell;

/* Offers the text (a fresh key each time, as kk_cell_init makes one). */
static void offer(kk_kept *k, const kk_text_style *st, const char *markup)
{
    kk_kept_offer(k, kk_kept_key(st, markup, 100), &cell);
}

static bool kept(kk_kept *k, const kk_text_style *st, const char *markup)
{
    char *key = kk_kept_key(st, markup, 100);
    bool found = kk_kept_find(k, key) != NULL;
    g_free(key);
    return found;
}

int main(void)
{
    kk_typesetter *ts = kk_typesetter_new("fi");
    kk_text_style st = { .family = "DejaVu Sans", .size = 10 };
    kk_line line = { 0, 12, 10, 0, 20 };
    cell.layout = kk_typesetter_layout(ts, &st, "x", 100);
    cell.lines = &line;
    cell.nlines = 1;
    cell.height = 12;
    kk_kept *k = kk_kept_new();
    CHECK(k && cell.layout, "no store or layout");

    offer(k, &st, "Päätösehdotus");
    CHECK(!kept(k, &st, "Päätösehdotus"), "kept on its first sighting");
    offer(k, &st, "Päätösehdotus");
    CHECK(kept(k, &st, "Päätösehdotus"), "not kept on its second sighting");
    CHECK(kk_kept_key(&st, "<a href=\"https://x.fi\">x</a>", 100) == NULL, "a text with a link has a key");
    offer(k, &st, "Päätösehdotus");
    offer(k, &st, "Päätösehdotus");
    CHECK(k->n == 1 && g_hash_table_size(k->index) == 1, "a kept text offered again is kept twice (%zu)", k->n);

    /* many short texts: at most KK_KEPT_LAYOUTS, the newest still there */
    char text[64];
    for (int i = 0; i < 3 * KK_KEPT_LAYOUTS; i++) {
        snprintf(text, sizeof text, "jäsen %d", i);
        offer(k, &st, text);
        offer(k, &st, text);
        if (i == 10)   /* an early text used again stays */
            offer(k, &st, "Päätösehdotus");
        if (i % 64 == 0)
            CHECK(kept(k, &st, "Päätösehdotus"), "the text in use was evicted at %d", i);
    }
    CHECK(k->n <= KK_KEPT_LAYOUTS, "%zu layouts kept", k->n);
    CHECK(kept(k, &st, text), "the newest text is not kept");
    CHECK(!kept(k, &st, "jäsen 0"), "the oldest text is still kept");
    CHECK(g_hash_table_size(k->index) == k->n, "index %u, slots %zu", g_hash_table_size(k->index), k->n);

    /* long texts: at most KK_KEPT_BYTES of markup; too long ones never */
    char *big = g_malloc(KK_KEPT_BYTES / 8 + 1);
    for (int i = 0; i < 40; i++) {
        memset(big, 'a' + i % 26, KK_KEPT_BYTES / 8);
        snprintf(big, 16, "%d ", i);
        big[strlen(big)] = ' ';
        big[KK_KEPT_BYTES / 8] = '\0';
        offer(k, &st, big);
        offer(k, &st, big);
        CHECK(k->bytes <= KK_KEPT_BYTES, "%zu bytes of markup kept", k->bytes);
    }
    CHECK(kept(k, &st, big), "the newest long text is not kept");
    char *huge = g_malloc(KK_KEPT_BYTES / 2 + 1);
    memset(huge, 'h', KK_KEPT_BYTES / 2);
    huge[KK_KEPT_BYTES / 2] = '\0';
    offer(k, &st, huge);
    offer(k, &st, huge);
    CHECK(!kept(k, &st, huge), "a text over a quarter of the budget is kept");

    /* first sightings alone: the set of them stays bounded */
    for (int i = 0; i < 2 * KK_SEEN_KEYS; i++) {
        snprintf(text, sizeof text, "kerran %d", i);
        offer(k, &st, text);
        CHECK(g_hash_table_size(k->seen) <= KK_SEEN_KEYS, "%u sightings remembered", g_hash_table_size(k->seen));
    }

    g_free(big);
    g_free(huge);
    kk_kept_free(k);
    g_object_unref(cell.layout);
    kk_typesetter_free(ts);
    printf("%s (%d failures)\n", failures ? "FAIL" : "PASS", failures);
    return failures != 0;
}
