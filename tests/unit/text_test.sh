#!/bin/sh
# text_test.sh — builds and runs tests/unit/text_test.c (kk_buf_addf's own
# formatting against snprintf), under the sanitizers when make asan runs.
. "$(dirname "$0")/common.sh"
# shellcheck disable=SC2086
$CC -std=c11 -Wall -Wextra -Werror -g -O1 $SAN -Isrc tests/unit/text_test.c src/util/text.c \
    -o "$B/text_test" || fail "text_test does not build"
[ -x "$B/text_test" ] && { "$B/text_test" || fail "text_test: kk_buf_addf differs from snprintf"; }
finish
