# kokous archive / verify: E-ARK SIP packages checked by external
# validators (xmllint with the official schemas, PDFBox preflight, qpdf),
# tamper detection by `kokous verify`, and byte-identical reruns.
SCHEMAS="$ROOT/../shared/schemas"
[ -d "$SCHEMAS" ] || SCHEMAS="/work/shared/schemas"
AR="$TMP/archive"
J=/usr/share/java
PDFBOX_CP=$J/preflight.jar:$J/pdfbox2.jar:$J/fontbox2.jar:$J/xmpbox.jar:$J/commons-logging.jar:$J/javax.activation.jar:$J/jaxb-api.jar

# the official schemas, offline; `what` names the check
xsd_check() {  # what schema file
    if XML_CATALOG_FILES="$SCHEMAS/catalog.xml" xmllint --noout --nonet --schema "$2" "$3" > "$TMP/xsd.out" 2>&1; then
        pass "$1"; else fail "$1" "$(tail -5 "$TMP/xsd.out")"; fi
}

# expect_verify_fail NAME PACKAGE NEEDLE: verify exits 1 naming NEEDLE
expect_verify_fail() {
    kk verify "$2" > /dev/null 2> "$TMP/verify.err"
    rc=$?
    if [ "$rc" -eq 1 ] && grep -qF -- "$3" "$TMP/verify.err"; then pass "verify fails: $1"
    else fail "verify does not fail naming $3: $1 (exit $rc)" "$(cat "$TMP/verify.err")"; fi
}

# ---- a package of input/ and the confidential test documents ----
kk archive input tests/archive -o "$AR/a" --id pkg > "$TMP/archive.out" 2> "$TMP/archive.err"
rc=$?
P="$AR/a/pkg"
if [ "$rc" -eq 0 ] && [ -f "$P/METS.xml" ]; then pass "archive: input/ and tests/archive/"
else fail "archive: exit $rc" "$(cat "$TMP/archive.err")"; fi
if ! ls -A "$AR/a" | grep -q '^\.'; then pass "archive: no temporary folders left"; else fail "archive: temporary left" "$(ls -A "$AR/a")"; fi
for f in metadata/descriptive/sahke2.xml metadata/preservation/premis.xml representations/pdfa/METS.xml \
         representations/source/METS.xml schemas/kokous.xsd schemas/mets.xsd schemas/premis-v2-3.xsd \
         schemas/Sahke2_2019_03.xsd schemas/xlink.xsd schemas/DILCISExtensionMETS.xsd schemas/catalog.xml \
         documentation/archive.md representations/pdfa/data/lappi-vvt-2017-11-21.pdf \
         representations/source/data/lappi-vvt-2017-11-21.yaml representations/source/data/lappi-vvt-2017-11-21.xml; do
    [ -f "$P/$f" ] && pass "archive has $f" || fail "archive lacks $f"
done
ls "$P/representations/pdfa/data" | grep -q 'public' && fail "archive holds a public version" || pass "archive: official versions only"

# every METS file against METS + the CSIP extension, offline
for m in "$P/METS.xml" "$P"/representations/*/METS.xml; do
    xsd_check "METS valid: ${m#"$P"/}" "$SCHEMAS/csip-wrapper.xsd" "$m"
done
xsd_check "SÄHKE2 valid" "$SCHEMAS/sahke2/Sahke2_2019_03.xsd" "$P/metadata/descriptive/sahke2.xml"
xsd_check "PREMIS valid" "$SCHEMAS/premis/premis-v2-3.xsd" "$P/metadata/preservation/premis.xml"
# the package validates with its own schemas too (what an archive would do)
(cd "$P" && XML_CATALOG_FILES=schemas/catalog.xml xmllint --noout --nonet --schema schemas/csip-wrapper.xsd METS.xml) \
    > /dev/null 2>&1 && pass "METS valid with the package's own schemas/" || fail "METS invalid with the package's schemas/"
bad=""
for x in "$P"/representations/source/data/*.xml; do
    xmllint --noout --nonet --schema "$ROOT/schema/kokous.xsd" "$x" > /dev/null 2>&1 || bad="$bad ${x##*/}"
done
[ -z "$bad" ] && pass "canonical XML valid against kokous.xsd" || fail "canonical XML invalid:$bad"
cmp -s "$P/representations/source/data/lappi-vvt-2017-11-21.xml" <(kk xml input/lappi/valiaikainen-valmistelutoimielin-2017-11-21.yaml) \
    && pass "canonical XML equals kokous xml" || fail "canonical XML differs from kokous xml"
cmp -s "$P/representations/source/data/lappi-vvt-2017-11-21.yaml" input/lappi/valiaikainen-valmistelutoimielin-2017-11-21.yaml \
    && pass "source YAML kept as written" || fail "source YAML changed"

# METS attributes the issue asks for
M="$P/METS.xml"
for a in 'OBJID="pkg"' 'TYPE="Textual works' 'PROFILE="https://earksip.dilcis.eu/profile/E-ARK-SIP.xml"' \
         'csip:CONTENTINFORMATIONTYPE=' 'csip:OAISPACKAGETYPE="SIP"' 'CREATEDATE="2017-07-14T02:40:00Z"' \
         '<mets:name>kokous</mets:name>' 'csip:NOTETYPE="SOFTWARE VERSION"'; do
    grep -qF -- "$a" "$M" && pass "METS has $a" || fail "METS lacks $a"
done
bad=0
for m in "$M" "$P"/representations/*/METS.xml; do
    n_file=$(grep -c '<mets:file \|<mets:mdRef ' "$m")
    n_full=$(grep -E '<mets:(file|mdRef) ' "$m" | grep 'MIMETYPE="' | grep 'SIZE="[0-9]' | grep 'CREATED="' \
        | grep -E 'CHECKSUM="[0-9a-f]{64}"' | grep -c 'CHECKSUMTYPE="SHA-256"')
    [ "$n_file" -gt 0 ] && [ "$n_file" -eq "$n_full" ] || bad=1
    grep '<mets:file ' "$m" | grep -vq ' ID="' && bad=1
done
[ "$bad" -eq 0 ] && pass "every METS file entry has ID, MIMETYPE, SIZE, CREATED, CHECKSUM, CHECKSUMTYPE" \
    || fail "METS file entries lack attributes"
# every checksum is the file's SHA-256 as sha256sum computes it
python3 - "$P" > "$TMP/fixity.txt" <<'PY'
import hashlib, os, re, sys
root = sys.argv[1]
for dirpath, _, names in os.walk(root):
    for n in names:
        if n != "METS.xml":
            continue
        mets = os.path.join(dirpath, n)
        text = open(mets, encoding="utf-8").read()
        for tag in re.findall(r"<mets:(?:file|mdRef) [^>]*>", text):
            ck = re.search(r'CHECKSUM="([0-9a-f]{64})"', tag)
            href = re.search(r'xlink:href="([^"]+)"', text[text.index(tag):])
            if ck and href:
                path = os.path.join(dirpath, href.group(1).replace("file:", ""))
                print(ck.group(1), path)
PY
if [ -s "$TMP/fixity.txt" ] && sha256sum --quiet -c "$TMP/fixity.txt" > "$TMP/fixity.out" 2>&1; then
    pass "every METS checksum is the file's SHA-256 ($(wc -l < "$TMP/fixity.txt") files, sha256sum)"
else
    fail "METS checksums differ from sha256sum" "$(cat "$TMP/fixity.out")"
fi

# SÄHKE2: the confidential records are kept and marked
S="$P/metadata/descriptive/sahke2.xml"
grep -q "<NativeId>arkisto-kh-2024-06-10</NativeId>" "$S" && pass "SÄHKE2 has the confidential minutes" || fail "SÄHKE2 lost the minutes"
grep -q "<PublicityClass>Salassa pidettävä</PublicityClass>" "$S" && pass "SÄHKE2 marks Salassa pidettävä" || fail "SÄHKE2: no Salassa pidettävä"
grep -q "<PublicityClass>Osittain salassapidettävä</PublicityClass>" "$S" && pass "SÄHKE2 marks Osittain salassapidettävä" || fail "SÄHKE2: no partly"
grep -q "<SecurityReason>JulkL 24.1 § 25 k" "$S" && pass "SÄHKE2 SecurityReason" || fail "SÄHKE2: no SecurityReason"
grep -q "<PersonalData>sisältää arkaluontoisia henkilötietoja</PersonalData>" "$S" && pass "SÄHKE2 PersonalData" || fail "SÄHKE2: PersonalData"
grep -q "<RetentionPeriod>-1</RetentionPeriod>" "$S" && grep -q "<RetentionPeriod>10</RetentionPeriod>" "$S" \
    && pass "SÄHKE2 RetentionPeriod permanent and years" || fail "SÄHKE2 RetentionPeriod"
grep -q "<Function>00.01.01</Function>" "$S" && pass "SÄHKE2 Function" || fail "SÄHKE2 Function"
grep -q "<Checker>Pekka Kärkkäinen, Tuula Mäenpää</Checker>" "$S" && pass "SÄHKE2 Authenticity checkers" || fail "SÄHKE2 checkers"
[ "$(grep -c '<Record>' "$S")" -eq 22 ] && pass "SÄHKE2: a Record per document (22)" || fail "SÄHKE2 records: $(grep -c '<Record>' "$S")"
cf="//*[local-name()='CaseFile'][*[local-name()='NativeId']='jaamajarven-kunta-kunnanhallitus-2024-06-10']"
[ "$(xmllint --xpath "count($cf//*[local-name()='Record'])" "$S")" = 2 ] \
    && pass "SÄHKE2: agenda and minutes of one meeting in one CaseFile" || fail "SÄHKE2 case file grouping"
[ "$(grep -c '<CaseFile>' "$S")" -eq 21 ] && pass "SÄHKE2: a CaseFile per meeting or notice (21)" || fail "SÄHKE2 case files: $(grep -c '<CaseFile>' "$S")"
PR="$P/metadata/preservation/premis.xml"
grep -q "<premis:rightsStatementIdentifierValue>rights-arkisto-kh-2024-06-10</premis:rightsStatementIdentifierValue>" "$PR" \
    && grep -q "<premis:statuteCitation>JulkL 24.1 § 25 k" "$PR" && pass "PREMIS rights statement for the confidential record" \
    || fail "PREMIS: no rights statement"
for e in validation migration packaging; do
    grep -q "<premis:eventType>$e</premis:eventType>" "$PR" && pass "PREMIS event $e" || fail "PREMIS lacks event $e"
done
grep -q "<premis:agentName>kokous " "$PR" && pass "PREMIS agent kokous" || fail "PREMIS lacks the agent"
grep -q "SALAINENPAATOS" "$P/representations/source/data/arkisto-kh-2024-06-10.xml" && pdftotext "$P/representations/pdfa/data/arkisto-kh-2024-06-10.pdf" - | grep -q SALAINENPAATOS \
    && pass "the official (secret) text is in the package" || fail "secret text missing from the package"

# PDF/A-2b: XMP pdfaid part 2, an OutputIntent, /ID, qpdf --check
for pdf in "$P"/representations/pdfa/data/*.pdf; do
    n=${pdf##*/}
    qpdf --check "$pdf" > "$TMP/qpdf.out" 2>&1 && ! grep -qE "^WARNING|damaged" "$TMP/qpdf.out" || { fail "qpdf --check $n" "$(tail -3 "$TMP/qpdf.out")"; continue; }
    pdfinfo -meta "$pdf" | grep -q '<pdfaid:part>2</pdfaid:part>' || { fail "no pdfaid:part 2 in $n"; continue; }
    qpdf --qdf --object-streams=disable "$pdf" "$TMP/a2.qdf" 2>/dev/null
    grep -aq '/S /GTS_PDFA1' "$TMP/a2.qdf" && grep -aq '/DestOutputProfile' "$TMP/a2.qdf" || { fail "no OutputIntent in $n"; continue; }
    grep -aqE '^ *(/ID|trailer.*/ID) *\[' "$TMP/a2.qdf" || grep -aq '/ID \[<' "$TMP/a2.qdf" || { fail "no /ID in $n"; continue; }
    pdffonts "$pdf" | awk 'NR>2 && $(NF-4) != "yes" {bad=1} END {exit bad}' || { fail "fonts not embedded in $n"; continue; }
    grep -aq '/Encrypt' "$TMP/a2.qdf" && { fail "encrypted: $n"; continue; }
    pass "PDF/A-2b: qpdf, pdfaid 2, OutputIntent, /ID, fonts, no encryption: $n"
done

# ---- verify: a fresh package passes, each kind of damage is named ----
kk verify "$P" > "$TMP/verify.out" 2>&1 && pass "verify: fresh package" || fail "verify fails on a fresh package" "$(cat "$TMP/verify.out")"
cp -r "$P" "$AR/t1"
pdf="$AR/t1/representations/pdfa/data/lappi-vvt-2017-11-21.pdf"
printf 'X' | dd of="$pdf" bs=1 seek=3000 conv=notrunc 2>/dev/null
expect_verify_fail "one byte changed in a PDF" "$AR/t1" "representations/pdfa/data/lappi-vvt-2017-11-21.pdf: error: SHA-256"
cp -r "$P" "$AR/t2"; rm "$AR/t2/representations/source/data/stm-tiedote-2020-03-20.yaml"
expect_verify_fail "a file deleted" "$AR/t2" "stm-tiedote-2020-03-20.yaml: error: listed in representations/source/METS.xml but missing"
cp -r "$P" "$AR/t3"; echo extra > "$AR/t3/representations/pdfa/data/extra.pdf"
expect_verify_fail "a file added" "$AR/t3" "representations/pdfa/data/extra.pdf: error: in the package but not listed"
cp -r "$P" "$AR/t4"; sed -i '0,/SIZE="[0-9]*"/s//SIZE="1"/' "$AR/t4/METS.xml"
expect_verify_fail "METS edited (a SIZE)" "$AR/t4" "size is"
cp -r "$P" "$AR/t5"; sed -i 's/csip:OAISPACKAGETYPE="SIP"/csip:OAISPACKAGETYPE="XIP"/' "$AR/t5/METS.xml"
expect_verify_fail "METS edited (schema-invalid)" "$AR/t5" "t5/METS.xml:3:0: error: Element"
cp -r "$P" "$AR/t6"; sed -i 's/LABEL="Data"/LABEL="Dota"/' "$AR/t6/representations/pdfa/METS.xml"
expect_verify_fail "representation METS edited" "$AR/t6" "representations/pdfa/METS.xml: error: SHA-256"
cp -r "$P" "$AR/t7"; rm "$AR/t7/METS.xml"
expect_verify_fail "root METS deleted" "$AR/t7" "METS.xml: error: missing"
kk verify "$AR/nothing-here" > /dev/null 2>&1; [ $? -eq 3 ] && pass "verify: missing path exits 3" || fail "verify: missing path"

# ---- tar, determinism, PDF/A-1b with PDFBox ----
kk archive input tests/archive -o "$AR/tar1" --tar --pdfa 1b -q 2> /dev/null
kk archive input tests/archive -o "$AR/tar2" --tar --pdfa 1b -q 2> /dev/null
T1=$(ls "$AR"/tar1/*.tar 2>/dev/null | head -1)
T2=$(ls "$AR"/tar2/*.tar 2>/dev/null | head -1)
if [ -n "$T1" ] && cmp -s "$T1" "$T2"; then pass "archive --tar: two runs byte-identical"; else fail "archive --tar: runs differ"; fi
[ "${T1##*/}" = "kokous-2017-01-25--2024-06-10.tar" ] && pass "package id from the documents" || fail "package id: ${T1##*/}"
tar -tf "$T1" > "$TMP/tar.list" 2>&1 && pass "tar lists the package" || fail "tar cannot read the package" "$(head -3 "$TMP/tar.list")"
[ "$(sort "$TMP/tar.list")" = "$(cat "$TMP/tar.list")" ] && pass "tar members sorted" || fail "tar members not sorted"
tar -tvf "$T1" | awk '$2 != "0/0" {bad=1} END {exit bad}' && pass "tar owner 0/0" || fail "tar owner not 0"
kk verify "$T1" > /dev/null 2>&1 && pass "verify: fresh .tar" || fail "verify fails on a fresh .tar"
mkdir -p "$AR/x" && tar -xf "$T1" -C "$AR/x"
kk verify "$AR/x/kokous-2017-01-25--2024-06-10" > /dev/null 2>&1 && pass "verify: the unpacked tar" || fail "verify: unpacked tar"
cp "$T1" "$AR/bad.tar"
off=$(grep -abo 'Valiaikainen\|%PDF-1.4' "$AR/bad.tar" | tail -1 | cut -d: -f1)
printf 'Y' | dd of="$AR/bad.tar" bs=1 seek=$((off + 200)) conv=notrunc 2>/dev/null
kk verify "$AR/bad.tar" > /dev/null 2> "$TMP/verify.err"
[ $? -eq 1 ] && grep -q "bad.tar:representations/pdfa/data/.*SHA-256" "$TMP/verify.err" && pass "verify: damaged .tar names the file" \
    || fail "verify: damaged tar" "$(cat "$TMP/verify.err")"
kk archive input tests/archive -o "$AR/dir2" --id pkg -q 2> /dev/null
diff -r "$P" "$AR/dir2/pkg" > /dev/null && pass "archive: two folder runs identical" || fail "archive: folder runs differ"
# a rerun into the same place replaces the package
kk archive input tests/archive -o "$AR/a" --id pkg -q 2> /dev/null && kk verify "$P" > /dev/null 2>&1 \
    && pass "archive: rerun replaces the package" || fail "archive: rerun"

if [ -f $J/preflight.jar ] && command -v java > /dev/null; then
    mkdir -p "$AR/x1" && tar -xf "$T1" -C "$AR/x1"
    # all files in one JVM (tests/archive/Preflight.java, the PDFBox
    # preflight API), and the Validator_A1b command itself on one file
    if java -cp "$PDFBOX_CP" "$ROOT/tests/archive/Preflight.java" "$AR"/x1/*/representations/pdfa/data/*.pdf > "$TMP/pf.out" 2>&1; then
        bad=""; else bad=" $(grep -v ': valid$' "$TMP/pf.out" | head -20)"; fi
    one=$(ls "$AR"/x1/*/representations/pdfa/data/lappi-vvt-2017-11-21.pdf)
    java -cp "$PDFBOX_CP" org.apache.pdfbox.preflight.Validator_A1b "$one" 2>&1 | grep -q 'is a valid PDF/A-1b' \
        && pass "PDFBox Validator_A1b: lappi-vvt-2017-11-21.pdf (logo with alpha flattened)" || fail "PDFBox Validator_A1b rejects $one"
    # the checker does reject: a PDF/A-2b file is not PDF/A-1b
    java -cp "$PDFBOX_CP" "$ROOT/tests/archive/Preflight.java" "$P/representations/pdfa/data/lappi-vvt-2017-11-21.pdf" > /dev/null 2>&1 \
        && fail "PDFBox preflight accepts a PDF/A-2b file as 1b" || pass "PDFBox preflight rejects 2b as 1b (the check works)"
    [ -z "$bad" ] && pass "PDFBox preflight: every --pdfa 1b PDF is valid PDF/A-1b" || fail "PDFBox preflight rejects:$bad"
else
    fail "PDFBox preflight not installed (libpdfbox2-java default-jre-headless libactivation-java libjaxb-api-java)"
fi

# ---- failures leave nothing ----
kk archive tests/invalid/action-due-not-date.yaml input/stm -o "$AR/inv" > /dev/null 2>&1
rc=$?
[ "$rc" -eq 1 ] && [ -z "$(ls -A "$AR/inv" 2>/dev/null)" ] && pass "archive: an invalid document means no package (exit 1)" \
    || fail "archive with an invalid document: exit $rc" "$(ls -A "$AR/inv" 2>/dev/null)"
mkdir -p "$AR/ro" && chmod 555 "$AR/ro"
if [ "$(id -u)" -ne 0 ]; then
    kk archive input/stm -o "$AR/ro" > /dev/null 2>&1; [ $? -eq 3 ] && pass "archive: unwritable folder exits 3" || fail "archive: unwritable folder"
fi
chmod 755 "$AR/ro"
kk archive > /dev/null 2>&1; [ $? -eq 2 ] && pass "archive: no arguments is a usage error" || fail "archive: no arguments"
kk archive input -o "$AR/u" --pdfa 3u > /dev/null 2>&1; [ $? -eq 2 ] && pass "archive: bad --pdfa is a usage error" || fail "archive: bad --pdfa"
kk verify "$ROOT/README.md" > /dev/null 2>&1; [ $? -eq 2 ] && pass "verify: not a package is a usage error" || fail "verify: README.md"
