#!/usr/bin/env bash
# make bench: measure kokous against the yardstick (bare Pango+Cairo) and
# Typst on this machine, in one run, and write docs/performance.md.
# Not part of make check.  BENCH_QUICK=1 for a short run (smaller batches).
set -eu
cd "$(dirname "$0")/.."
W=build/bench
mkdir -p "$W"
LIMIT=${BENCH_LIMIT:-../shared/bench-limit}
[ -d "$LIMIT" ] || LIMIT=/work/shared/bench-limit
cc -O2 "$LIMIT/minutes2pdf.c" -o "$W/minutes2pdf" $(pkg-config --cflags --libs pangocairo cairo-pdf fontconfig glib-2.0)
# Typst, in-process through its Node binding (optional: the table says so when missing)
if [ ! -d "$W/node/node_modules/@myriaddreamin/typst-ts-node-compiler" ]; then
    (mkdir -p "$W/node" && cd "$W/node" && npm install --no-audit --no-fund --silent @myriaddreamin/typst-ts-node-compiler > npm.log 2>&1) \
        || echo "bench: npm install of @myriaddreamin/typst-ts-node-compiler failed (see $W/node/npm.log); Typst rows left out" >&2
fi
exec python3 bench/bench.py "$LIMIT" "$W"
