# common.sh — sourced first by the unit test scripts (tests/unit/NAME.sh,
# run from the repository root): CC, SAN (the sanitizer flags when make
# asan runs the suite: KOKOUS_SANITIZED=1), fail(), $B a fresh
# build/NAME.d with run1/ and run2/ in it, and finish, the last command:
# it prints the summary and its status is the script's.
set -u
CC=${CC:-cc}
UNIT=$(basename "$0" .sh)
B=build/$UNIT.d
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
SAN=""
[ "${KOKOUS_SANITIZED:-0}" = 1 ] && SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
mkdir -p build && rm -rf "$B" && mkdir -p "$B/run1" "$B/run2" || exit 1
finish() {
    if [ "$fails" -eq 0 ]; then echo "$UNIT.sh: all checks passed"; else echo "$UNIT.sh: $fails failure(s)"; fi
    [ "$fails" -eq 0 ]
}
