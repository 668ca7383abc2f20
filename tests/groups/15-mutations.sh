# Hostile input, cheaply: 400 seeded mutants of real documents (bytes
# flipped, lines cut, duplicated and shuffled, indentation broken) go through
# `kokous check` in one batch.  Every one must be answered with exit 0 or 1
# and messages in the file:line:col form; under `make asan` this also proves
# the loader free of memory errors on them.  (`make fuzz` runs libFuzzer.)
mkdir -p "$TMP/mut"
python3 - "$TMP/mut" <<'PY'
import glob, os, random, sys
random.seed(20261123)
out = sys.argv[1]
seeds = sorted(glob.glob('input/**/*.yaml', recursive=True)) + sorted(glob.glob('tests/build/*.yaml'))
for n in range(400):
    data = bytearray(open(random.choice(seeds), 'rb').read())
    lines = data.split(b'\n')
    op = n % 8
    if op == 0:
        for _ in range(random.randint(1, 8)):
            i = random.randrange(len(data)); data[i] = random.randrange(256)
    elif op == 1:
        data = data[:random.randrange(len(data))]
    elif op == 2:
        i = random.randrange(len(lines)); lines.insert(i, lines[random.randrange(len(lines))]); data = b'\n'.join(lines)
    elif op == 3:
        random.shuffle(lines); data = b'\n'.join(lines)
    elif op == 4:
        i = random.randrange(len(lines)); lines[i] = b' ' * random.randint(1, 7) + lines[i]; data = b'\n'.join(lines)
    elif op == 5:
        i = random.randrange(len(data)); data[i:i] = random.choice([b'&a ', b'*a', b'{', b'[', b'"', b"'", b'\t', b'---\n', b'? ', b'!!binary ', b'\xc3', b'\x00', b'{{'])
    elif op == 6:
        i = random.randrange(len(lines)); lines[i] = lines[i].replace(b': ', b':  ', 1).replace(b'- ', b'-', 1); data = b'\n'.join(lines)
    else:
        data = data.replace(b'20', b'2O', random.randint(1, 3))
    open(os.path.join(out, '%03d.yaml' % n), 'wb').write(bytes(data))
PY
kk check --quiet "$TMP/mut" > /dev/null 2> "$TMP/mut.err"
rc=$?
if [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; then pass "mutants: 400 checked, exit $rc"; else fail "mutants: exit $rc" "$(tail -20 "$TMP/mut.err")"; fi
if ! grep -v -E '^[^:]+\.yaml:[0-9]+:[0-9]+: (error|warning): .+' "$TMP/mut.err" | grep -q .; then
    pass "mutants: every message has file:line:col"
else
    fail "mutants: messages without a position" "$(grep -v -E '^[^:]+\.yaml:[0-9]+:[0-9]+: (error|warning): .+' "$TMP/mut.err" | head -5)"
fi
n=$(grep -c ': error: ' "$TMP/mut.err")
[ "$n" -ge 200 ] && pass "mutants: $n errors found" || fail "mutants: only $n errors: the mutations do not bite"
