# Unit tests of single modules (each script builds its own test program with
# -Wall -Wextra -Werror and checks its results with external tools).
for t in tests/unit/layout_test.sh tests/unit/kept_test.sh tests/unit/text_test.sh tests/unit/locale_test.sh tests/unit/pdf_finish_test.sh tests/unit/pdf_content_test.sh tests/unit/pdf_object_test.sh tests/unit/pdf_font_test.sh; do
    if bash "$t" > "$TMP/unit.log" 2>&1; then pass "unit $(basename "$t")"; else fail "unit $t" "$(tail -20 "$TMP/unit.log")"; fi
done
if cc -std=c11 -Wall -Wextra -Werror -O2 -Isrc tests/unit/hyphenate_test.c src/layout/hyphenate.c src/layout/hyphenate_cache.c src/layout/hyphenate_prefetch.c src/util/text.c \
        $(pkg-config --cflags --libs libvoikko glib-2.0) -lhyphen -o "$TMP/hyphenate_test" 2> "$TMP/unit.log" \
    && "$TMP/hyphenate_test" "$ROOT/../shared/seeds" > "$TMP/unit.log" 2>&1; then
    pass "unit hyphenate_test"
else
    fail "unit hyphenate_test" "$(grep -v '^ok' "$TMP/unit.log" | tail -20)"
fi
# The unit tests read styles and locales as XML fixtures: they must be what
# kokous makes of the YAML files today (UPDATE_GOLDEN=1 refreshes them).
for l in fi sv en; do
    kk xml --locale "styles/locale/$l.yaml" > "$TMP/fx.xml"
    [ -n "${UPDATE_GOLDEN:-}" ] && cp "$TMP/fx.xml" "tests/unit/fixtures/locale-$l.xml"
    if cmp -s "$TMP/fx.xml" "tests/unit/fixtures/locale-$l.xml"; then pass "fixture locale-$l"; else fail "fixture locale-$l.xml is stale"; fi
done
for s in default uusimaa popsote lappi; do
    kk xml --style "styles/$s.yaml" > "$TMP/fx.xml"
    [ -n "${UPDATE_GOLDEN:-}" ] && cp "$TMP/fx.xml" "tests/unit/fixtures/style-$s.xml"
    if cmp -s "$TMP/fx.xml" "tests/unit/fixtures/style-$s.xml"; then pass "fixture style-$s"; else fail "fixture style-$s.xml is stale"; fi
done
