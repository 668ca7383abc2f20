#!/bin/sh
# layout_test.sh — builds and runs tests/unit/layout_test.c, then checks its
# PDFs with poppler: repeated table header on every page, Tagged: yes, page
# count, embedded fonts, byte-identical re-render.
# Usage: tests/unit/layout_test.sh [CC]   (from the repository root)
set -eu
CC=${1:-cc}
B=build/layout-test-$CC
OUT=$B/out
mkdir -p "$OUT"
$CC -std=c11 -Wall -Wextra -Werror -g -O2 -Isrc src/layout/text.c src/layout/kept.c src/layout/flow.c src/layout/paginate.c src/layout/render.c src/layout/shape_cache.c src/layout/colour_glyphs.c src/layout/glyph_extents.c src/layout/canvas.c src/layout/canvas_pdf.c src/layout/canvas_pdf_file.c src/layout/image.c src/layout/pdf_font.c src/layout/ttf_subset.c src/layout/pdf_out.c src/util/cairo_lazy.c src/util/lazy.c src/util/diag.c src/util/fs.c src/util/text.c \
    tests/unit/layout_test.c -o "$B/layout_test" $(pkg-config --cflags cairo-pdf cairo-ft) $(pkg-config --cflags --libs pangoft2 harfbuzz fontconfig libpng) -lm
"$B/layout_test" "$OUT"
fail=0
pdf=$OUT/showcase-1.pdf
pages=$(cat "$OUT/showcase.pages")
# (f) tagged, page count
pdfinfo "$pdf" | grep -q '^Tagged: *yes' || { echo "FAIL: not tagged"; fail=1; }
n=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
[ "$n" = "$pages" ] || { echo "FAIL: pdfinfo pages $n, engine said $pages"; fail=1; }
# (f) every font embedded (pdffonts: column "emb" is the 5th from the end)
if pdffonts "$pdf" | awk 'NR > 2 && $(NF-4) != "yes" {bad=1} END {exit !bad}'; then
    echo "FAIL: a font is not embedded"; pdffonts "$pdf"; fail=1
fi
# (a) the 60-row table crosses pages: its header on each page it touches
for p in $(awk '$6 == "TR" {print $2}' "$OUT/showcase.breaks" | sort -u); do
    pdftotext -layout -f "$p" -l "$p" "$pdf" - | grep -q 'Nimi  *Tehtävä  *Läsnä' \
        || { echo "FAIL: table header missing on page $p"; fail=1; }
done
tp=$(awk '$6 == "TR" {print $2}' "$OUT/showcase.breaks" | sort -u | wc -l)
[ "$tp" -ge 2 ] || { echo "FAIL: table does not cross a page"; fail=1; }
# running header "n (N)" on each page
for p in $(seq 1 "$pages"); do
    pdftotext -f "$p" -l "$p" "$pdf" - | grep -q "$p ($pages)" \
        || { echo "FAIL: page header missing on page $p"; fail=1; }
done
# (g) deterministic
cmp "$OUT/showcase-1.pdf" "$OUT/showcase-2.pdf" || { echo "FAIL: renders differ"; fail=1; }
# columns: headings read in order in the content stream (pdftotext -raw)
pdftotext -raw "$OUT/columns.pdf" - | grep -o 'Palsta-otsikko [0-9]*' | awk '{print $2}' > "$OUT/columns.order"
seq -w 1 30 | cmp -s - "$OUT/columns.order" || { echo "FAIL: column reading order"; cat "$OUT/columns.order"; fail=1; }
pdfinfo "$OUT/columns.pdf" | grep -q '^Tagged: *yes' || { echo "FAIL: columns not tagged"; fail=1; }
[ $fail = 0 ] && echo "layout_test.sh: PASS ($pages pages, table on $tp pages)"
exit $fail
