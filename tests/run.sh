#!/usr/bin/env bash
# kokous test runner: every test group, one line per failure, and a last line
# "N passed, N failed".  KOKOUS names the binary under test; KOKOUS_VALGRIND=1
# runs every kokous call under valgrind (definite leaks and errors fail).
set -u
cd "$(dirname "$0")/.."
ROOT=$PWD
KOKOUS=${KOKOUS:-build/kokous}
case "$KOKOUS" in /*) ;; *) KOKOUS="$ROOT/$KOKOUS" ;; esac
export KOKOUS ROOT
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1500000000}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/kokous-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export TMP

PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); [ -n "${VERBOSE:-}" ] && echo "ok   $1"; return 0; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $1"; [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/     /' | head -40; return 0; }

# kk ARGS...: run kokous (under valgrind when asked); stdout/stderr as usual.
kk() {
    if [ -n "${KOKOUS_VALGRIND:-}" ]; then
        # glibc's AVX2 wmemcmp (called by libvoikko) reads whole vectors: a
        # known valgrind false positive; the baseline version is exact.
        GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX2,-AVX512F,-EVEX valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
            --show-leak-kinds=definite --suppressions="$ROOT/tests/valgrind.supp" "$KOKOUS" "$@"
    else
        "$KOKOUS" "$@"
    fi
}

# TEST_GROUPS="10 20" runs only the groups whose names start so.
for group in tests/groups/*.sh; do
    if [ -n "${TEST_GROUPS:-}" ]; then
        name=$(basename "$group")
        case " $TEST_GROUPS " in *" ${name%%-*} "*) ;; *) continue ;; esac
    fi
    # shellcheck source=/dev/null
    . "$group"
done

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
