# The built-in styles and locales are valid: kokous trusts their bytes at
# run time (it does not compile the style and locale XSDs to check them), so
# this is where they are checked.  A changed copy under styles/ is still
# validated (and a broken one refused) like any user file.
for f in styles/*.yaml styles/locale/*.yaml; do
    case "$f" in styles/locale/*) kind=--locale ;; *) kind=--style ;; esac
    if kk xml "$kind" "$f" > /dev/null 2> "$TMP/err" && [ ! -s "$TMP/err" ]; then
        pass "builtin data: $f is valid"
    else
        fail "builtin data: $f does not validate" "$(cat "$TMP/err")"
    fi
done
mkdir -p "$TMP/bd/styles/locale"
sed 's/^language: fi$/language: fi\nstyle: default/' tests/cli/valid-memo.yaml > "$TMP/bd/doc.yaml"
# the same bytes as the built-in default: accepted as it is
cp styles/default.yaml "$TMP/bd/styles/default.yaml"
if (cd "$TMP/bd" && kk check doc.yaml > /dev/null 2> err); then
    pass "builtin data: a copy of a built-in style"
else
    fail "builtin data: a copy of a built-in style" "$(cat "$TMP/bd/err")"
fi
# a changed default style and locale in ./styles are read and validated:
# `kk check` must fail with an error matching PATTERN
rejected() {  # NAME PATTERN
    (cd "$TMP/bd" && kk check doc.yaml > /dev/null 2> err)
    local rc=$?
    if [ "$rc" -eq 1 ] && grep -q "$2" "$TMP/bd/err"; then pass "builtin data: $1"; else fail "builtin data: $1 (exit $rc)" "$(cat "$TMP/bd/err")"; fi
}
sed 's/^  accent: .*/  accent: blue/' styles/default.yaml > "$TMP/bd/styles/default.yaml"
rejected "a changed style named like a built-in is validated" 'styles/default.yaml:.*error: .*"blue" is not a valid value'
cp styles/default.yaml "$TMP/bd/styles/default.yaml"
{ cat styles/locale/fi.yaml; printf 'nosuchlabel: x\n'; } > "$TMP/bd/styles/locale/fi.yaml"
rejected "a changed locale is validated" 'styles/locale/fi.yaml:.*error'
