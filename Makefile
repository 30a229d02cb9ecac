# bulletin — build, demo, tests. See README.md.
PREFIX    ?= /usr/local
BINDIR     = $(PREFIX)/bin
SHAREDIR   = $(PREFIX)/share/bulletin
LIBEXECDIR = $(PREFIX)/lib/bulletin

PKGS      = harfbuzz harfbuzz-subset freetype2 fontconfig libcmark yaml-0.1 libunibreak \
            libutf8proc libpng libjpeg icu-i18n icu-uc zlib
# Only bulletin-import links these (see src/import_main.c).
IMPORT_PKGS = libzip libxml-2.0
# Debian packages: libraries (checked with pkg-config), then fonts and PDF tools.
DEB_LIBS  = libhpdf-dev libharfbuzz-dev libfreetype-dev libfontconfig-dev libcmark-dev \
            libyaml-dev libunibreak-dev libutf8proc-dev libpng-dev libjpeg-dev libicu-dev zlib1g-dev \
            libzip-dev libxml2-dev \
            pkg-config
DEB_TOOLS = fonts-liberation2 fonts-noto-core qpdf poppler-utils icu-devtools mupdf-tools imagemagick \
            icc-profiles-free default-jre-headless libpdfbox2-java libactivation-java libjaxb-api-java \
            clang libclang-rt-14-dev valgrind time zip

build     ?= release
CC        ?= cc
WARN       = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS_release  = -O2 -g
CFLAGS_debug    = -O0 -g3
CFLAGS_sanitize = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
                  -fno-sanitize-recover=all
CFLAGS    ?= $(CFLAGS_$(build))
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) $(IMPORT_PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
IMPORT_LIBS = $(shell pkg-config --libs $(IMPORT_PKGS) 2>/dev/null)
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(PKG_CFLAGS) \
             -DBULLETIN_SHARE='"$(SHAREDIR)"' -DBULLETIN_LIBEXEC='"$(LIBEXECDIR)"'
LDLIBS     = $(PKG_LIBS) -lhpdf -lm -lpthread
LDFLAGS_sanitize = -fsanitize=address,undefined
ALL_LDFLAGS = $(LDFLAGS) $(LDFLAGS_$(build))

OBJDIR     = build/$(build)
SRC        = $(wildcard src/*.c)
IMPORT_SRC = src/import.c src/import_text.c src/import_html.c src/import_docx.c src/cmd_import.c
LIB_SRC    = $(filter-out src/main.c src/import_main.c $(IMPORT_SRC),$(SRC))
LIB_OBJ    = $(LIB_SRC:src/%.c=$(OBJDIR)/%.o)
IMPORT_OBJ = $(IMPORT_SRC:src/%.c=$(OBJDIR)/%.o)
# Tests and fuzz harnesses link everything.
ALL_OBJ    = $(LIB_OBJ) $(IMPORT_OBJ)
UNIT_SRC   = $(wildcard tests/unit/test_*.c)
UNIT_BIN   = $(UNIT_SRC:tests/unit/%.c=$(OBJDIR)/tests/%)

FUZZ_TARGETS = manifest article template text import
FUZZ_TIME ?= 60
REPLAY_BIN = $(FUZZ_TARGETS:%=$(OBJDIR)/fuzz/replay_%)
CFLAGS_fuzz = -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
LDFLAGS_fuzz = -fsanitize=address,undefined

DEMO_ISSUE = examples/ban-tin-mau/issue.yaml
DEMO_PDF   = ban-tin-mau.pdf

.PHONY: all deps demo bench test test-unit test-e2e test-asan test-valgrind install clean format \
        typo-report fuzz fuzz-bins

all: bulletin

# The binary sits at the top of the tree, beside layouts/ and fonts/, so
# it finds them without installing; `make install` puts both in PREFIX.
# bulletin-import beside it is what `bulletin import` runs.
bulletin: $(OBJDIR)/bulletin bulletin-import
	cp $< $@

bulletin-import: $(OBJDIR)/bulletin-import
	cp $< $@

$(OBJDIR)/bulletin: $(OBJDIR)/main.o $(LIB_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(OBJDIR)/bulletin-import: $(OBJDIR)/import_main.o $(IMPORT_OBJ) $(LIB_OBJ)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(IMPORT_LIBS) $(LDLIBS)

$(OBJDIR)/%.o: src/%.c $(wildcard src/*.h) | $(OBJDIR)/.deps-ok
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Fuzz harnesses with a plain main: saved inputs replay in make test.
$(OBJDIR)/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(ALL_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc -Itests/fuzz $(ALL_LDFLAGS) -o $@ $< tests/fuzz/replay.c $(ALL_OBJ) $(IMPORT_LIBS) $(LDLIBS)

# libFuzzer builds (clang): make fuzz FUZZ_TIME=seconds-per-target.
$(OBJDIR)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(ALL_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc -Itests/fuzz -fsanitize=fuzzer,address,undefined -o $@ $< $(ALL_OBJ) $(IMPORT_LIBS) $(LDLIBS)

fuzz-bins: $(FUZZ_TARGETS:%=$(OBJDIR)/fuzz/fuzz_%)

fuzz:
	@command -v clang >/dev/null || { echo "fuzz: clang is missing (apt-get install clang libclang-rt-14-dev)"; exit 1; }
	$(MAKE) build=fuzz CC=clang fuzz-bins
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/corpus-$$t build/fuzz/artifacts; \
	  echo "fuzz: $$t for $(FUZZ_TIME) s"; \
	  ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=tests/fuzz/lsan.supp build/fuzz/fuzz/fuzz_$$t build/fuzz/corpus-$$t tests/fuzz/corpus/$$t \
	    -max_total_time=$(FUZZ_TIME) -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
	    -artifact_prefix=build/fuzz/artifacts/$$t- -print_final_stats=1 2>build/fuzz/$$t.log \
	    || { tail -40 build/fuzz/$$t.log; echo "fuzz: $$t FAILED; input saved in build/fuzz/artifacts"; exit 1; }; \
	  grep -E '^stat::number_of_executed_units|^stat::new_units_added|^stat::peak_rss_mb' build/fuzz/$$t.log | tr '\n' ' '; echo; \
	done

$(OBJDIR)/tests/%: tests/unit/%.c tests/unit/harness.h $(ALL_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Isrc $(ALL_LDFLAGS) -o $@ $< $(ALL_OBJ) $(IMPORT_LIBS) $(LDLIBS)

# Checks libraries with pkg-config and tools with command -v; installs what
# is missing when run as root, else prints the command to run.
$(OBJDIR)/.deps-ok:
	@$(MAKE) --no-print-directory deps
	@mkdir -p $(OBJDIR) && touch $@

deps:
	@sh tests/deps.sh $(DEB_LIBS) -- $(DEB_TOOLS)

demo: bulletin
	./bulletin build $(DEMO_ISSUE) -o $(DEMO_PDF)
	@echo "wrote $(DEMO_PDF)"

# Speed and memory of the release build on generated corpora (not a test).
# BENCH="small large" picks corpora; BENCH_RUNS=N the runs of each.
bench: bulletin
	@bash tests/bench/run.sh ./bulletin build/bench $(BENCH)

test: bulletin $(UNIT_BIN) $(REPLAY_BIN)
	@sh tests/run.sh $(OBJDIR)

test-asan:
	$(MAKE) build=sanitize bulletin-asan
	@ASAN_OPTIONS=detect_leaks=1:exitcode=86 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/fuzz/lsan.supp UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=86 BULLETIN_DATADIR=$(CURDIR) BULLETIN_BIN=build/sanitize/bulletin sh tests/run.sh build/sanitize

bulletin-asan: $(OBJDIR)/bulletin $(OBJDIR)/bulletin-import $(UNIT_BIN) $(REPLAY_BIN)

# The whole suite with every bulletin run under valgrind (slow).
test-valgrind: bulletin $(UNIT_BIN) $(REPLAY_BIN)
	@VALGRIND=1 BULLETIN_BIN=$(CURDIR)/tests/valgrind-bulletin sh tests/run.sh $(OBJDIR)

install: bulletin
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SHAREDIR)/layouts $(DESTDIR)$(SHAREDIR)/fonts \
	  $(DESTDIR)$(LIBEXECDIR)
	install -m 755 bulletin $(DESTDIR)$(BINDIR)/bulletin
	install -m 755 bulletin-import $(DESTDIR)$(LIBEXECDIR)/bulletin-import
	install -m 644 layouts/*.yaml $(DESTDIR)$(SHAREDIR)/layouts/
	install -m 644 fonts/bulletin.conf $(DESTDIR)$(SHAREDIR)/fonts/

clean:
	rm -rf build bulletin bulletin-import $(DEMO_PDF)

format:
	clang-format -i src/*.c src/*.h tests/unit/*.c tests/unit/*.h

# Typographic measures read back from the PDFs (word spacing as a reader
# sees it): the sample and a long generated issue in the default and A4
# layouts, and the published corpus when ../shared/corpus exists.
TYPO_DIR = build/typo
typo-report: bulletin
	@rm -rf $(TYPO_DIR) && mkdir -p $(TYPO_DIR)
	@sh tests/typo/gen_issue.sh examples/ban-tin-mau $(TYPO_DIR)/long
	@for layout in ban-tin a4-3-cot; do \
	  ./bulletin build $(DEMO_ISSUE) --layout $$layout -o $(TYPO_DIR)/sample-$$layout.pdf \
	    --report $(TYPO_DIR)/sample-$$layout.json 2>/dev/null; \
	  sh tests/typo/report.sh $(TYPO_DIR)/sample-$$layout.pdf 10 "sample, $$layout"; \
	  ./bulletin build $(TYPO_DIR)/long/issue.yaml --layout $$layout -o $(TYPO_DIR)/long-$$layout.pdf \
	    2>/dev/null; \
	  sh tests/typo/report.sh $(TYPO_DIR)/long-$$layout.pdf 10 "generated, $$layout"; \
	  if [ -d ../shared/corpus/articles ]; then \
	    sh tests/typo/corpus_issue.sh ../shared/corpus $(TYPO_DIR)/corpus; \
	    ./bulletin build $(TYPO_DIR)/corpus/issue.yaml --layout $$layout \
	      -o $(TYPO_DIR)/corpus-$$layout.pdf 2>/dev/null; \
	    sh tests/typo/report.sh $(TYPO_DIR)/corpus-$$layout.pdf 10 "corpus, $$layout"; \
	  fi; \
	done
