# Invalid documents: each file in tests/invalid/ starts with a comment
#   # expect: LINE:COL: MESSAGE
# and kokous check must print exactly that one error, exit 1.
for f in tests/invalid/*.yaml; do
    name=${f#tests/invalid/}
    want=$(sed -n '1s/^# expect: //p' "$f")
    got=$(cd tests/invalid && kk check --quiet "$name" 2>&1 >/dev/null)
    rc=$?
    if [ "$rc" -ne 1 ]; then
        fail "invalid/$name: exit $rc, want 1" "$got"
    elif [ "$got" != "$name:$want" ]; then
        fail "invalid/$name" "want: $name:$want
got:  $got"
    else
        pass "invalid/$name"
    fi
done
