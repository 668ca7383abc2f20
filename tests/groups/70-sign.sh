# kokous sign / verify: PAdES signatures checked with poppler's pdfsig (and
# NSS trust through certutil), qpdf, tampering, key errors, and the signed
# package manifest checked with openssl smime.  The CA and keys are made
# here, in $TMP, and never kept.
S="$TMP/sign"
mkdir -p "$S/nss" "$S/ca"
sign_tools_ok=1
for t in openssl pdfsig certutil qpdf python3; do
    command -v "$t" > /dev/null || { fail "sign: $t is missing (tools/debian-packages.txt)"; sign_tools_ok=; }
done

if [ -n "$sign_tools_ok" ]; then
(
    cd "$S" || exit 1
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30 -utf8 -subj "/CN=Kokous Test CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
    printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n' > ext.cnf
    for who in "chair:Matti Meikäläinen" "secretary:Maija Meikäläinen" "checker:Teppo Testaaja" "other:Olli Muu"; do
        f=${who%%:*}
        openssl req -newkey rsa:2048 -nodes -keyout "$f.key" -out "$f.csr" -utf8 -subj "/CN=${who#*:}"
        openssl x509 -req -in "$f.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$f.pem" -days 10 -extfile ext.cnf
    done
    # An expired certificate needs explicit dates: openssl ca.
    touch ca/index.txt; echo 1000 > ca/serial
    cat > ca.cnf <<'EOF'
[ca]
default_ca = d
[d]
dir = ca
database = ca/index.txt
new_certs_dir = ca
serial = ca/serial
default_md = sha256
policy = p
x509_extensions = e
unique_subject = no
[p]
commonName = supplied
[e]
basicConstraints = CA:FALSE
keyUsage = critical,digitalSignature,nonRepudiation
EOF
    openssl req -newkey rsa:2048 -nodes -keyout old.key -out old.csr -subj "/CN=Vanha" &&
    openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in old.csr -out old.pem \
        -startdate 20200101000000Z -enddate 20200201000000Z
    openssl pkcs12 -export -inkey chair.key -in chair.pem -certfile ca.pem -out chair.p12 -passout pass:oikea
    echo oikea > good.pw; echo väärä > bad.pw
    openssl pkey -in secretary.key -aes256 -passout pass:oikea -out secretary-enc.key
    certutil -N -d "sql:$S/nss" --empty-password && certutil -A -d "sql:$S/nss" -n kokous-test-ca -t "CT,C,C" -i ca.pem
) > "$S/setup.log" 2>&1 || fail "sign: test CA set-up" "$(tail -5 "$S/setup.log")"

# Minutes whose signatures carry `signed`: the visible notes.
MIN="$ROOT/input/lappi/valiaikainen-valmistelutoimielin-2017-11-21.yaml"
awk '/^signatures:/ { s = 1 } s && /role: chair}/ { sub(/role: chair}/, "role: chair, signed: 2017-11-21T14:05}") }
     s && /role: secretary}/ { sub(/role: secretary}/, "role: secretary, signed: \"2017-11-22T09:30\"}") } { print }' \
    "$MIN" > "$S/minutes.yaml"
if kk check -q "$S/minutes.yaml" 2> "$S/check.err"; then pass "sign: signed times validate"; else fail "sign: signed times" "$(cat "$S/check.err")"; fi
sed 's/2017-11-21T14:05/2017-11-21 14:05/' "$S/minutes.yaml" > "$S/bad-time.yaml"
if ! kk check -q "$S/bad-time.yaml" 2> "$S/check.err" && grep -q "YYYY-MM-DDTHH:MM" "$S/check.err"; then
    pass "sign: a bad signed time is refused"; else fail "sign: bad signed time accepted" "$(cat "$S/check.err")"; fi

for pdfa in 2b 1b; do
    kk build -q --pdfa "$pdfa" "$S/minutes.yaml" -o "$S/out$pdfa" > /dev/null 2>&1
    src=$(ls "$S/out$pdfa"/*.pdf | grep -v public | head -1)
    # The two signature cells stand side by side, so their lines interleave.
    pdftotext "$src" - | python3 -c "import sys; print(sys.stdin.read().replace('\u00ad\n', '').replace('\n', ' '))" > "$S/text.txt"
    if grep -q "Sähköisesti allekirjoittanut Matti Meikäläinen, puheen" "$S/text.txt" && grep -q "johtaja, 21.11.2017 14.05" "$S/text.txt" \
        && grep -q "Sähköisesti allekirjoittanut Maija Meikäläinen, pöytäkir" "$S/text.txt" && grep -q "22.11.2017 9.30" "$S/text.txt"; then
        pass "sign $pdfa: visible note"; else fail "sign $pdfa: no visible note"; fi
    P="$S/m$pdfa.pdf"
    cp "$src" "$P"
    kk sign "$P" --key "$S/chair.p12" --password-file "$S/good.pw" --role chair --name "Matti Meikäläinen" 2> "$S/e" &&
    KK_PW=oikea kk sign "$P" --key "$S/secretary-enc.key" --password-env KK_PW --cert "$S/secretary.pem" \
        --role secretary --name "Maija Meikäläinen" 2>> "$S/e" &&
    kk sign "$P" --key "$S/checker.key" --cert "$S/checker.pem" --chain "$S/ca.pem" --role checker --name "Teppo Testaaja" \
        -o "$S/m$pdfa-3.pdf" 2>> "$S/e"
    rc=$?
    if [ "$rc" -eq 0 ]; then pass "sign $pdfa: three signatures"; else fail "sign $pdfa: exit $rc" "$(cat "$S/e")"; continue; fi
    P3="$S/m$pdfa-3.pdf"
    pdfsig -nssdir "sql:$S/nss" "$P3" > "$S/pdfsig.txt" 2>&1
    nvalid=$(grep -c "Signature is Valid." "$S/pdfsig.txt")
    ntrust=$(grep -c "Certificate is Trusted." "$S/pdfsig.txt")
    last=$(awk '/^Signature #3/ { s = 1 } s' "$S/pdfsig.txt")
    if [ "$nvalid" -eq 3 ] && [ "$ntrust" -eq 3 ] && grep -q "Total document signed" <<< "$last" \
        && [ "$(grep -c "Total document signed" "$S/pdfsig.txt")" -eq 1 ]; then
        pass "sign $pdfa: pdfsig valid, trusted, last covers all"
    else
        fail "sign $pdfa: pdfsig" "$(cat "$S/pdfsig.txt")"
    fi
    grep -q "Signature Field Name: checker" "$S/pdfsig.txt" && grep -q "Signature Type: ETSI.CAdES.detached" "$S/pdfsig.txt" &&
        pass "sign $pdfa: fields named after roles, CAdES" || fail "sign $pdfa: field names/type" "$(cat "$S/pdfsig.txt")"
    if qpdf --check "$P3" > "$S/qpdf.txt" 2>&1; then pass "sign $pdfa: qpdf --check"; else fail "sign $pdfa: qpdf --check" "$(tail "$S/qpdf.txt")"; fi
    if [ "$pdfa" = 2b ] && pdfinfo -meta "$P3" | grep -q "pdfaid:part>2\|pdfaid:part=\"2\""; then pass "sign 2b: PDF/A identification kept"
    elif [ "$pdfa" = 2b ]; then fail "sign 2b: XMP pdfaid lost"; fi
    if kk verify --ca "$S/ca.pem" "$P3" > "$S/v.txt" 2> "$S/v.err" && [ "$(grep -c ": valid$" "$S/v.txt")" -eq 3 ] \
        && [ "$(grep -c "only further signatures" "$S/v.txt")" -eq 2 ] && grep -q "the whole document" "$S/v.txt" \
        && [ "$(grep -c "certificate: trusted" "$S/v.txt")" -eq 3 ]; then
        pass "sign $pdfa: kokous verify"
    else
        fail "sign $pdfa: kokous verify" "$(cat "$S/v.txt" "$S/v.err")"
    fi
    # One flipped byte inside the signed range.
    python3 -c "import sys; d = bytearray(open(sys.argv[1], 'rb').read()); d[2000] ^= 1; open(sys.argv[2], 'wb').write(d)" "$P3" "$S/t.pdf"
    pdfsig "$S/t.pdf" > "$S/pdfsig.txt" 2>&1
    if grep -q "Digest Mismatch." "$S/pdfsig.txt"; then pass "sign $pdfa: pdfsig sees the flipped byte"; else fail "sign $pdfa: pdfsig missed tampering" "$(cat "$S/pdfsig.txt")"; fi
    if ! kk verify "$S/t.pdf" > "$S/v.txt" 2>&1 && grep -q "Digest Mismatch" "$S/v.txt"; then pass "sign $pdfa: verify fails on the flipped byte"
    else fail "sign $pdfa: verify accepted tampering" "$(cat "$S/v.txt")"; fi
done

# A later revision that changes a page (not a signature) keeps every digest
# intact but must fail kokous verify.
P3="$S/m1b-3.pdf"
if [ -f "$P3" ]; then
    python3 - "$P3" "$S/later.pdf" <<'EOF'
import re, subprocess, sys
src, dst = sys.argv[1], sys.argv[2]
d = open(src, 'rb').read()
page = int(re.search(rb'page 1: (\d+) 0 R', subprocess.run(['qpdf', '--show-pages', src], capture_output=True).stdout).group(1))
body = subprocess.run(['qpdf', '--show-object=%d' % page, src], capture_output=True).stdout.strip()
trailer = subprocess.run(['qpdf', '--show-object=trailer', src], capture_output=True).stdout
size = int(re.search(rb'/Size (\d+)', trailer).group(1))
root = re.search(rb'/Root (\d+ \d+ R)', trailer).group(1)
prev = int(re.findall(rb'startxref\s+(\d+)', d)[-1])
off = len(d)
upd = b'%d 0 obj\n' % page + body[:-2] + b' /Rotate 90 >>\nendobj\n'
x = off + len(upd)
upd += b'xref\n%d 1\n%010d 00000 n\r\ntrailer\n<< /Size %d /Root %s /Prev %d >>\nstartxref\n%d\n%%%%EOF\n' % (page, off, size, root, prev, x)
open(dst, 'wb').write(d + upd)
EOF
    if ! kk verify "$S/later.pdf" > "$S/v.txt" 2>&1 && grep -q "page object .* changed" "$S/v.txt"; then
        pass "sign: verify fails when a later revision changes a page"
    else
        fail "sign: later page change accepted" "$(cat "$S/v.txt")"
    fi
fi

# Errors leave the input untouched.
cp "$S/out2b/$(ls "$S/out2b" | grep -v public | grep pdf | head -1)" "$S/fresh.pdf"
before=$(sha256sum < "$S/fresh.pdf")
check_err() {  # name expected-message args...
    local name=$1 msg=$2
    shift 2
    kk sign "$S/fresh.pdf" "$@" > "$S/e.out" 2> "$S/e.err"
    local rc=$?
    if [ "$rc" -ne 0 ] && grep -q "$msg" "$S/e.err" && [ "$(sha256sum < "$S/fresh.pdf")" = "$before" ] \
        && [ -z "$(ls -A "$S" | grep '^\.fresh')" ]; then
        pass "sign error: $name"
    else
        fail "sign error: $name (exit $rc)" "$(cat "$S/e.err")"
    fi
}
check_err "wrong password" "wrong password" --key "$S/chair.p12" --password-file "$S/bad.pw" --role chair --name X
check_err "no password" "needs a password" --key "$S/chair.p12" --role chair --name X
check_err "wrong PEM password" "wrong password" --key "$S/secretary-enc.key" --password-file "$S/bad.pw" --cert "$S/secretary.pem" --role secretary --name X
check_err "expired certificate" "has expired" --key "$S/old.key" --cert "$S/old.pem" --role chair --name X
check_err "key and certificate differ" "does not match the certificate" --key "$S/chair.key" --cert "$S/other.pem" --role chair --name X
check_err "bad role" "chair, secretary or checker" --key "$S/chair.key" --cert "$S/chair.pem" --role boss --name X
check_err "password on the command line" "never given on the command line" --key "$S/chair.p12" --password oikea --role chair --name X
echo "tämä ei ole PDF" > "$S/not.pdf"
cp "$S/not.pdf" "$S/not.orig"
if ! kk sign "$S/not.pdf" --key "$S/chair.key" --cert "$S/chair.pem" --role chair --name X 2> "$S/e.err" \
    && grep -q "not a PDF" "$S/e.err" && cmp -s "$S/not.pdf" "$S/not.orig"; then
    pass "sign error: not a PDF"; else fail "sign error: not a PDF" "$(cat "$S/e.err")"; fi
if [ -f "$S/m2b-3.pdf" ] && ! kk sign "$S/m2b-3.pdf" --key "$S/chair.key" --cert "$S/chair.pem" --role chair --name X -o "$S/x.pdf" 2> "$S/e.err" \
    && grep -q "already has a chair signature" "$S/e.err" && [ ! -f "$S/x.pdf" ]; then
    pass "sign error: the chair signs once"; else fail "sign error: second chair signature" "$(cat "$S/e.err")"; fi
if ! kk verify "$S/fresh.pdf" > /dev/null 2> "$S/e.err" && grep -q "no signatures" "$S/e.err"; then
    pass "verify: unsigned PDF fails"; else fail "verify: unsigned PDF" "$(cat "$S/e.err")"; fi

# The signed package manifest (kk_sign_manifest, wired into archive --sign
# by the archive command): a driver program linked with the sign stage.
OBJ="$(dirname "$KOKOUS")/obj"
SAN=
[ -n "${KOKOUS_SANITIZED:-}" ] && SAN="-fsanitize=address,undefined"
cat > "$S/manifest_driver.c" <<'EOF'
#include "sign/sign.h"
#include <stdio.h>
int main(int argc, char **argv)
{
    if (argc != 4)
        return 2;
    kk_diag *d = kk_diag_new(KK_DIAG_TEXT, stderr);
    kk_sign_key_opts k = { argv[2], argv[3], NULL, NULL, NULL };
    int ok = kk_sign_manifest(argv[1], &k, d);
    kk_diag_free(d);
    return ok ? 0 : 1;
}
EOF
if ${CC:-cc} -std=c11 $SAN -I"$ROOT/src" "$S/manifest_driver.c" "$OBJ"/sign/*.o "$OBJ"/util/diag.o "$OBJ"/util/fs.o "$OBJ"/util/text.o \
        $(pkg-config --libs libqpdf openssl glib-2.0) -o "$S/manifest_driver" 2> "$S/cc.err"; then
    mkdir -p "$S/pkg/sub"
    echo '<mets/>' > "$S/pkg/METS.xml"
    cp "$S/fresh.pdf" "$S/pkg/sub/poytakirja.pdf"
    echo liite > "$S/pkg/sub/liite 1.txt"
    if "$S/manifest_driver" "$S/pkg" "$S/chair.key" "$S/chair.pem" 2> "$S/e.err" && [ -f "$S/pkg/signature.sig" ] \
        && grep -q "^sub/liite 1.txt:sha256:[0-9a-f]\{64\}" "$S/pkg/signature.sig"; then
        pass "manifest: signature.sig written"; else fail "manifest: signing" "$(cat "$S/e.err")"; fi
    if openssl smime -verify -in "$S/pkg/signature.sig" -CAfile "$S/ca.pem" -purpose any > "$S/m.txt" 2>&1 \
        && grep -q "^METS.xml:sha256:$(sha256sum < "$S/pkg/METS.xml" | cut -c1-64)" "$S/m.txt"; then
        pass "manifest: openssl smime -verify"; else fail "manifest: openssl smime -verify" "$(cat "$S/m.txt")"; fi
    # (this folder is not an archive package: the manifest is checked with
    # the signing stage alone here; kokous verify on a real package below)
    echo muutos >> "$S/pkg/sub/liite 1.txt"
    if ! kk verify "$S/pkg" > "$S/v.txt" 2>&1 && grep -q "changed after signing" "$S/v.txt"; then
        pass "manifest: a changed file fails"; else fail "manifest: changed file accepted" "$(cat "$S/v.txt")"; fi
    sed -i 's/^METS.xml:sha256:./METS.xml:sha256:0/' "$S/pkg/signature.sig"
    if ! openssl smime -verify -in "$S/pkg/signature.sig" -CAfile "$S/ca.pem" -purpose any > /dev/null 2>&1 \
        && ! kk verify "$S/pkg" > /dev/null 2>&1; then
        pass "manifest: a tampered manifest fails openssl and kokous"; else fail "manifest: tampered manifest accepted"; fi
else
    fail "manifest: driver does not build" "$(cat "$S/cc.err")"
fi
fi
for cmd in sign verify; do
    if kk $cmd --help > "$TMP/out" 2>&1 && grep -q "usage: kokous $cmd" "$TMP/out"; then pass "cli: $cmd --help"; else fail "cli: $cmd --help"; fi
done
kk sign > /dev/null 2>&1; [ $? -eq 2 ] && pass "cli: sign without arguments is a usage error" || fail "cli: sign without arguments"
kk verify > /dev/null 2>&1; [ $? -eq 2 ] && pass "cli: verify without arguments is a usage error" || fail "cli: verify without arguments"

# kokous archive --sign: a real package, signed, verified by kokous and by
# openssl; a changed file afterwards fails both.
if kk archive --sign --key "$S/chair.key" --cert "$S/chair.pem" tests/build/english.yaml -o "$S/arc" > "$S/arc.log" 2>&1; then
    pass "archive --sign"
else
    fail "archive --sign" "$(cat "$S/arc.log")"
fi
pkg=$(ls -d "$S"/arc/*/ 2>/dev/null | head -1)
pkg=${pkg%/}
if [ -n "$pkg" ] && kk verify --ca "$S/ca.pem" "$pkg" > "$S/v.txt" 2>&1 && grep -q "signature.sig: valid" "$S/v.txt"; then
    pass "archive --sign: kokous verify PACKAGE (METS and manifest)"
else
    fail "archive --sign: kokous verify" "$(cat "$S/v.txt")"
fi
if [ -n "$pkg" ] && openssl smime -verify -in "$pkg/signature.sig" -CAfile "$S/ca.pem" -purpose any > /dev/null 2>&1; then
    pass "archive --sign: openssl smime -verify"; else fail "archive --sign: openssl smime -verify"; fi
if [ -n "$pkg" ]; then
    f=$(ls "$pkg"/representations/source/data/*.yaml | head -1)
    echo "# changed" >> "$f"
    if kk verify --ca "$S/ca.pem" "$pkg" > "$S/v.txt" 2>&1; then fail "archive --sign: tampering not detected"; else pass "archive --sign: tampering detected"; fi
fi
kk archive --sign tests/build/english.yaml -o "$S/arc2" > /dev/null 2>&1
[ $? -eq 2 ] && pass "archive --sign without a key is a usage error" || fail "archive --sign without a key"
