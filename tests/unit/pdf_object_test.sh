#!/usr/bin/env bash
# pdf_object_test.sh — builds and runs tests/unit/pdf_object_test.c, then
# checks the files it wrote with qpdf (the independent reader).
. "$(dirname "$0")/common.sh"
$CC $SAN -std=c11 -Wall -Wextra -Werror -Wshadow -g -Isrc tests/unit/pdf_object_test.c \
    src/render/pdf_object.c src/render/pdf_file.c src/render/pdf_write.c src/util/text.c src/util/diag.c src/util/hash.c src/util/deflate.c \
    $(pkg-config --cflags --libs zlib libdeflate glib-2.0) -o build/pdf_object_test || exit 1
run=""
[ "${VALGRIND:-0}" = 1 ] && run="valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99"
$run ./build/pdf_object_test "$B" || fail "C checks"
for f in classic objstm; do
    if qpdf --check "$B/$f.pdf" > "$B/$f.txt" 2>&1 && ! grep -qE "^WARNING|damaged|^ERROR" "$B/$f.txt"; then :; else
        fail "qpdf --check $f.pdf: $(tail -3 "$B/$f.txt")"; fi
    # the edits, as qpdf reads them
    qpdf --show-object=1 "$B/$f.pdf" | grep -q "/Lang (fi)" || fail "$f.pdf: catalog /Lang"
    qpdf --show-object=4 --filtered-stream-data "$B/$f.pdf" | grep -q "q 1 0 0 1 0 0 cm Q" || fail "$f.pdf: replaced stream"
done
qpdf --show-xref "$B/objstm.pdf" | grep -q "compressed" || fail "objstm.pdf has no object streams"
# only what the trailer reaches: not the unreferenced 7 and 9, the missing 6
# or the /Length object 5 (lengths are written directly)
for f in classic objstm; do
    kept=$(qpdf --show-xref "$B/$f.pdf" | grep -oE "^[0-9]+/" | tr -d / | sort -n | tr '\n' ' ')
    case "$f:$kept" in
        "classic:1 2 3 4 8 10 "|"objstm:1 2 3 4 8 10 11 12 ") ;;
        *) fail "$f.pdf keeps objects: $kept" ;;
    esac
done
finish
