#!/bin/sh
# pdf_font_test.sh — builds and runs tests/unit/pdf_font_test.c (fonts
# embedded as hb-subset subsets in a minimal one-page PDF), then checks the
# PDF: qpdf --check is clean, pdffonts lists four CID TrueType fonts,
# embedded, subset, with ToUnicode, pdftotext gives back the text drawn,
# and two runs give byte-identical files.
# Run from the repository root.  CC=clang works; VALGRIND=1 runs the C part
# under valgrind; PDF_FONT_C=path builds another pdf_font.c (a mutant, to
# see the checks fail).  Needs: qpdf poppler-utils libpango1.0-dev
# libharfbuzz-dev (harfbuzz-subset) fonts-noto-core fonts-dejavu-core.
set -u
CC=${CC:-cc}
B=build/pdf_font_test.d
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

mkdir -p build && rm -rf "$B" && mkdir -p "$B/run1" "$B/run2" || exit 1
SAN=""
[ "${KOKOUS_SANITIZED:-0}" = 1 ] && SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
$CC $SAN -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter -g -O2 -Isrc \
    tests/unit/pdf_font_test.c "${PDF_FONT_C:-src/layout/pdf_font.c}" src/layout/pdf_out.c src/util/text.c \
    $(pkg-config --cflags --libs pangocairo harfbuzz-subset glib-2.0) -lm -o build/pdf_font_test || { echo "FAIL: pdf_font_test.sh: does not compile"; exit 1; }

run=""
# Only definite leaks count: an indirect block hangs off a definite one, and
# the one indirect block left is under fontconfig's suppressed config leak.
[ "${VALGRIND:-0}" = 1 ] && run="valgrind -q --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 --suppressions=tests/valgrind.supp"
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
    n=$(echo "$fonts" | awk 'NR > 2 && /CID TrueType/ && $(NF-5) == "Identity-H" && $(NF-4) == "yes" && $(NF-3) == "yes" && $(NF-2) == "yes"' | wc -l)
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
else
    fail "fonts.pdf missing"
fi

if [ $fails -eq 0 ]; then echo "ok: pdf_font_test.sh"; else echo "FAIL: pdf_font_test.sh: $fails failure(s)"; fi
[ $fails -eq 0 ]
