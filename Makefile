# kokous — plain Makefile.  `make help` lists the targets.
VERSION  := 0.1.0
PREFIX   ?= /usr/local
DESTDIR  ?=
CC       ?= cc
BUILD    ?= build

PKGS     := yaml-0.1 libxml-2.0 pangoft2 cairo-pdf cairo-ft harfbuzz fontconfig libpng libcmark libvoikko libqpdf openssl zlib libdeflate
CFLAGS   ?= -O2 -g
WARN     := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libvoikko, libqpdf, libcairo and libcrypto are opened when first needed
# (src/util/*_lazy.c), not linked: they cost every run start-up time
LAZY_PKGS  = libvoikko libqpdf cairo-pdf cairo-ft openssl
PKG_LIBS   = $(shell pkg-config --libs $(filter-out $(LAZY_PKGS),$(PKGS)) 2>/dev/null) -lhyphen
# The sonames of the libraries opened on first use, as the installed
# development files name them (the sources fall back to Debian 12's).
# $(call soname,PACKAGE,LIBRARY): LIBRARY defaults to PACKAGE.
soname = $(shell objdump -p $(shell pkg-config --variable=libdir $(1) 2>/dev/null)/$(or $(2),$(1)).so 2>/dev/null | awk '/SONAME/ {print $$2}')
QPDF_SONAME    = $(call soname,libqpdf)
VOIKKO_SONAME  = $(call soname,libvoikko)
CAIRO_SONAME   = $(call soname,cairo,libcairo)
CRYPTO_SONAME  = $(call soname,libcrypto)
LAZY_DEFS  = $(if $(QPDF_SONAME),-DKK_QPDF_SONAME='"$(QPDF_SONAME)"') $(if $(VOIKKO_SONAME),-DKK_VOIKKO_SONAME='"$(VOIKKO_SONAME)"') \
             $(if $(CAIRO_SONAME),-DKK_CAIRO_SONAME='"$(CAIRO_SONAME)"') $(if $(CRYPTO_SONAME),-DKK_CRYPTO_SONAME='"$(CRYPTO_SONAME)"')
ALL_CFLAGS = $(WARN) $(CFLAGS) -Isrc -I$(BUILD) -DKK_VERSION='"$(VERSION)"' $(LAZY_DEFS) $(PKG_CFLAGS)

SRC      := $(sort $(wildcard src/*/*.c))
OBJ      := $(SRC:src/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/embedded_data.o
EMBED    := $(sort $(wildcard schema/*.xsd schema/*.txt schema/external/* docs/archive.md styles/*.yaml styles/locale/*.yaml styles/logos/*.png docs/help/*.txt))

.PHONY: all deps run check asan valgrind install uninstall clean bench help fuzz

all: $(BUILD)/kokous

help:
	@echo "make          build $(BUILD)/kokous"
	@echo "make run      install missing Debian packages, build, typeset input/ into output/"
	@echo "make check    the same set-up, then every test (tests/run.sh)"
	@echo "make asan     the test suite under AddressSanitizer + UBSan"
	@echo "make valgrind the test suite under valgrind"
	@echo "make install  install to \$$(DESTDIR)\$$(PREFIX) (PREFIX=$(PREFIX))"
	@echo "make bench    benchmarks (bench/), not part of check"

deps:
	@tools/deps.sh

$(BUILD)/embed: tools/embed.c
	@mkdir -p $(@D)
	$(CC) -O1 -o $@ $<

$(BUILD)/embedded_data.c: $(BUILD)/embed $(EMBED) Makefile
	$(BUILD)/embed $@ $(EMBED)

$(BUILD)/obj/embedded_data.o: $(BUILD)/embedded_data.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/kokous: $(OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJ) $(PKG_LIBS) -lm

-include $(OBJ:.o=.d)

run: deps
	$(MAKE) all
	$(BUILD)/kokous build input -o output

check: deps
	$(MAKE) all
	KOKOUS=$(BUILD)/kokous tests/run.sh

asan: deps
	$(MAKE) BUILD=build/asan CC=clang CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" LDFLAGS="-fsanitize=address,undefined" all
	ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp UBSAN_OPTIONS=print_stacktrace=1 \
	  KOKOUS=build/asan/kokous KOKOUS_SANITIZED=1 tests/run.sh

# Under valgrind every kokous call is ~20x slower, so by default the groups
# that exercise the loader, validator and command line run in full and the
# typesetting groups are sampled by 45-valgrind (VALGRIND_GROUPS=all: all).
VALGRIND_GROUPS ?= 10 15 20 25 30 45
valgrind: deps
	$(MAKE) BUILD=build/valgrind CFLAGS="-O1 -g" all
	KOKOUS=build/valgrind/kokous KOKOUS_VALGRIND=1 \
	  TEST_GROUPS="$(filter-out all,$(VALGRIND_GROUPS))" tests/run.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/kokous $(DESTDIR)$(PREFIX)/bin/kokous
	install -m 644 docs/kokous.1 $(DESTDIR)$(PREFIX)/share/man/man1/kokous.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/kokous $(DESTDIR)$(PREFIX)/share/man/man1/kokous.1

bench: all
	bench/run.sh

# libFuzzer over the loader, schema and rules (not part of check: it runs
# until stopped); the seed corpus is input/ and tests/invalid/.
FUZZ_SRC := $(filter-out src/cli/% src/layout/% src/render/% src/archive/% src/sign/%,$(SRC))
fuzz: deps $(BUILD)/embedded_data.c
	@mkdir -p build/fuzz/corpus
	clang $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined -Isrc -Ibuild $(PKG_CFLAGS) \
	  fuzz/load_fuzz.c $(FUZZ_SRC) $(BUILD)/embedded_data.c -o build/fuzz/load_fuzz $(PKG_LIBS) -lm
	cp input/*/*.yaml input/*/*/*.yaml tests/invalid/*.yaml build/fuzz/corpus/ 2>/dev/null || true
	build/fuzz/load_fuzz -max_total_time=$${FUZZ_SECONDS:-60} -rss_limit_mb=2048 build/fuzz/corpus

clean:
	rm -rf build output
