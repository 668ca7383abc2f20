# kokous build: every document of input/ and tests/build/ becomes PDFs that
# external tools accept, with the content in them, and nothing secret in the
# public version.  Twice, byte-identical.
OUT="$TMP/build1"
kk build --quiet input tests/build -o "$OUT" --excerpt 3 > "$TMP/build.out" 2> "$TMP/build.err"
rc=$?
if [ "$rc" -eq 0 ]; then pass "build: input/ and tests/build/"; else fail "build: exit $rc" "$(cat "$TMP/build.err")"; fi
if ! grep -q "error" "$TMP/build.err"; then pass "build: no errors"; else fail "build: errors" "$(cat "$TMP/build.err")"; fi

while IFS= read -r f; do
    kind=$(sed -n 's/^kind: *//p' "$f" | head -1)
    [ "$kind" = newsletter ] && continue
    id=$(kk xml "$f" | sed -n 's:.*<id>\(.*\)</id>.*:\1:p' | head -1)
    [ -n "$id" ] || id=$(ls "$OUT" | grep -F "$(basename "${f%.yaml}")" | head -1)
    for v in pdf public.pdf; do
        pdf="$OUT/$id.$v"
        if [ ! -f "$pdf" ]; then fail "build $f: no $id.$v"; continue; fi
        if qpdf --check "$pdf" > "$TMP/qpdf.out" 2>&1 && ! grep -qE "^WARNING|damaged|^ERROR" "$TMP/qpdf.out"; then
            pass "qpdf --check $id.$v"; else fail "qpdf --check $id.$v" "$(tail -5 "$TMP/qpdf.out")"; fi
        if pdffonts "$pdf" | awk 'NR>2 && $(NF-4) != "yes" {bad=1} END {exit bad}'; then
            pass "fonts embedded $id.$v"; else fail "fonts not embedded $id.$v" "$(pdffonts "$pdf")"; fi
        qpdf --qdf --object-streams=disable "$pdf" "$TMP/art.qdf" 2>/dev/null
        if python3 tests/tools/check_artifacts.py "$TMP/art.qdf" > "$TMP/art.out" 2>&1; then
            pass "every mark tagged or an artifact $id.$v"; else fail "unmarked content $id.$v" "$(tail -5 "$TMP/art.out")"; fi
        if python3 tests/tools/check_streams.py "$pdf" > "$TMP/streams.out"; then pass "streams compressed $id.$v"
        else fail "streams left plain in $id.$v" "$(cat "$TMP/streams.out")"; fi
        # an unbroken soft hyphen is no glyph: Cairo would write it as an empty span
        if ! grep -aq "/ActualText <feff00ad>" "$TMP/art.qdf"; then pass "no soft-hyphen spans $id.$v"
        else fail "soft hyphens written as /ActualText spans in $id.$v" "$(grep -ac '/ActualText <feff00ad>' "$TMP/art.qdf")"; fi
        info=$(pdfinfo "$pdf")
        if grep -q "^Tagged: *yes" <<<"$info" && grep -q "^Title: *[^ ]" <<<"$info" && grep -q "^Pages: *[1-9]" <<<"$info" \
            && grep -q "^CreationDate:" <<<"$info"; then
            pass "pdfinfo tagged, title, pages $id.$v"; else fail "pdfinfo $id.$v" "$info"; fi
    done
    [ -f "$OUT/$id.xml" ] && cmp -s "$OUT/$id.xml" <(kk xml "$f") && pass "build xml $id" || fail "build xml $id differs from kokous xml"
    if [ "$kind" != notice ]; then
        pdftotext "$OUT/$id.pdf" "$TMP/text.txt"
        if python3 tests/pdftext_check.py "$OUT/$id.xml" "$TMP/text.txt" > "$TMP/missing.txt"; then
            pass "pdftotext has every title, proposal, decision: $id"; else fail "pdftotext $id" "$(cat "$TMP/missing.txt")"; fi
    fi
done < <(find input tests/build -name '*.yaml' | sort)

# Determinism: a second build in another folder gives the same bytes.
kk build --quiet input tests/build -o "$TMP/build2" --excerpt 3 > /dev/null 2>&1
if diff -r "$OUT" "$TMP/build2" > "$TMP/diff.txt"; then pass "build: two builds byte-identical"; else fail "build: builds differ" "$(head "$TMP/diff.txt")"; fi
# Texts laid out once and kept (labels, names, titles, appeal texts) give
# the very bytes that laying every text out anew gives.
KOKOUS_NO_KEPT_LAYOUTS=1 kk build --quiet input tests/build -o "$TMP/build3" --excerpt 3 > /dev/null 2>&1
if diff -r -x .kokous-stamp "$OUT" "$TMP/build3" > "$TMP/diff.txt"; then pass "build: kept layouts change nothing"
else fail "build: kept layouts change the output" "$(head "$TMP/diff.txt")"; fi
# Shaping a word at a time, the words kept (src/layout/shape_cache.c),
# gives the very bytes that HarfBuzz shaping every run whole gives; and the
# cache is in use: libpango's hb_shape is bound to kokous's.
KOKOUS_NO_SHAPE_CACHE=1 kk build --quiet input tests/build -o "$TMP/build-whole" --excerpt 3 > /dev/null 2>&1
if diff -r -x .kokous-stamp "$OUT" "$TMP/build-whole" > "$TMP/diff.txt"; then pass "build: the word shaping cache changes nothing"
else fail "build: the word shaping cache changes the output" "$(head "$TMP/diff.txt")"; fi
if [ -z "${KOKOUS_SANITIZED:-}${KOKOUS_VALGRIND:-}" ]; then
    LD_DEBUG=bindings kk build -q --force --no-public tests/build/svenska.yaml -o "$TMP/bind" > /dev/null 2> "$TMP/bind.log"
    if grep -q "binding file .*libpango-1.0.so.* to .*kokous.*symbol \`hb_shape'" "$TMP/bind.log"; then
        pass "build: Pango's hb_shape calls go to the word shaping cache"
    else fail "build: Pango's hb_shape is not bound to kokous" "$(grep "hb_shape'" "$TMP/bind.log" | head -3)"; fi
    # and its colour-glyph questions to src/layout/colour_glyphs.c
    n=$(grep -cE "binding file .*libpango-1.0.so.* to .*kokous.*symbol \`hb_ot_color_(glyph_get_layers|has_png|has_svg)'" "$TMP/bind.log")
    if [ "$n" = 3 ]; then pass "build: Pango's colour-glyph questions go to kokous's answers"
    else fail "build: $n of Pango's 3 colour-glyph functions bound to kokous" "$(grep "hb_ot_color" "$TMP/bind.log" | head -6)"; fi
fi
# The PDF canvas draws what Cairo draws: the same text in the same order
# (pdftotext -raw: content order, not pdftotext's guess at columns) on the
# same pages (KOKOUS_CAIRO_PDF=1 draws every document with Cairo, the
# fallback for fonts the canvas cannot embed).
KOKOUS_CAIRO_PDF=1 kk build --quiet --no-public input -o "$TMP/build-cairo" > /dev/null 2>&1
same=0; differ=""
for pdf in "$TMP"/build-cairo/*.pdf; do
    b=$(basename "$pdf")
    if [ "$(pdfinfo "$pdf" | grep Pages)" = "$(pdfinfo "$OUT/$b" | grep Pages)" ] \
        && cmp -s <(pdftotext -raw "$pdf" -) <(pdftotext -raw "$OUT/$b" -); then
        same=$((same + 1)); else differ="$differ $b"; fi
done
if [ -z "$differ" ] && [ "$same" -gt 10 ]; then pass "build: the PDF canvas and Cairo give the same text and pages ($same documents)"
else fail "build: the PDF canvas and Cairo differ:$differ"; fi
# No temporary files left behind.
if ! ls -A "$OUT" | grep -v '^\.kokous-stamp$' | grep -q '^\.'; then pass "build: no temporary files left"; else fail "build: temporary files left" "$(ls -A "$OUT")"; fi

# The public version (KuntaL 140 §): nothing confidential, no personal data,
# anywhere in the file (text, bookmarks, metadata); the official one has it.
pub="$OUT/confidential-minutes.public.pdf"
pdftotext "$pub" "$TMP/pub.txt"
qpdf --qdf --object-streams=disable "$pub" "$TMP/pub-qdf.pdf"
secret='SALAINEN|Veikko|Henkilötieto|Liisa Yksityinen|040 123'
if ! grep -qE "$secret" "$TMP/pub.txt"; then pass "public: no secrets in pdftotext"; else fail "public: secrets in text" "$(grep -E "$secret" "$TMP/pub.txt")"; fi
if ! grep -aqE "$secret" "$TMP/pub-qdf.pdf"; then pass "public: no secrets in PDF objects"; else fail "public: secrets in PDF objects"; fi
if pdfinfo -meta "$pub" | grep -qE "$secret"; then fail "public: secrets in XMP"; else pass "public: no secrets in XMP"; fi
grep -q "Salassa pidettävä, JulkL 24.1 § 25 k" "$TMP/pub.txt" && pass "public: confidential mention" || fail "public: no confidential mention"
grep -q "\[henkilötieto poistettu\]" "$TMP/pub.txt" && pass "public: personal data placeholder" || fail "public: no placeholder"
grep -q "^2 *§" "$TMP/pub.txt" && pass "public: confidential item keeps its number" || fail "public: § 2 missing"
pdftotext "$OUT/confidential-minutes.pdf" "$TMP/off.txt"
for s in SALAINENOTSIKKO SALAINENPAATOS "Veikko Henkilötieto" SALAINENLAUSUNTO; do
    grep -q "$s" "$TMP/off.txt" && pass "official has $s" || fail "official lacks $s"
done

# Excerpt (ote) of § 3: the one item, the certification, its appeal text.
ote="$OUT/confidential-minutes-ote-3.pdf"
pdftotext "$ote" "$TMP/ote.txt"
for s in PÖYTÄKIRJANOTE Avustushakemus "Otteen oikeaksi todistaa" VALITUSOSOITUS "Sanna Kyllönen"; do
    grep -q "$s" "$TMP/ote.txt" && pass "excerpt has $s" || fail "excerpt lacks $s"
done
grep -q "Henkilöstöasia\|Kokouksen laillisuus" "$TMP/ote.txt" && fail "excerpt has other items" || pass "excerpt has only § 3"

# Page breaking on the stress document: the 60-row table repeats its
# header, a § heading never ends a page, the 3-page decision is all there.
st="$OUT/stress-minutes.pdf"
pages=$(pdfinfo "$st" | sed -n 's/^Pages: *//p')
pdftotext -f 2 -l 2 "$st" - | grep -q "^Nimi" && pass "stress: table header repeated on page 2" || fail "stress: no header row on page 2"
bad=0
# (the item list at the start has "N §" rows too: look after it)
first=$(for p in $(seq 1 "$pages"); do pdftotext -f "$p" -l "$p" "$st" - | grep -q "^59 *§" && echo "$p"; done | head -1)
for p in $(seq $((first + 1)) "$pages"); do
    last=$(pdftotext -layout -f "$p" -l "$p" "$st" - | grep -v '^\s*$' | tail -1)
    if grep -qE '^[0-9]+ §' <<<"$last"; then bad=$((bad + 1)); echo "  page $p ends with a heading: $last"; fi
done
[ "$bad" -eq 0 ] && pass "stress: no page ends with a § heading ($pages pages)" || fail "stress: $bad pages end with a heading"
pdftotext "$st" - | grep -q "Pitkän päätöksen viimeinen kappale päättyy tähän" && pass "stress: long decision complete" || fail "stress: long decision cut"

# Languages: labels and dates in Swedish and English.
pdftotext "$OUT/svenska-agenda.pdf" "$TMP/sv.txt"
for s in FÖREDRAGNINGSLISTA onsdag "Beslutsförslag"; do grep -q "$s" "$TMP/sv.txt" && pass "sv: $s" || fail "sv: no $s" "$(head -20 "$TMP/sv.txt")"; done
pdftotext "$OUT/english-memo.pdf" "$TMP/en.txt"
for s in MEMO Wednesday "Remote meeting"; do grep -q "$s" "$TMP/en.txt" && pass "en: $s" || fail "en: no $s" "$(head -20 "$TMP/en.txt")"; done
pdfinfo "$OUT/svenska-agenda.pdf" > /dev/null && qpdf --show-object=trailer "$OUT/svenska-agenda.pdf" | grep -q "/ID" && pass "sv: /ID" || fail "sv: no /ID"
python3 - "$OUT/svenska-agenda.pdf" <<'PY' && pass "sv: /Lang (sv)" || fail "sv: /Lang"
import subprocess, sys
out = subprocess.run(["qpdf", "--show-object=1", "--filtered-stream-data", sys.argv[1]], capture_output=True).stdout
root = subprocess.run(["qpdf", "--json", "--json-key=qpdf", sys.argv[1]], capture_output=True, text=True).stdout
sys.exit(0 if '"/Lang": "u:sv"' in root or '/Lang (sv)' in root else 1)
PY

# A batch with a broken document: the others are still built, exit 1,
# nothing of the broken one written.
mkdir -p "$TMP/mixed"
cp tests/build/english.yaml "$TMP/mixed/"
cp tests/invalid/date-format.yaml "$TMP/mixed/"
kk build "$TMP/mixed" -o "$TMP/mixed-out" > /dev/null 2>&1
rc=$?
[ "$rc" -eq 1 ] && pass "build: broken batch exits 1" || fail "build: broken batch exit $rc"
[ -f "$TMP/mixed-out/english-memo.pdf" ] && pass "build: good document built" || fail "build: good document not built"
[ "$(ls "$TMP/mixed-out" | wc -l)" -eq 3 ] && pass "build: nothing written for the broken one" || fail "build: unexpected files" "$(ls -A "$TMP/mixed-out")"
# An output folder that cannot be written: I/O error, exit 3.
mkdir -p "$TMP/ro" && chmod 555 "$TMP/ro"
if [ "$(id -u)" -ne 0 ]; then
    kk build tests/build/english.yaml -o "$TMP/ro" > /dev/null 2>&1; rc=$?
    [ "$rc" -eq 3 ] && pass "build: unwritable output exits 3" || fail "build: unwritable output exit $rc"
fi
kk build tests/build/english.yaml -o /dev/null/x > /dev/null 2>&1; rc=$?
[ "$rc" -eq 3 ] && pass "build: impossible output folder exits 3" || fail "build: impossible output folder exit $rc"

# Documents with nothing to remove share one layout between the official and
# the public version (kk_compose_public_differs): their texts must then be
# the same but for the public footer on every page.
for id in english-memo svenska-agenda stm-tiedote-2020-03-20 uusimaa-kjk-2017-06-21; do
    pdftotext "$OUT/$id.pdf" "$TMP/o.txt"
    pdftotext "$OUT/$id.public.pdf" "$TMP/p.txt"
    footer=$(grep -c "^Verkkoversio\|^Webbversion\|^Web version" "$TMP/p.txt")
    pages=$(pdfinfo "$OUT/$id.public.pdf" | sed -n 's/^Pages: *//p')
    if diff <(grep -v "^Verkkoversio\|^Webbversion\|^Web version\|^$" "$TMP/p.txt") <(grep -v "^$" "$TMP/o.txt") > /dev/null \
        && [ "$footer" -eq "$pages" ]; then
        pass "public = official + footer on every page: $id"
    else
        fail "public differs from official beyond the footer: $id" "$(diff "$TMP/o.txt" "$TMP/p.txt" | head)"
    fi
done

# Typography: an open compound ("kotihoito -hankkeet") never starts a line
# with its hyphen; English joins date and time with a comma.
if pdftotext "$OUT/lappi-vvt-2017-11-21.pdf" - | grep -q "^-[a-zåäö]"; then
    fail "a line starts with the hyphen of an open compound" "$(pdftotext "$OUT/lappi-vvt-2017-11-21.pdf" - | grep "^-[a-zåäö]")"
else
    pass "open compounds are tied to their first part"
fi
grep -q "Wednesday 21 June 2017, 09:00–10:30" "$TMP/en.txt" && pass "en: date, time" || fail "en: date and time" "$(grep -n Wednesday "$TMP/en.txt")"

# The public footer is drawn with the page (confidential-minutes: its public
# version has its own layout) or laid over the official pages afterwards
# (english-memo, svenska-agenda: nothing to remove); it must sit in the
# same place either way, on every page.
footer_at() { pdftotext -bbox "$1" - | grep -E '>(Verkkoversio\.|Web|Webbversion\.)</word>' | sed 's/.*xMin="\([0-9.]*\)" yMin="\([0-9.]*\)".*/\1 \2/' | sort -u; }
drawn=$(footer_at "$OUT/confidential-minutes.public.pdf")
for id in english-memo svenska-agenda; do
    laid=$(footer_at "$OUT/$id.public.pdf")
    [ -n "$drawn" ] && [ "$laid" = "$drawn" ] && pass "public footer laid over the pages where it is drawn: $id" \
        || fail "public footer position: $id" "drawn: $drawn; laid over: $laid"
done

# A title that repeats the role word is printed once (docs/format.md).
mkdir -p "$TMP/roles"
sed 's/^#//' > "$TMP/roles/roles.yaml" <<'YAML'
kind: minutes
body: Kunnanhallitus
organization: Testikunta
meeting_number: 1/2024
date: 2024-05-13
start: "17:00"
place: Kunnantalo
participants:
  - {name: Aino Aaltonen, role: chair, title: Puheenjohtaja}
  - {name: Bertta Björk, role: member, title: "jäsen, saapui klo 17.15"}
  - {name: Cecilia Castrén, role: member, title: jäsenyyskoordinaattori}
  - {name: Daniel Dahl, role: secretary, title: hallintojohtaja}
quorum: {lawful: true}
minute_checkers: [Bertta Björk, Cecilia Castrén]
items:
  - {title: Avaus, proposal: Avataan., decision: Avattiin.}
signatures:
  - {name: Aino Aaltonen, role: chair}
  - {name: Daniel Dahl, role: secretary}
YAML
kk build -q "$TMP/roles/roles.yaml" -o "$TMP/roles/out" > /dev/null 2>&1
pdftotext -layout "$TMP/roles/out/testikunta-kunnanhallitus-2024-05-13.pdf" "$TMP/roles/t.txt" 2>/dev/null
for want in "Aino Aaltonen +puheenjohtaja$" "Bertta Björk +jäsen, saapui klo 17.15$" \
            "Cecilia Castrén +jäsen, jäsenyyskoordinaattori$" "Daniel Dahl +sihteeri, hallintojohtaja$"; do
    grep -qE "$want" "$TMP/roles/t.txt" && pass "participant role and title: $want" || fail "participant role and title: $want" "$(grep -E 'Aaltonen|Björk|Castrén|Dahl' "$TMP/roles/t.txt")"
done
