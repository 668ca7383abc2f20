#!/bin/sh
# Builds and runs tests/unit/locale_test.c with gcc and clang, under valgrind
# when it is installed, and checks the fixtures with xmllint as well.
# Run from anywhere; prints "N passed, N failed" per run.
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
out=${TMPDIR:-/tmp}/kokous-locale-test.$$
mkdir -p "$out"
trap 'rm -rf "$out"' EXIT
cd "$here"
flags="-std=c11 -Wall -Wextra -Werror -g -Isrc"
srcs="tests/unit/locale_test.c src/model/locale.c src/model/style.c src/util/text.c src/util/xml.c"
libs=$(pkg-config --cflags --libs libxml-2.0)
for cc in gcc clang; do
    command -v $cc >/dev/null || continue
    # shellcheck disable=SC2086
    $cc $flags $srcs -o "$out/locale_test_$cc" $libs
    "$out/locale_test_$cc" "$here"
done
if command -v valgrind >/dev/null; then
    valgrind -q --leak-check=full --errors-for-leak-kinds=all --error-exitcode=9 \
        "$out/locale_test_gcc" "$here"
fi
for l in fi sv en; do
    xmllint --noout --schema schema/locale.xsd tests/unit/fixtures/locale-$l.xml
done
for s in default uusimaa popsote lappi; do
    xmllint --noout --schema schema/style.xsd tests/unit/fixtures/style-$s.xml
done
