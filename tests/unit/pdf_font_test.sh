#!/bin/sh
# pdf_font_test.sh — builds and runs tests/unit/ttf_subset_test.c (the
# subsetter against the source fonts, with FreeType, and a fuzz) and
# tests/unit/pdf_font_test.c (fonts embedded in a minimal one-page PDF),
# then checks the PDF: qpdf --check is clean, pdffonts lists four CID
# TrueType fonts, embedded, subset, with ToUnicode, pdftotext gives back
# the text drawn, two runs give byte-identical files, and the page renders
# (72 dpi) as the same glyphs drawn by Cairo with the whole fonts do.
# Run from the repository root.  CC=clang works; VALGRIND=1 runs the C parts
# under valgrind, KOKOUS_SANITIZED=1 builds them with ASan/UBSan;
# PDF_FONT_C=path / TTF_SUBSET_C=path build another pdf_font.c /
# ttf_subset.c (a mutant, to see the checks fail).  Needs: qpdf
# poppler-utils libpango1.0-dev libharfbuzz-dev libfreetype-dev
# fonts-noto-core fonts-dejavu-core.
. "$(dirname "$0")/common.sh"
SUBSET_C=${TTF_SUBSET_C:-src/layout/ttf_subset.c}
WARN="-std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter -g -O2 -Isrc"
$CC $SAN $WARN tests/unit/pdf_font_test.c "${PDF_FONT_C:-src/layout/pdf_font.c}" "$SUBSET_C" src/layout/pdf_out.c src/util/text.c \
    $(pkg-config --cflags --libs pangocairo harfbuzz glib-2.0) -lm -o build/pdf_font_test || { echo "FAIL: pdf_font_test.sh: does not compile"; exit 1; }
$CC $SAN $WARN tests/unit/ttf_subset_test.c "$SUBSET_C" \
    $(pkg-config --cflags --libs harfbuzz freetype2 fontconfig) -o build/ttf_subset_test || { echo "FAIL: pdf_font_test.sh: ttf_subset_test does not compile"; exit 1; }

run=""
# Only definite leaks count: an indirect block hangs off a definite one, and
# the one indirect block left is under fontconfig's suppressed config leak.
[ "${VALGRIND:-0}" = 1 ] && run="valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 --suppressions=tests/valgrind.supp"
$run ./build/ttf_subset_test >"$B/subset.log" 2>&1 || fail "ttf_subset_test"
cat "$B/subset.log"
$run ./build/pdf_font_test "$B/run1" 2>"$B/run1.log" || { cat "$B/run1.log"; fail "C checks (run 1)"; }
./build/pdf_font_test "$B/run2" 2>"$B/run2.log" || { cat "$B/run2.log"; fail "C checks (run 2)"; }

pdf=$B/run1/fonts.pdf
if [ -f "$pdf" ]; then
    cmp -s "$pdf" "$B/run2/fonts.pdf" || fail "fonts.pdf differs between runs"
    out=$(qpdf --check "$pdf" 2>&1) || fail "qpdf --check exit $?: $out"
    echo "$out" | grep -qi 'damaged\|warning' && fail "qpdf --check: $out"
    echo "$out" | grep -q '^No syntax or stream encoding errors found' || fail "qpdf --check: $out"
    # pdffonts: name type... encoding emb sub uni object ID; count from the end.
    fonts=$(pdffonts "$pdf" 2>&1)
    n=$(echo "$fonts" | awk 'NR > 2 && /CID TrueType/ && $(NF-5) == "Custom" && $(NF-4) == "yes" && $(NF-3) == "yes" && $(NF-2) == "yes"' | wc -l)
    [ "$n" = 4 ] || fail "pdffonts: want 4 embedded subset CID TrueType fonts with ToUnicode: $fonts"
    for name in NotoSans-Regular NotoSans-Bold DejaVuSans NotoSans-Italic; do
        echo "$fonts" | grep -q "^[A-Z]\{6\}+$name " || fail "pdffonts: no subset $name: $fonts"
    done
    # pdffonts also parses the font programs; it says so when it cannot.
    echo "$fonts" | grep -qi 'error' && fail "pdffonts: $fonts"
    text=$(pdftotext "$pdf" - 2>&1)
    [ "$(echo "$text" | grep -c '^Päätös § 12 – hyväksyttiin$')" = 3 ] || fail "pdftotext: text not back 3 times: $text"
    echo "$text" | grep -q 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' || fail "pdftotext: Latin-1 line: $text"
    echo "$text" | grep -q 'ÀÁÂÃÄÅÆÇ' || fail "pdftotext: Latin-1 line (second CMap block): $text"
    # poppler renders every glyph without complaint
    pdftoppm -r 50 -png "$pdf" "$B/page" 2>"$B/ppm.log" || fail "pdftoppm exit $?"
    [ -s "$B/ppm.log" ] && fail "pdftoppm: $(cat "$B/ppm.log")"
    # The subsets draw what the whole fonts draw: a wrong glyph, outline or
    # hint differs by whole pixels (255); antialiasing of the two files'
    # text positioning by a few tens at most.
    pdftoppm -r 72 -gray "$pdf" "$B/ours" && pdftoppm -r 72 -gray "$B/run1/cairo.pdf" "$B/cairo" || fail "pdftoppm -gray"
    if [ -f "$B/ours-1.pgm" ] && [ -f "$B/cairo-1.pgm" ]; then
        # P5: a header of three lines, then a byte a pixel
        for f in ours cairo; do
            od -An -v -tu1 -w1 -j "$(head -n 3 "$B/$f-1.pgm" | wc -c)" "$B/$f-1.pgm" >"$B/$f.px"
        done
        diff=$(paste "$B/ours.px" "$B/cairo.px" |
            awk '{ d = $1 - $2; if (d < 0) d = -d; if (d > m) m = d; if (d > 64) n++ } END { print m + 0, n + 0 }')
        cmp -s "$B/ours-1.pgm" "$B/cairo-1.pgm" || [ "$(wc -l <"$B/ours.px")" = "$(wc -l <"$B/cairo.px")" ] || fail "pdftoppm: page sizes differ"
        set -- $diff
        { [ "$1" -le 100 ] && [ "$2" -le 5 ]; } || fail "rendering differs from Cairo's with the whole fonts: max $1, $2 pixels > 64"
    fi
else
    fail "fonts.pdf missing"
fi

finish
