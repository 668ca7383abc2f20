/*
 * text_test.c — kk_buf_addf formats its common conversions itself
 * (util/text.c); every result must equal snprintf's.
 */
#include "util/text.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int checks, failures;

#define SAME(fmt, ...)                                                              \
    do {                                                                            \
        char want_[512];                                                            \
        snprintf(want_, sizeof want_, fmt, __VA_ARGS__);                           \
        kk_buf b_ = { 0 };                                                          \
        kk_buf_add(&b_, "<");                                                       \
        kk_buf_addf(&b_, fmt, __VA_ARGS__);                                         \
        checks++;                                                                   \
        if (b_.oom || strlen(b_.s) != 1 + strlen(want_) || strcmp(b_.s + 1, want_)) { \
            failures++;                                                             \
            printf("FAIL %s: got \"%s\", snprintf \"%s\"\n", #fmt, b_.s + 1, want_); \
        }                                                                           \
        kk_buf_free(&b_);                                                           \
    } while (0)

static unsigned long long next_random(unsigned long long *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void integers(long long v)
{
    int i = (int)v;
    long l = (long)v;
    unsigned u = (unsigned)v;
    unsigned long ul = (unsigned long)v;
    size_t z = (size_t)v;
    SAME("%d", i);
    SAME("%i|%5d|%05d|%02d|%010d", i, i, i, i, i);
    SAME("%ld %lld %li", l, v, l);
    SAME("%020ld|%3lld", l, v);
    SAME("%u %lu %llu %zu", u, ul, (unsigned long long)v, z);
    SAME("%010zu 65535 f \n", z);
    SAME("%05u|%7lu", u, ul);
    SAME("%x %X %04X %02X %lx %llX %zx", u, u, u, u, ul, (unsigned long long)v, z);
    SAME("%ld 0 R /XYZ %d obj", l, i);
    /* not taken by the fast path: must still be snprintf's */
    SAME("%+d %-6d| % d %.3d %#x", i, i, i, i, u);
}

int main(void)
{
    static const long long edges[] = {
        0, 1, -1, 9, 10, -10, 42, -42, 99999, 100000, INT_MAX, INT_MIN, UINT_MAX,
        LONG_MAX, LONG_MIN, LLONG_MAX, LLONG_MIN, (long long)(SIZE_MAX / 2), 1LL << 32,
    };
    for (size_t k = 0; k < sizeof edges / sizeof *edges; k++)
        integers(edges[k]);
    unsigned long long seed = 0x9e3779b97f4a7c15ULL;
    for (int k = 0; k < 2000; k++) {
        unsigned long long r = next_random(&seed);
        integers((long long)(r >> (r & 63)) * ((r & 64) ? -1 : 1));
    }
    SAME("%s", "");
    SAME("<< /Type /StructElem /S /%s /P %ld 0 R", "P", 17L);
    SAME("%s and %s%%, %c%c", "one", "two", 'x', '%');
    SAME("100%% %s", "sure");
    SAME("%.0f %5.2f %-3s| %10s", 2.5, -1.25, "a", "right");
    SAME("%.*s", 3, "abcdef");
    SAME("%s %d %lu then %.2f and %s %zu", "some", -3, 7UL, 0.125, "more", (size_t)9);
    SAME("%p", (void *)0);
    SAME("%s", "a long string that is longer than the small buffer of two hundred and fifty six "
               "bytes that kk_buf_vaddf keeps on its stack for vsnprintf, so that the fast path and "
               "the slow path both meet strings of this length and the copy of the va_list is used");
    SAME("%d%s", 5, "end %d not a conversion");
    printf("%d checks, %d failed\n", checks, failures);
    return failures != 0;
}
