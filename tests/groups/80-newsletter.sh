# Newsletters (kokous digest, and build of kind: newsletter): the Uusimaa
# June 2017 issue in the seed's order, period edges, body filter, empty
# period, order keys, privacy in PDF/HTML/TXT, a 200-meeting month in two
# columns, valid e-mail HTML, qpdf, determinism.
NL="$TMP/nl"
E=tests/newsletter/edges

nl_pdf_ok() {  # name pdf
    if qpdf --check "$2" > "$TMP/nlq.out" 2>&1 && ! grep -qE "^WARNING|damaged|^ERROR" "$TMP/nlq.out"; then
        pass "newsletter qpdf --check $1"; else fail "newsletter qpdf --check $1" "$(tail -5 "$TMP/nlq.out")"; fi
    info=$(pdfinfo "$2")
    if grep -q "^Tagged: *yes" <<<"$info" && grep -q "^Title: *[^ ]" <<<"$info"; then
        pass "newsletter tagged, titled $1"; else fail "newsletter pdfinfo $1" "$info"; fi
    qpdf --qdf --object-streams=disable "$2" "$TMP/nl.qdf" 2>/dev/null
    if grep -aq "/Lang (fi)" "$TMP/nl.qdf" && grep -aq "/Outlines" "$TMP/nl.qdf" && grep -aq "/URI" "$TMP/nl.qdf"; then
        pass "newsletter /Lang, bookmarks, links $1"; else fail "newsletter /Lang, bookmarks or links missing $1"; fi
    if python3 tests/tools/check_artifacts.py "$TMP/nl.qdf" > "$TMP/nla.out" 2>&1; then
        pass "newsletter every mark tagged or an artifact $1"; else fail "newsletter unmarked content $1" "$(tail -5 "$TMP/nla.out")"; fi
}

nl_html_ok() {  # name html
    if xmllint --html --noout "$2" 2> "$TMP/nlx.err" && ! [ -s "$TMP/nlx.err" ]; then
        pass "newsletter html: xmllint --html clean $1"; else fail "newsletter html: xmllint --html $1" "$(head "$TMP/nlx.err")"; fi
    if python3 - "$2" > "$TMP/nlh.out" 2>&1 <<'PY'
import sys, xml.dom.minidom
from html.parser import HTMLParser
src = open(sys.argv[1], encoding="utf-8").read()
xml.dom.minidom.parseString(src.split("\n", 1)[1])        # well-formed (after the doctype)
VOID = {"meta", "img", "br"}
class P(HTMLParser):
    stack = []; bad = []
    def handle_starttag(self, t, a):
        a = dict(a)
        if t in ("script", "link", "style", "iframe", "object"): self.bad.append("tag " + t)
        if t == "img" and not a.get("src", "").startswith("data:"): self.bad.append("external image")
        if "class" in a: self.bad.append("class attribute (no stylesheet in mail)")
        if t not in VOID: self.stack.append(t)
    def handle_startendtag(self, t, a): self.handle_starttag(t, a) if t in VOID else self.bad.append("self-closed " + t)
    def handle_endtag(self, t):
        if not self.stack or self.stack.pop() != t: self.bad.append("unbalanced </%s>" % t)
p = P(); p.feed(src)
if p.stack: p.bad.append("unclosed " + " ".join(p.stack))
if "http" in "".join(l for l in src.splitlines() if "src=" in l and "data:" not in l): p.bad.append("external resource")
print("\n".join(p.bad)); sys.exit(1 if p.bad else 0)
PY
    then pass "newsletter html: well-formed, self-contained, inline CSS $1"; else fail "newsletter html structure $1" "$(cat "$TMP/nlh.out")"; fi
}

# --- the Uusimaa June 2017 issue: the six meetings in the seed's order
kk digest input/uusimaa/uutiskirje-2017-06.yaml -o "$NL" > "$TMP/nl.out" 2> "$TMP/nl.err"
rc=$?
[ "$rc" -eq 0 ] && [ -f "$NL/uusimaa-uutiskirje-2017-06.pdf" ] && [ -f "$NL/uusimaa-uutiskirje-2017-06.html" ] \
    && [ -f "$NL/uusimaa-uutiskirje-2017-06.txt" ] && pass "digest: Uusimaa 6/2017 written" || fail "digest: exit $rc" "$(cat "$TMP/nl.err")"
U="$NL/uusimaa-uutiskirje-2017-06"
nl_pdf_ok uusimaa "$U.pdf"
nl_html_ok uusimaa "$U.html"
seed="Alueiden kehittäminen ja kasvupalvelut|Kuntajohtajakokous|Virkamiesjohtoryhmä|Poliittinen ohjausryhmä|Aikuisten sosiaalipalvelut|Lapset, nuoret ja perheet"
want="Alueiden kehittäminen ja kasvupalvelut
Kuntajohtajakokous
Virkamiesjohtoryhmä
Poliittinen ohjausryhmä
Aikuisten sosiaalipalvelut
Lapset, nuoret ja perheet"
# Headings of the entries after "Uusimmat kokousaineistot", in content order
short="Alueiden kehittäminen|Kuntajohtajakokous|Virkamiesjohtoryhmä|Poliittinen ohjausryhmä|Aikuisten sosiaalipalvelut|Lapset, nuoret ja perheet"
got=$(pdftotext -raw "$U.pdf" - | sed -n '/^Uusimmat kokousaineistot/,$p' | sed 's/\xc2\xad//g' | grep -oE "^($short)" | awk '!s[$0]++')
[ "$got" = "$(sed 's/ ja kasvupalvelut//' <<<"$want")" ] && pass "digest: seed order in the PDF (pdftotext -raw)" || fail "digest: PDF order" "$got"
got=$(sed -n '/^Uusimmat kokousaineistot/,$p' "$U.txt" | grep -oE "^($seed)" | awk '!s[$0]++')
[ "$got" = "$want" ] && pass "digest: seed order in the TXT" || fail "digest: TXT order" "$got"
got=$(sed -n '/id="latest"/,$p' "$U.html" | grep -oE "<h3 id=\"meeting-[0-9]+\"[^>]*>($seed)" | sed 's/.*>//')
[ "$got" = "$want" ] && pass "digest: seed order in the HTML" || fail "digest: HTML order" "$got"
# every key message of the six memos is in the PDF text
pdftotext "$U.pdf" - | sed 's/\xc2\xad//g' | tr -s ' \n' '  ' > "$TMP/nlu.txt"
missing=0
for f in input/uusimaa/{alueiden-kehittaminen,kuntajohtajakokous,virkamiesjohtoryhma,poliittinen-ohjausryhma,aikuisten-sosiaalipalvelut,lapset-nuoret-perheet}/2017-06-*.yaml; do
    while IFS= read -r words; do
        grep -qF "$words" "$TMP/nlu.txt" || { missing=$((missing + 1)); echo "$f: $words" >> "$TMP/nlmiss.txt"; }
    done < <(kk xml "$f" | sed -n '/<key_messages>/,/<\/key_messages>/p' | sed -n 's:.*<item>\(.*\)</item>.*:\1:p' \
             | sed 's/&quot;/"/g; s/&amp;/\&/g' | awk '{print $1, $2, $3, $4}')
done
[ "$missing" = 0 ] && pass "digest: every key message in the PDF" || fail "digest: key messages missing" "$(head "$TMP/nlmiss.txt")"
grep -q "Lue lisää" "$U.txt" && grep -q 'href="https://www.uusimaa2019.fi/kokoukset/kjk-2017-06-21"' "$U.html" \
    && pass "digest: read-more links in TXT and HTML" || fail "digest: links missing"
# build makes the same newsletter
kk build --quiet input/uusimaa/uutiskirje-2017-06.yaml -o "$TMP/nlb" > /dev/null 2>&1
cmp -s "$U.pdf" "$TMP/nlb/uusimaa-uutiskirje-2017-06.pdf" && cmp -s "$U.html" "$TMP/nlb/uusimaa-uutiskirje-2017-06.html" \
    && pass "build: newsletter as digest makes it" || fail "build: newsletter differs from digest"

# --- period edges, body filter, empty period, order keys, privacy
kk digest "$E/uutiskirje.yaml" -o "$NL" > /dev/null 2> "$TMP/nle.err"
rc=$?
[ "$rc" -eq 0 ] && pass "digest: edges exit 0 despite an invalid source" || fail "digest edges: exit $rc" "$(cat "$TMP/nle.err")"
grep -q "rikki.yaml.*warning: not in the newsletter" "$TMP/nle.err" && pass "digest: invalid source skipped with a warning" \
    || fail "digest: no warning for the invalid source" "$(cat "$TMP/nle.err")"
T="$NL/nl-edges.txt"
grep -q "Ydinviesti h-0601" "$T" && grep -q "Ydinviesti h-0630" "$T" && pass "digest: first and last day of the period in" \
    || fail "digest: period edge missing" "$(cat "$T")"
! grep -qE "h-0531|h-0701" "$T" "$NL/nl-edges.html" && ! pdftotext "$NL/nl-edges.pdf" - | grep -qE "h-0531|h-0701" \
    && pass "digest: day before and after the period out" || fail "digest: out-of-period meeting listed"
got=$(grep -oE "Ydinviesti [a-z]-[0-9]+" "$T" | tr '\n' ' ')
[ "$got" = "Ydinviesti h-0601 Ydinviesti l-0615 Ydinviesti h-0630 Ydinviesti l-0630 " ] \
    && pass "digest: date order, same-day ties by sources order" || fail "digest: order" "$got"
pdftotext -raw "$NL/nl-edges.pdf" - | sed 's/\xc2\xad//g' | grep -oE "Ydinviesti [a-z]-[0-9]+" | tr '\n' ' ' > "$TMP/nlo.txt"
[ "$(cat "$TMP/nlo.txt")" = "$got" ] && pass "digest: pdftotext order of entries" || fail "digest: PDF order" "$(cat "$TMP/nlo.txt")"
grep -q "10.7.2024" "$T" && grep -q "2 § Salassa pidettävä, JulkL 24.1 § 25 k" "$T" \
    && pass "digest: coming meeting listed, confidential item only by § and basis" || fail "digest: upcoming" "$(cat "$T")"
grep -q "Kesän aukioloajat" "$T" && pass "digest: notice in the period listed" || fail "digest: notice missing"
grep -q "Julkinen asia. Lautakunta hyväksyi" "$T" && pass "digest: item summaries when no key messages" || fail "digest: summaries"
pdftotext "$NL/nl-edges.pdf" "$TMP/nle.pdf.txt"
leak=$(cat "$NL/nl-edges.html" "$NL/nl-edges.txt" "$TMP/nle.pdf.txt" | grep -cE "XYZZY|Pekka|Henkilö")
[ "$leak" = 0 ] && pass "digest: no confidential text or personal data in PDF/HTML/TXT" || fail "digest: $leak leaking lines"
grep -q "henkilötieto poistettu" "$T" && pass "digest: personal data replaced by the placeholder" || fail "digest: no placeholder"
nl_pdf_ok edges "$NL/nl-edges.pdf"
nl_html_ok edges "$NL/nl-edges.html"

kk digest "$E/uutiskirje-hallitus.yaml" -o "$NL" > /dev/null 2>&1
got=$(grep -oE "Ydinviesti [a-z]-[0-9]+" "$NL/nl-bodies.txt" | tr '\n' ' ')
[ "$got" = "Ydinviesti h-0601 Ydinviesti h-0630 " ] && grep -q "Kesän aukioloajat" "$NL/nl-bodies.txt" \
    && pass "digest: bodies filter (notices stay)" || fail "digest: bodies filter" "$got"

kk digest "$E/uutiskirje-uusin.yaml" -o "$NL" > /dev/null 2>&1
got=$(grep -oE "Ydinviesti [a-z]-[0-9]+" "$NL/nl-newest.txt" | tr '\n' ' ')
[ "$got" = "Ydinviesti h-0630 Ydinviesti l-0630 Ydinviesti l-0615 Ydinviesti h-0601 " ] \
    && pass "digest: newest_first, ties in sources order" || fail "digest: newest_first" "$got"
kk digest "$E/uutiskirje-toimielimet.yaml" -o "$NL" > /dev/null 2>&1
got=$(grep -oE "^\[[A-Za-z]+\]|Ydinviesti [a-z]-[0-9]+" "$NL/nl-bybody.txt" | tr '\n' ' ')
[ "$got" = "[Hallitus] Ydinviesti h-0601 Ydinviesti h-0630 [Lautakunta] Ydinviesti l-0615 Ydinviesti l-0630 " ] \
    && pass "digest: by_body groups" || fail "digest: by_body" "$got"

kk digest "$E/uutiskirje-tyhja.yaml" -o "$NL" > /dev/null 2> "$TMP/nl0.err"
rc=$?
[ "$rc" -eq 0 ] && pdftotext "$NL/nl-empty.pdf" - | grep -q "Ei uusia aineistoja tällä jaksolla." \
    && grep -q "Ei uusia aineistoja" "$NL/nl-empty.html" "$NL/nl-empty.txt" \
    && pass "digest: empty period is a valid newsletter saying so" || fail "digest: empty period (exit $rc)" "$(cat "$TMP/nl0.err")"
nl_pdf_ok empty "$NL/nl-empty.pdf"

kk digest input/uusimaa/kuntajohtajakokous/2017-06-21.yaml -o "$NL" > /dev/null 2>&1
[ $? -eq 1 ] && pass "digest: a memo is refused (exit 1)" || fail "digest: memo not refused"
kk digest > /dev/null 2>&1
[ $? -eq 2 ] && pass "digest: no arguments is a usage error" || fail "digest: usage"

# --- a 200-meeting month: many pages, two columns, every entry once, in order
python3 tests/newsletter/make_month.py "$TMP/month" 200
kk digest "$TMP/month/kuukausi.yaml" -o "$TMP/month/out" > /dev/null 2> "$TMP/nlm.err"
M="$TMP/month/out/kuukausi-2024-06"
pages=$(pdfinfo "$M.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}')
[ "${pages:-0}" -ge 20 ] && pass "digest: 200 meetings over $pages pages" || fail "digest: 200 meetings: $pages pages" "$(cat "$TMP/nlm.err")"
python3 - > "$TMP/nlm.want" <<'PY'
for day in range(1, 31):
    for k in range(1, 201):
        if 1 + (k - 1) % 30 == day:
            print(k)
PY
pdftotext -raw "$M.pdf" - | grep -oE "Viesti [0-9]+\.1 " | awk '{sub(/\.1/, "", $2); print $2}' > "$TMP/nlm.got"
cmp -s "$TMP/nlm.want" "$TMP/nlm.got" && pass "digest: 200 entries once each, in date order (pdftotext -raw)" \
    || fail "digest: 200-meeting order" "$(diff "$TMP/nlm.want" "$TMP/nlm.got" | head)"
pdftotext -bbox "$M.pdf" "$TMP/nlm.bbox.html"
python3 tests/newsletter/check_columns.py "$TMP/nlm.bbox.html" > "$TMP/nlm.col" 2>&1 \
    && pass "digest: 200 meetings in two columns on every page" || fail "digest: columns" "$(cat "$TMP/nlm.col")"
nl_pdf_ok month "$M.pdf"
nl_html_ok month "$M.html"
[ "$(grep -c 'id="meeting-' "$M.html")" = 200 ] && pass "digest: 200 entries in the HTML" || fail "digest: HTML entries"

# --- determinism: a rebuild elsewhere gives the same bytes
kk digest "$TMP/month/kuukausi.yaml" -o "$TMP/month/out2" > /dev/null 2>&1
kk digest input/uusimaa/uutiskirje-2017-06.yaml -o "$TMP/nl2" > /dev/null 2>&1
cmp -s "$M.pdf" "$TMP/month/out2/kuukausi-2024-06.pdf" && cmp -s "$M.html" "$TMP/month/out2/kuukausi-2024-06.html" \
    && cmp -s "$M.txt" "$TMP/month/out2/kuukausi-2024-06.txt" && cmp -s "$U.pdf" "$TMP/nl2/uusimaa-uutiskirje-2017-06.pdf" \
    && pass "digest: rebuilds byte-identical" || fail "digest: rebuilds differ"
