# kokous build as a batch engine: -j, shards, stamps, progress, failures.
# No timing asserts here: speed is measured in bench/ (docs/performance.md).
B="$TMP/batch"
mkdir -p "$B"
nostamp() { diff -r -x '.kokous-stamp*' "$1" "$2"; }
# the messages, without LeakSanitizer's "Suppressions used" summary (make asan)
msgs() { sed '/^-\{20,\}$/,$d' "$1"; }

# -j2 gives the same files and the same messages as -j1.
kk build input tests/build --excerpt 3 -o "$B/j1" -j1 > "$B/j1.out" 2> "$B/j1.err"; rc1=$?
kk build input tests/build --excerpt 3 -o "$B/j2" -j2 > "$B/j2.out" 2> "$B/j2.err"; rc2=$?
[ "$rc1" -eq 0 ] && [ "$rc2" -eq 0 ] && pass "batch: -j1 and -j2 exit 0" || fail "batch: exit -j1 $rc1, -j2 $rc2" "$(cat "$B/j2.err")"
if nostamp "$B/j1" "$B/j2" > "$B/diff" 2>&1; then pass "batch: -j2 output byte-identical to -j1"; else fail "batch: -j2 differs from -j1" "$(head "$B/diff")"; fi
cmp -s <(msgs "$B/j1.err") <(msgs "$B/j2.err") && pass "batch: -j2 messages identical to -j1" || fail "batch: messages differ" "$(diff "$B/j1.err" "$B/j2.err")"
n=$(find input tests/build -name '*.yaml' | wc -l)
grep -qx "built $n, skipped 0, failed 0 of $n documents into $B/j2 in [0-9.]* s" "$B/j2.out" \
    && pass "batch: summary line" || fail "batch: summary line" "$(cat "$B/j2.out")"
if ! ls -A "$B/j2" | grep '^\.' | grep -qv '^\.kokous-stamp$'; then pass "batch: no staging or temporary files left"; else fail "batch: files left" "$(ls -A "$B/j2")"; fi

# Shards: every document in exactly one shard; the union, in separate
# folders or one shared folder, is byte-identical to the whole build.
mkdir -p "$B/union"
for k in 1 2 3; do
    kk build -q input tests/build --excerpt 3 -o "$B/shard$k" --shard $k/3 -j2 > /dev/null 2>&1
    kk build -q input tests/build --excerpt 3 -o "$B/shared" --shard $k/3 -j1 > /dev/null 2>&1
    cp "$B/shard$k"/* "$B/union/" 2>/dev/null
done
if nostamp "$B/union" "$B/j1" > "$B/diff" 2>&1; then pass "batch: union of 3 shards byte-identical to one build"; else fail "batch: shard union differs" "$(head "$B/diff")"; fi
if nostamp "$B/shared" "$B/j1" > "$B/diff" 2>&1; then pass "batch: 3 shards into one folder byte-identical"; else fail "batch: shared-folder shards differ" "$(head "$B/diff")"; fi
total=0
for k in 1 2 3; do c=$(ls "$B/shard$k" | grep -c '\.xml$'); total=$((total + c)); done
[ "$total" -eq "$(ls "$B/j1" | grep -c '\.xml$')" ] && pass "batch: shards partition the input" || fail "batch: shards overlap or miss ($total)"
[ "$(ls -A "$B/shared" | grep -c '^\.kokous-stamp-[123]-of-3$')" -eq 3 ] && pass "batch: one stamp per shard" || fail "batch: shard stamps" "$(ls -A "$B/shared")"
kk build -q input --shard 1/3 -o "$B/s2" > /dev/null 2>&1
kk build -q input --shard 1/3 -o "$B/s3" > /dev/null 2>&1
nostamp "$B/s2" "$B/s3" > /dev/null && pass "batch: a shard is the same every time" || fail "batch: shard not stable"
for bad in 0/3 4/3 3 a/b 1/0; do
    kk build input -o "$B/bad" --shard "$bad" > /dev/null 2>&1; rc=$?
    [ "$rc" -eq 2 ] && pass "batch: --shard $bad is a usage error" || fail "batch: --shard $bad exit $rc"
done
for bad in 0 -1 x ""; do
    kk build input -o "$B/bad" -j "$bad" > /dev/null 2>&1; rc=$?
    [ "$rc" -eq 2 ] && pass "batch: -j '$bad' is a usage error" || fail "batch: -j '$bad' exit $rc"
done

# Incremental: nothing changed -> nothing built; one YAML changed -> that
# one; its style changed -> the documents of that style; --force -> all.
cp -r input "$B/in"
mkdir -p "$B/styles" && cp styles/lappi.yaml "$B/styles/"
inc() { (cd "$B" && kk build in --styles styles -o out -j2 "$@" 2> inc.err); }
inc > /dev/null
m=$(find "$B/in" -name '*.yaml' | wc -l)
out=$(inc)
[ "$out" = "$(printf 'built 0, skipped %s, failed 0 of %s documents into out in' "$m" "$m")$(sed 's/.* in / /' <<<"$out")" ] \
    && pass "batch: rebuild without changes builds nothing" || fail "batch: no-change rebuild" "$out"
touch "$B"/in/uusimaa/*/*.yaml
grep -q "^built 0, skipped $m," <<<"$(inc)" && pass "batch: touching files without changing them builds nothing" || fail "batch: touch rebuilt"
f=$(find "$B/in/uusimaa" -name '*.yaml' | sort | head -1)
echo "# a comment" >> "$f"
grep -q "^built 1, skipped $((m - 1)), failed 0 " <<<"$(inc)" && pass "batch: one changed YAML rebuilds exactly that one" || fail "batch: changed YAML" "$(inc --force)"
nl=$(grep -rl "^style: lappi" "$B/in" | wc -l)
echo "# changed" >> "$B/styles/lappi.yaml"
grep -q "^built $nl, skipped $((m - nl)), failed 0 " <<<"$(inc)" && pass "batch: a changed style rebuilds its $nl documents" || fail "batch: changed style"
id=$(ls "$B/out" | grep '\.pdf$' | grep -v public | head -1)
rm "$B/out/$id"
grep -q "^built 1, " <<<"$(inc)" && pass "batch: a deleted output is made again" || fail "batch: deleted output not rebuilt"
[ -f "$B/out/$id" ] && pass "batch: deleted output is back" || fail "batch: deleted output missing"
grep -q "^built $m, skipped 0, failed 0 " <<<"$(inc --force)" && pass "batch: --force rebuilds all" || fail "batch: --force"
grep -q "^built $m, skipped 0, failed 0 " <<<"$(inc --excerpt 2)" && pass "batch: another option rebuilds all" || fail "batch: option change"
(cd "$B" && kk build in --styles styles -o out --excerpt 2 -j2 > /dev/null 2>&1)
(cd "$B" && kk build in --styles styles -o out2 --excerpt 2 -j1 --force > /dev/null 2>&1)
nostamp "$B/out" "$B/out2" > /dev/null && pass "batch: incremental output equals a full build" || fail "batch: incremental output differs"

# A broken document among good ones, with -j2: the others are built, exit
# 1, the error exactly as `kokous check` gives it, nothing of the broken one.
mkdir -p "$B/mixed"
cp tests/build/english.yaml tests/build/svenska.yaml tests/build/confidential.yaml "$B/mixed/"
cp tests/invalid/date-format.yaml "$B/mixed/b-broken.yaml"
kk build "$B/mixed" -o "$B/mixed-out" -j2 > /dev/null 2> "$B/mixed.err"; rc=$?
[ "$rc" -eq 1 ] && pass "batch: broken document with -j2 exits 1" || fail "batch: broken batch exit $rc"
exp="$B/mixed/b-broken.yaml:$(sed -n 's/^# expect: //p' tests/invalid/date-format.yaml | head -1)"
[ "$(cat "$B/mixed.err")" = "$exp" ] && pass "batch: broken document's error exact" || fail "batch: error text" "$(diff <(echo "$exp") "$B/mixed.err")"
[ "$(ls "$B/mixed-out" | grep -c '\.pdf$')" -eq 6 ] && pass "batch: the good documents built" || fail "batch: good documents" "$(ls "$B/mixed-out")"
kk build "$B/mixed" -o "$B/mixed-out" -j2 2>/dev/null | grep -q "^built 0, skipped 3, failed 1 " \
    && pass "batch: a failed document is tried again, the good ones skipped" || fail "batch: failed document stamp"

# Two documents with one id: the later one in input order is refused, the
# same way for -j1 and -j2 and when the earlier one is up to date.
mkdir -p "$B/dup"
cp tests/build/english.yaml "$B/dup/a.yaml"; cp tests/build/english.yaml "$B/dup/b.yaml"
kk build "$B/dup" -o "$B/dup1" -j1 > /dev/null 2> "$B/dup1.err"; r1=$?
kk build "$B/dup" -o "$B/dup2" -j2 > /dev/null 2> "$B/dup2.err"; r2=$?
kk build "$B/dup" -o "$B/dup2" -j2 > /dev/null 2> "$B/dup3.err"; r3=$?
[ "$r1$r2$r3" = 111 ] && pass "batch: duplicate id exits 1" || fail "batch: duplicate id exits $r1 $r2 $r3"
grep -q "b.yaml:.*the id \"english-memo\" is also the id of $B/dup/a.yaml" "$B/dup1.err" && pass "batch: duplicate id reported at the later file" || fail "batch: duplicate message" "$(cat "$B/dup1.err")"
cmp -s <(msgs "$B/dup1.err") <(msgs "$B/dup2.err") && cmp -s <(msgs "$B/dup1.err") <(msgs "$B/dup3.err") && pass "batch: duplicate message same for -j1, -j2, rebuild" || fail "batch: duplicate messages differ" "$(cat "$B/dup2.err" "$B/dup3.err")"

# Progress: never when stderr is not a terminal; on a terminal, yes.
if ! grep -q "docs/s" "$B/j2.err" && ! grep -q $'\r' "$B/j2.err"; then pass "batch: no progress bar when stderr is a file"; else fail "batch: progress bar in a file"; fi
if [ -z "${KOKOUS_VALGRIND:-}" ] && command -v script > /dev/null; then
    script -qec "$KOKOUS build input -o $B/tty -j2" /dev/null > "$B/tty.out" 2>&1 < /dev/null
    grep -q "docs/s" "$B/tty.out" && pass "batch: progress bar on a terminal" || fail "batch: no progress bar on a terminal" "$(cat -v "$B/tty.out" | head -5)"
    script -qec "$KOKOUS build -q input -o $B/tty2 -j2" /dev/null > "$B/tty2.out" 2>&1 < /dev/null
    ! grep -q "docs/s" "$B/tty2.out" && pass "batch: --quiet hides the progress bar" || fail "batch: progress bar with --quiet"
fi

# --no-public: no public versions, the rest byte-identical; the option is
# part of the stamp, so a later build without it writes them.
kk build -q input -o "$B/np" --no-public -j2 > /dev/null 2>&1
kk build -q input -o "$B/all" -j2 > /dev/null 2>&1
[ -z "$(ls "$B/np" | grep '\.public\.pdf$')" ] && [ -n "$(ls "$B/all" | grep '\.public\.pdf$')" ] \
    && pass "batch: --no-public writes no public PDFs" || fail "batch: --no-public" "$(ls "$B/np" | head)"
if diff -r -x '.kokous-stamp*' -x '*.public.pdf' "$B/np" "$B/all" > "$B/diff" 2>&1; then pass "batch: --no-public leaves the other files as they are"; else fail "batch: --no-public changes other files" "$(head "$B/diff")"; fi
kk build input -o "$B/np" -j2 > "$B/np.out" 2>&1
nostamp "$B/np" "$B/all" > /dev/null 2>&1 && grep -q "skipped 0," "$B/np.out" \
    && pass "batch: a build without --no-public after one with it rebuilds the public PDFs" || fail "batch: stamp ignores --no-public" "$(cat "$B/np.out")"

# A worker that dies (KOKOUS_TEST_DIE_ON: on one document, as a crash would)
# costs that document only: it is named, the exit code says 3, every other
# document is built as in a clean run, and no worker or spawner process is
# left behind; with workers replaced after every document too.
for grow in "" 1; do
    rm -rf "$B/died"
    KOKOUS_WORKER_GROWTH=$grow KOKOUS_TEST_DIE_ON=lappi/valiaikainen kk build input -o "$B/died" -j2 > "$B/died.out" 2> "$B/died.err"; rc=$?
    left=$(pgrep -f "build input -o $B/died" | wc -l)
    others=$(cd "$B/all" && ls | grep -v '^lappi-vvt-' | sort)
    built=$(cd "$B/died" && ls | sort)
    if [ "$rc" -eq 3 ] && grep -q "valiaikainen-valmistelutoimielin-2017-11-21.yaml: error: kokous stopped while typesetting this document" "$B/died.err" \
        && [ "$(grep -c "kokous stopped" "$B/died.err")" -eq 1 ] && [ "$others" = "$built" ] && [ "$left" -eq 0 ] \
        && ! ls "$B/died" | grep -q '^lappi-vvt-'; then
        pass "batch: a worker that dies costs only its document${grow:+ (workers replaced after every document)}"
    else
        fail "batch: a worker that dies (exit $rc, $left processes left)" "$(head -5 "$B/died.err"; diff <(echo "$others") <(echo "$built") | head -5)"
    fi
done

# Workers replaced as soon as they grow (KOKOUS_WORKER_GROWTH=1: after every
# document): the same files and messages, nothing reported as a crash.
KOKOUS_WORKER_GROWTH=1 kk build input tests/build --excerpt 3 -o "$B/recycled" -j2 > "$B/rec.out" 2> "$B/rec.err"; rc=$?
[ "$rc" -eq 0 ] && nostamp "$B/recycled" "$B/j1" > /dev/null 2>&1 && cmp -s <(msgs "$B/rec.err") <(msgs "$B/j1.err") \
    && pass "batch: workers replaced after every document give the same files and messages" \
    || fail "batch: replaced workers (exit $rc)" "$(head "$B/rec.err")"
# ... and the replacements start warm, forked from a state the spawner made
# once (batch.h, ops->warm): libvoikko is opened by the first two workers
# and the spawner, not again by every replacement (LD_DEBUG lists each
# process's opening of it).
if [ -z "${KOKOUS_SANITIZED:-}${KOKOUS_VALGRIND:-}" ]; then
    docs=$(find input -name '*.yaml' | wc -l)
    KOKOUS_WORKER_GROWTH=1 LD_DEBUG=files kk build -q --force --no-public input -o "$B/warm" -j2 > /dev/null 2> "$B/warm.log"
    opened=$(grep -c "file=libvoikko.so.* \[0\];  dynamically loaded" "$B/warm.log")
    if [ "$docs" -ge 6 ] && [ "$opened" -ge 1 ] && [ "$opened" -le 3 ]; then
        pass "batch: replacement workers start warm ($docs documents, libvoikko opened $opened times)"
    else fail "batch: replacement workers start cold: libvoikko opened $opened times for $docs documents"; fi
fi
