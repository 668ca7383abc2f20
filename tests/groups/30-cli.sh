# The command line: help, version, exit codes, batches, JSON, robustness.
expect_rc() { # NAME WANT_RC CMD...
    local name=$1 want=$2
    shift 2
    "$@" > "$TMP/out" 2> "$TMP/err"
    local rc=$?
    if [ "$rc" -eq "$want" ]; then pass "$name"; else fail "$name: exit $rc, want $want" "$(cat "$TMP/err")"; fi
}
expect_grep() { # NAME FILE PATTERN
    if grep -q -- "$3" "$2"; then pass "$1"; else fail "$1: no '$3' in output" "$(cat "$2")"; fi
}

expect_rc "cli: --version" 0 kk --version
expect_grep "cli: --version text" "$TMP/out" "^kokous [0-9]"
expect_rc "cli: --help" 0 kk --help
expect_grep "cli: --help lists check" "$TMP/out" "check"
for cmd in check xml schema build digest archive sign verify; do
    expect_rc "cli: $cmd --help" 0 kk $cmd --help
    expect_grep "cli: $cmd --help usage" "$TMP/out" "kokous $cmd"
done
expect_rc "cli: no arguments is a usage error" 2 kk
expect_rc "cli: unknown command" 2 kk frobnicate
expect_rc "cli: unknown option" 2 kk check --frobnicate input
expect_rc "cli: check without paths" 2 kk check
expect_rc "cli: missing path is an I/O error" 3 kk check "$TMP/does-not-exist"
expect_grep "cli: missing path named" "$TMP/err" "does-not-exist: error: no such file or folder"

expect_rc "cli: check input/" 0 kk check input
n=$(find input -name '*.yaml' | wc -l)
expect_grep "cli: check input/ summary" "$TMP/out" "^checked $n documents: all valid$"
expect_rc "cli: check --quiet input/" 0 kk check --quiet input
if [ ! -s "$TMP/out" ] && [ ! -s "$TMP/err" ]; then pass "cli: --quiet is quiet"; else fail "cli: --quiet printed" "$(cat "$TMP/out" "$TMP/err")"; fi

# A batch with broken documents: every error reported, the good ones checked.
mkdir -p "$TMP/batch/sub"
cp tests/cli/valid-memo.yaml "$TMP/batch/a.yaml"
sed 's/^kind: memo$/kind: memo\nid: kjk-toinen/' tests/cli/valid-memo.yaml > "$TMP/batch/sub/b.yml"
cp tests/invalid/date-format.yaml "$TMP/batch/c.yaml"
cp tests/invalid/unknown-key-typo.yaml "$TMP/batch/sub/d.yaml"
echo "not yaml" > "$TMP/batch/notes.txt"
expect_rc "cli: batch with broken documents exits 1" 1 kk check "$TMP/batch"
expect_grep "cli: batch summary" "$TMP/out" "^checked 4 documents: 2 valid, 2 invalid (2 errors)$"
expect_grep "cli: batch reports c.yaml" "$TMP/err" "batch/c.yaml:[0-9]*:[0-9]*: error:"
expect_grep "cli: batch reports sub/d.yaml" "$TMP/err" "batch/sub/d.yaml:[0-9]*:[0-9]*: error:"

expect_rc "cli: --format json" 1 kk check --format json "$TMP/batch"
if python3 - "$TMP/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["documents"] == 4 and d["valid"] == 2 and d["invalid"] == 2, d
diags = d["diagnostics"]
assert len(diags) == 2 and all(x["severity"] == "error" and x["line"] > 0 and x["column"] > 0 for x in diags), diags
assert diags[0]["file"].endswith("c.yaml")
PY
then pass "cli: json is valid and complete"; else fail "cli: json output" "$(cat "$TMP/out")"; fi

# The schema ships inside the binary: works from any folder.
expect_rc "cli: schema prints the XSD" 0 kk schema
if cmp -s "$TMP/out" schema/kokous.xsd; then pass "cli: schema is schema/kokous.xsd"; else fail "cli: schema output differs"; fi
first=$(find input -name '*.yaml' | sort | head -1)
( cd "$TMP" && kk xml "$ROOT/$first" > "$TMP/elsewhere.xml" 2>&1 )
if kk xml "$first" | cmp -s - "$TMP/elsewhere.xml"; then pass "cli: xml works from another folder"; else fail "cli: xml from another folder" "$(head -5 "$TMP/elsewhere.xml")"; fi

# Canonical form: key order and flow/block style do not change the XML.
kk xml tests/cli/valid-memo.yaml > "$TMP/c1.xml"
kk xml tests/cli/valid-memo-reordered.yaml > "$TMP/c2.xml"
if cmp -s "$TMP/c1.xml" "$TMP/c2.xml"; then pass "cli: canonical XML ignores key order"; else fail "cli: canonical XML depends on key order" "$(diff "$TMP/c1.xml" "$TMP/c2.xml")"; fi
# YAML 1.1 values reach the XML as written.
if grep -q '<start>12:00</start>' "$TMP/c1.xml" && grep -q '<present>false</present>' "$TMP/c1.xml"; then
    pass "cli: unquoted 12:00 stays 12:00"; else fail "cli: 12:00 changed" "$(grep -E 'start|present' "$TMP/c1.xml")"; fi

# BOM and CRLF are accepted as YAML allows.
printf '\xef\xbb\xbf' > "$TMP/bom.yaml"; cat tests/cli/valid-memo.yaml >> "$TMP/bom.yaml"
expect_rc "cli: a UTF-8 BOM is accepted" 0 kk check "$TMP/bom.yaml"
sed 's/$/\r/' tests/cli/valid-memo.yaml > "$TMP/crlf.yaml"
expect_rc "cli: CRLF line ends are accepted" 0 kk check "$TMP/crlf.yaml"
kk xml "$TMP/crlf.yaml" > "$TMP/crlf.xml"
if cmp -s "$TMP/c1.xml" "$TMP/crlf.xml"; then pass "cli: CRLF gives the same XML"; else fail "cli: CRLF changes the XML" "$(diff "$TMP/c1.xml" "$TMP/crlf.xml" | head)"; fi

# Hostile input is refused quickly (bounded, not timed: timeout is a hang guard).
head -c 100000000 /dev/zero | tr '\0' 'a' > "$TMP/huge.yaml"
expect_rc "cli: a 100 MB file is refused" 1 timeout 10 "$KOKOUS" check "$TMP/huge.yaml"
expect_grep "cli: 100 MB message" "$TMP/err" "huge.yaml:1:1: error: the file is 100000000 bytes; a document may be at most 4 MiB: split it"
rm -f "$TMP/huge.yaml"
expect_rc "cli: billion laughs is refused" 1 timeout 10 "$KOKOUS" check tests/cli/billion-laughs.yaml
expect_grep "cli: billion laughs message" "$TMP/err" "a \"billion laughs\" file"
python3 -c 'print("kind: memo\nx: " + "[" * 5000 + "]" * 5000)' > "$TMP/deep.yaml"
expect_rc "cli: deep nesting is refused" 1 timeout 10 "$KOKOUS" check "$TMP/deep.yaml"
expect_grep "cli: deep nesting message" "$TMP/err" "nested more than 32 levels"

# Two documents of a batch with the same (derived) id would overwrite each other.
mkdir -p "$TMP/dup"
cp tests/cli/valid-memo.yaml "$TMP/dup/a.yaml"
cp tests/cli/valid-memo-reordered.yaml "$TMP/dup/b.yaml"
expect_rc "cli: duplicate ids in a batch" 1 kk check "$TMP/dup"
expect_grep "cli: duplicate id message" "$TMP/err" "dup/b.yaml:1:1: error: the id \"uudenmaan-liitto-kuntajohtajakokous-2017-06-21\" is also the id of $TMP/dup/a.yaml; every document needs its own: write a different \`id:\`"

# A document naming a style that does not exist: reported at its style key.
sed 's/^language: fi$/language: fi\nstyle: nosuchstyle/' tests/cli/valid-memo.yaml > "$TMP/nostyle.yaml"
expect_rc "cli: unknown style" 1 kk check "$TMP/nostyle.yaml"
expect_grep "cli: unknown style message" "$TMP/err" "nostyle.yaml:3:8: error: no style named \"nosuchstyle\""
# A broken style file gets file:line:col errors like a document.
mkdir -p "$TMP/st/styles"
printf 'extends: default\ncolors:\n  accent: blue\n' > "$TMP/st/styles/broken.yaml"
sed 's/^language: fi$/language: fi\nstyle: broken/' tests/cli/valid-memo.yaml > "$TMP/st/doc.yaml"
expect_rc "cli: broken style" 1 kk check --styles "$TMP/st/styles" "$TMP/st/doc.yaml"
expect_grep "cli: broken style position" "$TMP/err" "styles/broken.yaml:3:11: error: \`accent\`: \"blue\" is not a valid value."
# A style that sets the body at the margin (text_indent 0): the "Aika",
# "Paikka" fields still get a label column (this was an internal error).
printf 'extends: default\npage:\n  text_indent: 0mm\n' > "$TMP/st/styles/flush.yaml"
sed 's/^style: lappi$/style: flush/' input/lappi/valiaikainen-valmistelutoimielin-2017-11-21.yaml > "$TMP/st/flush.yaml"
expect_rc "cli: style with text_indent 0" 0 kk build -q --no-public --styles "$TMP/st/styles" "$TMP/st/flush.yaml" -o "$TMP/st/out"
pdftotext -l 1 "$(ls "$TMP"/st/out/*.pdf | head -1)" - 2>/dev/null | grep -q "^Aika" \
    && pass "cli: text_indent 0 keeps the field labels" || fail "cli: text_indent 0: no Aika label on page 1"
# A page that leaves no room for text is the style's error, at the key that
# decides it in the nearest style file (exit 1, not an internal error); font
# sizes and line heights have ranges.
style_case() { # NAME STYLE-BODY EXPECTED-MESSAGE
    printf 'extends: default\n%b\n' "$2" > "$TMP/st/styles/$1.yaml"
    sed "s/^style: lappi\$/style: $1/" input/lappi/valiaikainen-valmistelutoimielin-2017-11-21.yaml > "$TMP/st/$1.yaml"
    expect_rc "cli: style $1" 1 kk check --styles "$TMP/st/styles" "$TMP/st/$1.yaml"
    expect_grep "cli: style $1 message" "$TMP/err" "$3"
}
style_case indent 'page:\n  text_indent: 170mm' \
    "styles/indent.yaml:3:16: error: text_indent 170 mm leaves a body text column 5 mm wide in a text area 175 mm wide; make text_indent at most 145 mm, or the margins smaller"
style_case leftmargin 'page:\n  margin_left: 150mm' \
    "styles/leftmargin.yaml:3:16: error: text_indent 46 mm leaves a body text column -1 mm wide"
style_case narrow 'page:\n  width: 50mm' \
    "styles/narrow.yaml:3:10: error: the margins leave a text area 15 mm wide on a page 50 mm wide; make margin_left or margin_right smaller"
style_case low 'page:\n  margin_top: 290mm' \
    "styles/low.yaml:3:15: error: the margins leave a text area -13 mm high"
style_case header 'page:\n  header_top: 40mm' \
    "styles/header.yaml:3:15: error: header_top 40 mm puts the running header where the text starts (margin_top 35 mm)"
style_case tiny 'fonts:\n  body: {family: Noto Sans, size: 0.1pt}' \
    "styles/tiny.yaml:3:35: error: \`size\`: \"0.1pt\" is not a valid value. Write a font size in points from 4pt to 99pt"
style_case flat 'spacing:\n  line_height: 0' \
    "styles/flat.yaml:3:16: error: \`line_height\`: \"0\" is not a valid value. Write the line height as a multiple of the font's own line height"
style_case labels 'layout:\n  section_labels: inline' \
    "styles/labels.yaml:3:19: error: \`section_labels\`: \"inline\" is not a valid value. Write own_line (the label, e.g. Päätösehdotus, on a line of its own above the text) or run_in"
# The style's layout: labels run into the text, participants as a list, no
# list of items; the default keeps the label lines, the tables and the list.
printf 'extends: lappi\nlayout:\n  section_labels: run_in\n  participants: list\n  item_list: false\n' > "$TMP/st/styles/compact.yaml"
for s in compact lappi; do
    sed "s/^style: lappi\$/style: $s/" input/lappi/valiaikainen-valmistelutoimielin-2017-11-21.yaml > "$TMP/st/layout-$s.yaml"
    expect_rc "cli: layout $s builds" 0 kk build -q --no-public --styles "$TMP/st/styles" "$TMP/st/layout-$s.yaml" -o "$TMP/st/layout-$s"
    pdftotext "$TMP/st/layout-$s/"*.pdf "$TMP/st/layout-$s.txt"
done
expect_grep "cli: layout run_in label" "$TMP/st/layout-compact.txt" "^Päätösehdotus: Todetaan kokous laillisesti"
expect_grep "cli: layout own_line label" "$TMP/st/layout-lappi.txt" "^Päätösehdotus\$"
for s in Asialuettelo "^Nimi\$"; do
    if grep -q "$s" "$TMP/st/layout-lappi.txt" && ! grep -q "$s" "$TMP/st/layout-compact.txt"; then
        pass "cli: layout $s only in the default"; else fail "cli: layout $s"; fi
done
# A font family that is not installed: built in fontconfig's replacement,
# with a warning at the document's style key (exit 0).
printf 'extends: default\nfonts:\n  body: {family: NoSuchFontXYZ, size: 11pt}\n' > "$TMP/st/styles/nofont.yaml"
sed 's/^style: lappi$/style: nofont/' input/lappi/valiaikainen-valmistelutoimielin-2017-11-21.yaml > "$TMP/st/nofont.yaml"
expect_rc "cli: style font not installed builds" 0 kk build -q --no-public --styles "$TMP/st/styles" "$TMP/st/nofont.yaml" -o "$TMP/st/nofont-out"
expect_grep "cli: style font not installed warning" "$TMP/err" "nofont.yaml:10:8: warning: the style's font family \"NoSuchFontXYZ\" is not installed; the document is set in \""

# A font with CFF outlines (Inconsolata.otf): the PDF canvas embeds TrueType
# outlines only, so the document falls back to Cairo, which embeds CFF; the
# file is whole, its fonts embedded, its text there.
printf 'extends: lappi\nfonts:\n  body: {family: Inconsolata, size: 10pt}\n' > "$TMP/st/styles/cff.yaml"
sed 's/^style: lappi$/style: cff/' input/lappi/valiaikainen-valmistelutoimielin-2017-11-21.yaml > "$TMP/st/cff.yaml"
expect_rc "cli: CFF font builds" 0 kk build -q --no-public --styles "$TMP/st/styles" "$TMP/st/cff.yaml" -o "$TMP/st/cff-out"
cffpdf=$(ls "$TMP"/st/cff-out/*.pdf 2>/dev/null | head -1)
if [ -n "$cffpdf" ] && pdffonts "$cffpdf" | grep -q "Inconsolata.*Type 1C.*yes *yes" \
    && qpdf --check "$cffpdf" > /dev/null 2>&1 && pdftotext "$cffpdf" - | grep -q "Kokous todettiin laillisesti"; then
    pass "cli: CFF font embedded through the Cairo fallback"
else
    fail "cli: CFF font" "$( [ -n "$cffpdf" ] && pdffonts "$cffpdf")"
fi
# ... with the style's logo on every page as one image in the file
if [ -n "$cffpdf" ] && [ "$(pdfimages -list "$cffpdf" | awk 'NR > 2 && $3 == "image" {print $11}' | sort -u | wc -l)" = 1 ] \
    && [ "$(pdfimages -list "$cffpdf" | awk 'NR > 2 && $3 == "image"' | wc -l)" = "$(pdfinfo "$cffpdf" | awk '/^Pages:/ {print $2}')" ]; then
    pass "cli: Cairo fallback draws the logo on every page, one image"
else
    fail "cli: Cairo fallback logo" "$( [ -n "$cffpdf" ] && pdfimages -list "$cffpdf")"
fi

# Libraries opened on first use (src/util/lazy.h): a build whose fonts the
# PDF canvas embeds maps neither Cairo nor libcrypto, libqpdf or libvoikko
# for a Swedish document; the Cairo fallback opens Cairo.
if [ -z "${KOKOUS_SANITIZED:-}${KOKOUS_VALGRIND:-}" ]; then
    LD_DEBUG=files kk build -q --force --no-public tests/build/svenska.yaml -o "$TMP/lazy" > /dev/null 2> "$TMP/lazy.log"
    if ! grep -qE "file=lib(cairo|crypto|qpdf|voikko)" "$TMP/lazy.log" && grep -q "file=libpango" "$TMP/lazy.log"; then
        pass "cli: a build does not load Cairo, libcrypto, libqpdf (nor libvoikko for Swedish)"
    else
        fail "cli: libraries loaded by a build" "$(grep -E "file=lib(cairo|crypto|qpdf|voikko)" "$TMP/lazy.log" | head -5)"
    fi
    LD_DEBUG=files kk build -q --force --no-public --styles "$TMP/st/styles" "$TMP/st/cff.yaml" -o "$TMP/st/cff-out" > /dev/null 2> "$TMP/lazy.log"
    expect_grep "cli: the Cairo fallback opens Cairo" "$TMP/lazy.log" "file=libcairo.so"
fi

# A logo with translucent pixels: the PDF canvas writes its colours as the
# PNG has them (not through premultiplied alpha, which rounds them) and its
# alpha as a soft mask; a file that is not a PNG is left out with a warning.
python3 - "$TMP/st/styles/logos" <<'PY'
import os, struct, sys, zlib
os.makedirs(sys.argv[1], exist_ok=True)
def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
rows = b"".join(b"\0" + bytes([200, 100, 50, 128]) * 4 for _ in range(2))
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 2, 8, 6, 0, 0, 0)) \
    + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
open(os.path.join(sys.argv[1], "half.png"), "wb").write(png)
open(os.path.join(sys.argv[1], "broken.png"), "wb").write(b"GIF89a not a png")
PY
for l in half broken; do
    printf 'extends: lappi\nlogo:\n  file: logos/%s.png\n' "$l" > "$TMP/st/styles/logo-$l.yaml"
    sed "s/^style: lappi\$/style: logo-$l/" input/lappi/valiaikainen-valmistelutoimielin-2017-11-21.yaml > "$TMP/st/logo-$l.yaml"
done
expect_rc "cli: translucent logo builds" 0 kk build -q --force --no-public --styles "$TMP/st/styles" "$TMP/st/logo-half.yaml" -o "$TMP/st/logo-half"
lpdf=$(ls "$TMP"/st/logo-half/*.pdf 2>/dev/null | head -1)
img=$(pdfimages -list "$lpdf" 2>/dev/null | awk 'NR > 2 && $3 == "image" {print $11; exit}')
if [ -n "$img" ] && pdfimages -list "$lpdf" | awk 'NR > 2 && $3 == "smask"' | grep -q . \
    && [ "$(qpdf --show-object="$img" --filtered-stream-data "$lpdf" | od -An -tu1 | tr -s ' \n' ' ' | sed 's/^ //; s/ $//')" = \
         "$(printf '200 100 50 %.0s' 1 2 3 4 5 6 7 8 | sed 's/ $//')" ]; then
    pass "cli: a translucent logo keeps its colours and gets a soft mask"
else
    fail "cli: translucent logo" "$( [ -n "$lpdf" ] && pdfimages -list "$lpdf")"
fi
expect_rc "cli: a logo that is not a PNG still builds" 0 kk build -q --force --no-public --styles "$TMP/st/styles" "$TMP/st/logo-broken.yaml" -o "$TMP/st/logo-broken"
expect_grep "cli: a logo that is not a PNG is named" "$TMP/err" "logos/broken.png: warning: the logo is not a readable PNG; the documents are made without it"

# make install puts the binary and the man page under DESTDIR/PREFIX, and the
# installed binary needs nothing from the source tree.
if [ -z "${KOKOUS_SANITIZED:-}${KOKOUS_VALGRIND:-}" ]; then
    if make -s install DESTDIR="$TMP/inst" PREFIX=/usr > "$TMP/inst.log" 2>&1 \
        && [ -x "$TMP/inst/usr/bin/kokous" ] && [ -f "$TMP/inst/usr/share/man/man1/kokous.1" ] \
        && (cd "$TMP" && "$TMP/inst/usr/bin/kokous" check -q "$ROOT/input"); then
        pass "cli: make install DESTDIR PREFIX"
    else
        fail "cli: make install" "$(cat "$TMP/inst.log")"
    fi
fi
# Run from another folder, a built-in style's logo still comes from the
# binary (its path was made absolute against the working folder, and the
# built-in copy was not found: the document lost its logo with a warning).
mkdir -p "$TMP/elsewhere"
(cd "$TMP/elsewhere" && kk build -q --no-public "$ROOT/input/lappi/valiaikainen-valmistelutoimielin-2017-11-21.yaml" -o out) \
    > "$TMP/out" 2> "$TMP/err"
if ! grep -qE "warning|error" "$TMP/err" && pdfimages -list "$(ls "$TMP"/elsewhere/out/*.pdf | head -1)" 2>/dev/null | grep -q " image "; then
    pass "cli: a built-in style's logo, run from another folder"
else
    fail "cli: built-in logo from another folder" "$(cat "$TMP/err")"
fi
