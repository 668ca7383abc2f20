#!/bin/sh
# kept_test.sh — builds and runs tests/unit/kept_test.c (the kept-layout
# store's sightings and bounds).  Usage: tests/unit/kept_test.sh [CC]
set -eu
CC=${1:-cc}
B=build/kept-test-$CC
mkdir -p "$B"
$CC -std=c11 -Wall -Wextra -Werror -g -O1 -Isrc tests/unit/kept_test.c src/layout/text.c src/layout/glyph_extents.c src/util/diag.c src/util/text.c \
    -o "$B/kept_test" $(pkg-config --cflags --libs pangoft2)
"$B/kept_test"
