# Canonical XML of every document in input/: equal to the golden file, and
# valid against schema/kokous.xsd with xmllint (an external verifier).
# UPDATE_GOLDEN=1 rewrites the golden files (review the diff!).
while IFS= read -r f; do
    rel=${f#input/}
    golden="tests/golden/xml/${rel%.*}.xml"
    out="$TMP/golden.xml"
    if ! kk xml "$f" > "$out" 2> "$TMP/golden.err"; then
        fail "xml $rel: kokous xml failed" "$(cat "$TMP/golden.err")"
        continue
    fi
    if [ -n "${UPDATE_GOLDEN:-}" ]; then
        mkdir -p "$(dirname "$golden")"
        cp "$out" "$golden"
    fi
    if ! cmp -s "$out" "$golden"; then
        fail "xml $rel differs from $golden" "$(diff "$golden" "$out" | head -20)"
    elif ! xmllint --noout --nonet --schema schema/kokous.xsd "$out" 2> "$TMP/xmllint.err"; then
        fail "xml $rel: xmllint rejects it" "$(cat "$TMP/xmllint.err")"
    else
        pass "xml $rel"
    fi
done < <(find input -name '*.yaml' | sort)
