#!/bin/sh
# pdf_finish_test.sh — builds and runs tests/unit/pdf_finish_test.c, then
# checks its PDFs with qpdf, poppler's pdfinfo and (when installed) PDFBox
# preflight.  Run from the repository root.  CC=clang works; VALGRIND=1 runs
# the C part under valgrind.  Needs: qpdf poppler-utils icc-profiles-free
# libqpdf-dev libcairo2-dev; optional: libpdfbox2-java default-jre-headless
# libactivation-java libjaxb-api-java.
. "$(dirname "$0")/common.sh"
$CC $SAN -std=c11 -Wall -Wextra -Werror -g -Isrc tests/unit/pdf_finish_test.c \
    src/render/pdf_finish.c src/render/pdf_pdfa.c src/render/pdf_object.c src/render/pdf_file.c src/render/pdf_write.c src/render/pdf_content.c src/render/pdf_docinfo.c src/util/text.c src/util/diag.c src/util/fs.c src/util/hash.c src/util/deflate.c \
    $(pkg-config --cflags --libs libqpdf cairo-pdf cairo fontconfig zlib libdeflate glib-2.0) -o build/pdf_finish_test || exit 1

run=""
# pixman keeps a few init-time blocks "still reachable"; those are not ours.
[ "${VALGRIND:-0}" = 1 ] && run="valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99"
$run ./build/pdf_finish_test "$B/run1" 2>"$B/run1.log" || { cat "$B/run1.log"; fail "C checks (run 1)"; }
# A second run a moment later: Cairo's input differs (its clock), ours must not.
sleep 1
./build/pdf_finish_test "$B/run2" 2>"$B/run2.log" || fail "C checks (run 2)"

for f in plain a1b a2b inplace linkonly reparented pair-a pair-b; do
    pdf="$B/run1/$f.pdf"
    [ -f "$pdf" ] || { fail "$f.pdf missing"; continue; }
    cmp -s "$pdf" "$B/run2/$f.pdf" || fail "$f.pdf differs between runs"
    out=$(qpdf --check "$pdf" 2>&1) || fail "qpdf --check $f.pdf exit $?"
    echo "$out" | grep -qi 'damaged\|warning' && fail "qpdf --check $f.pdf: $out"
    echo "$out" | grep -q '^No syntax or stream encoding errors found' || fail "qpdf --check $f.pdf: $out"
    trailer=$(qpdf --show-object=trailer "$pdf")
    echo "$trailer" | grep -q '/ID \[ <[0-9a-f]*> <[0-9a-f]*> \]' || fail "$f.pdf: no /ID"
    root=$(echo "$trailer" | sed -n 's/.*\/Root \([0-9]*\) 0 R.*/\1/p')
    cat=$(qpdf --show-object="$root" "$pdf")
    for key in '/Lang (fi)' '/DisplayDocTitle true' '/PageLabels' '/Metadata'; do
        echo "$cat" | grep -qF "$key" || fail "$f.pdf: catalog lacks $key"
    done
    info=$(pdfinfo -isodates "$pdf" 2>&1)
    echo "$info" | grep -q '^Title: *Kokouskutsu & <esityslista> — hallitus$' || fail "$f.pdf: Title"
    echo "$info" | grep -q '^CreationDate: *2024-01-01T01:01:01Z$' || fail "$f.pdf: CreationDate"
    echo "$info" | grep -q '^ModDate: *2024-01-01T01:01:01Z$' || fail "$f.pdf: ModDate"
    if [ "$f" != linkonly ]; then
        echo "$info" | grep -q '^Tagged: *yes$' || fail "$f.pdf: not tagged"
    fi
    # XMP must be stored unfiltered (PDF/A) and readable by poppler.
    grep -aq '<xmp:CreateDate>2024-01-01T01:01:01Z</xmp:CreateDate>' "$pdf" || fail "$f.pdf: XMP not plain"
    pdfinfo -meta "$pdf" | grep -q '<dc:language><rdf:Bag><rdf:li>fi</rdf:li>' || fail "$f.pdf: XMP language"
done

for pair in a1b:1 a2b:2 inplace:2; do
    f=${pair%:*} part=${pair#*:}
    pdfinfo -meta "$B/run1/$f.pdf" | grep -q "<pdfaid:part>$part</pdfaid:part>" || fail "$f.pdf: pdfaid:part $part"
    qpdf --show-object=trailer "$B/run1/$f.pdf" >/dev/null
done
pdfinfo -meta "$B/run1/plain.pdf" | grep -q pdfaid && fail "plain.pdf claims PDF/A"
head -c 8 "$B/run1/a1b.pdf" | grep -q '%PDF-1.4' || fail "a1b.pdf is not PDF 1.4"
grep -aq '/ObjStm' "$B/run1/a1b.pdf" && fail "a1b.pdf has object streams"
grep -aq '/S /Transparency' "$B/run1/a1b.pdf" && fail "a1b.pdf has transparency groups"

# The pair: the same document, the second with the footer on each page,
# drawn as an artifact; the first without it.
A=$(pdftotext "$B/run1/pair-a.pdf" -) P=$(pdftotext "$B/run1/pair-b.pdf" -)
[ "$(echo "$P" | grep -c 'Verkkoversio. Henkilötiedot on poistettu.')" -eq 2 ] || fail "pair-b.pdf: footer not on both pages"
echo "$A" | grep -q Verkkoversio && fail "pair-a.pdf has the footer"
[ "$(echo "$P" | grep -v -e Verkkoversio -e '^$')" = "$(echo "$A" | grep -v '^$')" ] || fail "pair-b.pdf differs in more than the footer"
cmp -s "$B/run1/pair-a.pdf" "$B/run1/plain.pdf" || fail "pair-a.pdf differs from plain.pdf"
qpdf --qdf --object-streams=disable "$B/run1/pair-b.pdf" "$B/pair-b.qdf" 2>/dev/null
python3 tests/tools/check_artifacts.py "$B/pair-b.qdf" > "$B/art.txt" 2>&1 || fail "pair-b.pdf: $(cat "$B/art.txt")"

J=/usr/share/java
if [ -f $J/preflight.jar ] && command -v java >/dev/null; then
    cp=$J/preflight.jar:$J/pdfbox2.jar:$J/fontbox2.jar:$J/xmpbox.jar:$J/commons-logging.jar:$J/javax.activation.jar:$J/jaxb-api.jar
    res=$(java -cp "$cp" org.apache.pdfbox.preflight.Validator_A1b "$B/run1/a1b.pdf" 2>&1)
    echo "PDFBox preflight: $res"
    echo "$res" | grep -q 'is a valid PDF/A-1b' || fail "PDFBox preflight rejects a1b.pdf"
else
    echo "PDFBox preflight not installed; skipped"
fi

finish
