#!/bin/sh
# pdf_content_test.sh — builds and runs tests/unit/pdf_content_test.c (exact
# rewrites of small content streams, a 10-page tagged PDF from the layout
# engine and an untagged Cairo PDF, both finished), then checks the PDFs:
# every painting operator of the tagged one is marked (tests/tools/
# check_artifacts.py), Cairo's raw output is not (the checker works), 500
# random well-formed streams come out fully marked and properly nested,
# qpdf --check is clean, pdftotext is unchanged by finishing, two runs give
# byte-identical files, and the untagged PDF gets no /Artifact.
# Run from the repository root.  CC=clang works; VALGRIND=1 runs the C part
# under valgrind; TIMING=1 prints the cost of the rewrite.
# Needs: qpdf poppler-utils python3 libqpdf-dev libpango1.0-dev libvoikko-dev
# libhyphen-dev fonts-dejavu-core.
. "$(dirname "$0")/common.sh"
$CC -std=c11 -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -g -O2 -Isrc \
    tests/unit/pdf_content_test.c src/render/pdf_content.c src/render/pdf_finish.c src/render/pdf_pdfa.c src/render/pdf_object.c src/render/pdf_file.c src/render/pdf_write.c src/util/fs.c src/util/hash.c src/util/deflate.c \
    src/render/pdf_docinfo.c src/util/text.c src/layout/text.c src/layout/glyph_extents.c src/layout/kept.c src/layout/flow.c src/layout/paginate.c src/layout/render.c src/layout/canvas.c src/layout/canvas_pdf.c src/layout/canvas_pdf_file.c src/layout/image.c src/layout/pdf_font.c src/layout/ttf_subset.c src/layout/pdf_out.c src/util/cairo_lazy.c src/util/lazy.c src/util/diag.c \
    $(pkg-config --cflags --libs libqpdf pangoft2 cairo-pdf cairo-ft libpng harfbuzz fontconfig libvoikko zlib libdeflate) \
    -lhyphen -lm -o build/pdf_content_test || exit 1

# The finishing stage's artifact marker is for what Cairo draws (the PDF
# canvas marks artifacts itself), so the tagged test PDF is drawn by Cairo.
export KOKOUS_CAIRO_PDF=1
run=""
[ "${VALGRIND:-0}" = 1 ] && run="valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 --suppressions=tests/valgrind.supp"
$run ./build/pdf_content_test "$B/run1" 2>"$B/run1.log" || { cat "$B/run1.log"; fail "C checks (run 1)"; }
sleep 1
t=""
[ "${TIMING:-0}" = 1 ] && t=-t
./build/pdf_content_test $t "$B/run2" 2>"$B/run2.log" || { cat "$B/run2.log"; fail "C checks (run 2)"; }

for f in tagged untagged; do
    pdf=$B/run1/$f.pdf
    [ -f "$pdf" ] || { fail "$f.pdf missing"; continue; }
    cmp -s "$pdf" "$B/run2/$f.pdf" || fail "$f.pdf differs between runs"
    out=$(qpdf --check "$pdf" 2>&1) || fail "qpdf --check $f.pdf exit $?"
    echo "$out" | grep -qi 'damaged\|warning' && fail "qpdf --check $f.pdf: $out"
    pdftotext -q "$B/run1/$f-raw.pdf" "$B/$f-raw.txt"
    pdftotext -q "$pdf" "$B/$f.txt"
    [ -s "$B/$f.txt" ] || fail "$f.pdf: no text"
    cmp -s "$B/$f-raw.txt" "$B/$f.txt" || fail "$f.pdf: pdftotext output changed by finishing"
    qpdf --qdf --object-streams=disable "$pdf" "$B/$f.qdf" || fail "qpdf --qdf $f.pdf"
    qpdf --qdf --object-streams=disable "$B/run1/$f-raw.pdf" "$B/$f-raw.qdf" || fail "qpdf --qdf $f-raw.pdf"
done

python3 tests/tools/check_artifacts.py "$B/tagged.qdf" || fail "tagged.pdf has unmarked content"
python3 tests/tools/check_artifacts.py "$B/tagged-raw.qdf" --expect-unmarked \
    || fail "the checker does not see Cairo's unmarked content"
python3 tests/tools/random_content.py build/pdf_content_test 500 || fail "random well-formed streams"
grep -aq '/Artifact' "$B/untagged.qdf" && fail "untagged.pdf got /Artifact"
# The finished tagged file keeps its content streams compressed.
n=$(qpdf --json --json-key=pages "$B/run1/tagged.pdf" | python3 -c '
import json, sys
print(sum(len(p["contents"]) for p in json.load(sys.stdin)["pages"]))')
[ "$n" = 10 ] || fail "tagged.pdf: expected one content stream per page, found $n"
python3 - "$B/run1/tagged.pdf" <<'EOF' || fail "tagged.pdf: a page content stream is not /FlateDecode"
import json, subprocess, sys
out = subprocess.run(["qpdf", "--json", "--json-key=pages", "--json-key=qpdf", sys.argv[1]],
                     capture_output=True, check=True).stdout
j = json.loads(out)
objs = j["qpdf"][1]
for p in j["pages"]:
    for c in p["contents"]:
        d = objs["obj:" + c]["stream"]["dict"]
        if d.get("/Filter") != "/FlateDecode":
            sys.exit(1)
EOF

finish
