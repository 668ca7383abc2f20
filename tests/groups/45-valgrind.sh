# Typesetting under the memory checker: one of each kind of output (official
# and public minutes, an excerpt, a notice, a memo with a logo, sv and en, a
# newsletter).  In a plain run this is a quick smoke test; under
# `make valgrind` every call runs in valgrind and a definite leak or an
# invalid read fails it.
mkdir -p "$TMP/vg-in"
cp tests/build/confidential.yaml tests/build/english.yaml tests/build/svenska.yaml \
   input/stm/tiedote-2020-03-20.yaml input/uusimaa/kuntajohtajakokous/2017-06-21.yaml "$TMP/vg-in/"
if kk build -q "$TMP/vg-in" -o "$TMP/vg-out" --excerpt 3 > "$TMP/vg.log" 2>&1; then
    pass "memcheck: build of every output kind"
else
    fail "memcheck: build" "$(tail -30 "$TMP/vg.log")"
fi
if kk digest -q input/uusimaa/uutiskirje-2017-06.yaml -o "$TMP/vg-out" > "$TMP/vg.log" 2>&1; then
    pass "memcheck: digest"
else
    fail "memcheck: digest" "$(tail -30 "$TMP/vg.log")"
fi
