# gluteal - build, test, demo. `make` builds ./build/gluteal; `make test` builds
# again under AddressSanitizer + UndefinedBehaviorSanitizer and runs every test.
# Warnings are errors everywhere (WERROR=0 to relax locally).

CC      ?= cc
BUILD   ?= build
WERROR  ?= 1
SAN     ?=
VERSION := 0.1.0

WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith \
           -Wcast-qual -Wundef -Wvla -Wformat=2 -Wno-format-nonliteral
ifneq ($(CC),clang)
WARN    += -Wno-format-truncation
else
WARN    += -Wno-string-concatenation # SQL migrations are long literals split over lines
endif
WARN    +=
ifeq ($(WERROR),1)
WARN    += -Werror
endif
OPT     ?= -O2 -g
ifeq ($(SAN),1)
OPT     := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
endif
ifeq ($(SAN),fuzz)
OPT     := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
endif
CPPFLAGS += -Iinclude -Isrc -D_POSIX_C_SOURCE=200809L -DGLUTEAL_VERSION='"$(VERSION)"'
CFLAGS  += -std=c11 $(WARN) $(OPT) -MMD -MP
LDLIBS  += -ljansson -lmicrohttpd -lsqlite3 -lcrypto -lpthread -lm
LDFLAGS += $(filter -fsanitize=%,$(OPT))

# Every subsystem folder under src/ is part of the library except the front end.
# EXCLUDE='src/http/% src/cli/cli_serve.c' builds around an unfinished folder.
EXCLUDE ?=
LIB_SRC := $(sort $(filter-out src/cli/% $(EXCLUDE),$(wildcard src/*/*.c)))
CLI_SRC := $(sort $(filter-out $(EXCLUDE),$(wildcard src/cli/*.c)))
TEST_SRC := $(sort $(wildcard tests/unit/*.c))
KB_FILES := $(sort $(wildcard kb/*.tsv kb/*/*.tsv))

LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/kb_embed.o $(BUILD)/obj/web_embed.o
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/obj/%.o)

.PHONY: all test demo check-deps clean bench fuzz fuzz-build lint web-deps serve bench-service

all: $(BUILD)/gluteal

$(BUILD)/gluteal: $(CLI_OBJ) $(BUILD)/libgluteal.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libgluteal.a $(LDLIBS)

$(BUILD)/libgluteal.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/test_unit: $(TEST_OBJ) $(BUILD)/libgluteal.a
	$(CC) $(LDFLAGS) -o $@ $(TEST_OBJ) $(BUILD)/libgluteal.a $(LDLIBS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The built-in knowledge base: every kb/*.tsv file as bytes in the binary.
$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	$(CC) -std=c11 -O1 -Wall -Wextra -o $@ $<

$(BUILD)/kb_embed.c: $(BUILD)/tools/embed $(KB_FILES)
	$(BUILD)/tools/embed $@ kb $(KB_FILES)

$(BUILD)/obj/kb_embed.o: $(BUILD)/kb_embed.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -std=c11 $(OPT) -c -o $@ $<

# The web page (web/*) embedded the same way, under the names web_embedded[].
WEB_FILES := $(sort $(wildcard web/*.html web/*.js web/*.css))
$(BUILD)/web_embed.c: $(BUILD)/tools/embed $(WEB_FILES)
	$(BUILD)/tools/embed $@.tmp web $(WEB_FILES)
	sed -e 's/kb_embedded\[\]/web_embedded[]/' -e 's/kb_embedded_count/web_embedded_count/' $@.tmp >$@ && rm -f $@.tmp

$(BUILD)/obj/web_embed.o: $(BUILD)/web_embed.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -std=c11 $(OPT) -c -o $@ $<

# Debian packages the build and tests need; installs only what is missing.
DEPS := gcc make libjansson-dev libmicrohttpd-dev libsqlite3-dev libssl-dev pkg-config python3 curl
check-deps:
	@missing=""; for p in $(DEPS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$missing; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq $$missing; fi; \
	fi

demo: check-deps
	@$(MAKE) --no-print-directory all
	./$(BUILD)/gluteal assess examples/upmc-golfer.json

test: check-deps web-deps
	@$(MAKE) --no-print-directory BUILD=build/san SAN=1 build/san/gluteal build/san/test_unit
	@$(MAKE) --no-print-directory all
	tests/run.sh build/san

# Browser tests (tests/web): Debian's chromium, node and npm, then playwright-core from
# tests/web/package-lock.json (it drives /usr/bin/chromium; no browser download).
web-deps:
	@pk=""; command -v chromium >/dev/null || pk="chromium"; command -v npm >/dev/null || pk="$$pk nodejs npm"; \
	if [ -n "$$pk" ]; then echo "installing:$$pk"; \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq $$pk; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq $$pk; fi; fi
	@[ -d tests/web/node_modules/playwright-core ] || (cd tests/web && npm ci --no-audit --no-fund --loglevel=error)

# Bounded load test of POST /v1/assess (wrk on loopback, 10 s, 2 threads, 16 connections).
bench: bench-service
bench-service: all
	bench/service.sh $(BUILD)

# The clinic service on http://127.0.0.1:$(PORT)/ with encounters in $(BUILD)/gluteal.db; the
# first run prints an API token for the page's encounter panel (shown once; make more with
# build/gluteal serve --db $(BUILD)/gluteal.db --create-token NAME).
PORT ?= 8080
serve: check-deps
	@$(MAKE) --no-print-directory all
	@if [ -f $(BUILD)/gluteal.db ]; then echo "encounters: use your token, or make one with $(BUILD)/gluteal serve --db $(BUILD)/gluteal.db --create-token NAME"; \
	else echo "API token for the encounter panel (shown once): $$($(BUILD)/gluteal serve --db $(BUILD)/gluteal.db --create-token clinic 2>/dev/null)"; fi
	@echo "open http://127.0.0.1:$(PORT)/ (Ctrl-C stops)"
	$(BUILD)/gluteal serve --db $(BUILD)/gluteal.db --port $(PORT)

# Static analysis: cppcheck and clang-tidy (.clang-tidy) must be clean.
lint:
	cppcheck --std=c11 --enable=warning,portability,performance --inline-suppr --quiet -Iinclude -Isrc \
	  '-Djson_array_foreach(a,i,v)=for(i=0;(v=json_array_get(a,i));i++)' \
	  '-Djson_object_foreach(o,k,v)=for(k=0,v=0;v;)' \
	  --suppress=missingIncludeSystem --error-exitcode=1 src tools fuzz bench
	for f in $(LIB_SRC) $(CLI_SRC); do \
	  clang-tidy -quiet $$f -- -std=c11 -Iinclude -Isrc -D_POSIX_C_SOURCE=200809L || exit 1; done

# Benchmarks (method and figures in bench/README.md): one core, optimised build.
$(BUILD)/bench: bench/bench.c $(BUILD)/libgluteal.a
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ bench/bench.c $(BUILD)/libgluteal.a $(LDLIBS)

bench: check-deps $(BUILD)/bench
	taskset -c 0 ./$(BUILD)/bench tests/vignettes 2>/dev/null || ./$(BUILD)/bench tests/vignettes
	tools/scale_kb.sh $(BUILD)

# Fuzzing (libFuzzer, Debian's clang): each target runs FUZZ_SECONDS from the
# seed corpus in fuzz/corpus/ plus a working corpus kept under build/.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := case kb http
fuzz-build:
	@$(MAKE) --no-print-directory BUILD=build/fuzzlib CC=clang SAN=fuzz build/fuzzlib/libgluteal.a
	@mkdir -p build/fuzz
	for t in $(FUZZ_TARGETS); do \
	  clang $(CPPFLAGS) -std=c11 -O1 -g -fsanitize=fuzzer,address,undefined -o build/fuzz/fuzz_$$t \
	    fuzz/fuzz_$$t.c build/fuzzlib/libgluteal.a $(LDLIBS) || exit 1; done

fuzz: fuzz-build
	for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/corpus_$$t; \
	  ./build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=4096 \
	    -dict=fuzz/$$t.dict -artifact_prefix=build/fuzz/crash_$$t- \
	    build/fuzz/corpus_$$t fuzz/corpus/$$t || exit 1; done

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
