/* check.h — the one assertion of the C unit tests that take no message:
 * a failed CHECK prints where and what, counts, and the test goes on. */
#ifndef KK_TEST_CHECK_H
#define KK_TEST_CHECK_H

#include <stdio.h>

static int failures;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (!(cond)) {                                                       \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                  \
            failures++;                                                      \
        }                                                                    \
    } while (0)

#endif
