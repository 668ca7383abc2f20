# The schema on its own (xmllint, an external validator): hand-written valid
# XML passes, each invalid XML breaks exactly one rule and fails.  And the
# loader agrees with the independently written reference XML (C14N-equal).
for x in tests/schema/valid/*.xml; do
    if xmllint --noout --nonet --schema schema/kokous.xsd "$x" 2>"$TMP/x.err"; then pass "xsd valid $(basename "$x")"; else fail "xsd rejects $x" "$(cat "$TMP/x.err")"; fi
    y=${x%.xml}.yaml
    if [ -f "$y" ] && kk xml "$y" > "$TMP/ref.xml" 2>"$TMP/ref.err" \
        && xmllint --c14n "$TMP/ref.xml" > "$TMP/a.c14n" && xmllint --c14n "$x" > "$TMP/b.c14n" && cmp -s "$TMP/a.c14n" "$TMP/b.c14n"; then
        pass "loader matches reference $(basename "$x")"
    else
        fail "loader output differs from $x" "$(cat "$TMP/ref.err"; diff <(xmllint --format "$x") <(xmllint --format "$TMP/ref.xml") | head -20)"
    fi
done
for x in tests/schema/invalid/*.xml; do
    xmllint --noout --nonet --schema schema/kokous.xsd "$x" > /dev/null 2>&1
    rc=$?
    # 3 = not valid against the schema (1 would be malformed XML: a broken test)
    if [ "$rc" -eq 3 ]; then pass "xsd invalid $(basename "$x")"; else fail "xsd invalid $(basename "$x"): xmllint exit $rc, want 3"; fi
done
