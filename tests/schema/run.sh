#!/bin/sh
# Validate the hand-made canonical XML against schema/kokous.xsd:
# every tests/schema/valid/*.xml must pass, every tests/schema/invalid/*.xml
# must fail with a schema validity error (xmllint exit 3), not because the
# file is malformed or the schema does not compile.
# Usage: tests/schema/run.sh [SCHEMA]   (run from anywhere)
here=$(cd "$(dirname "$0")" && pwd)
schema=${1:-$here/../../schema/kokous.xsd}
passed=0
failed=0
for f in "$here"/valid/*.xml; do
    if out=$(xmllint --noout --schema "$schema" "$f" 2>&1); then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        printf 'FAIL (should validate): %s\n%s\n' "$f" "$out"
    fi
done
for f in "$here"/invalid/*.xml; do
    xmllint --noout --schema "$schema" "$f" >/dev/null 2>&1
    rc=$?
    if [ "$rc" -eq 3 ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        printf 'FAIL (should be rejected by the schema, xmllint exit %s): %s\n' "$rc" "$f"
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
