# camsweep build.
#
# Plain GNU make, because every C engineer can read it, it needs nothing beyond build-essential,
# and the tree is small enough that a generator (CMake, Meson) would add a layer without adding
# anything we need. Sources are found by wildcard, so adding a module never means editing this file.
#
#   make            release build: ./camsweep and ./camsweep-sim
#   make sim        the simulated estate only: ./camsweep-sim (docs/sim.md)
#   make test       unit and end-to-end tests under AddressSanitizer and UBSan
#   make bench      benchmarks (release build)
#   make check-style  clang-format and the banned-function check

CC       ?= cc
PKGS     := libpcre2-8 sqlite3 expat jansson libssl libcrypto zlib libpcap
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))

VERSION  := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
GITREV   := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
PREFIX   ?= /usr/local
DATADIR  ?= $(PREFIX)/share/camsweep

WARN     := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
            -Wvla -Wpointer-arith -Wno-unused-parameter
DEFS     := -D_GNU_SOURCE -DCS_VERSION='"$(VERSION)"' -DCS_GITREV='"$(GITREV)"' \
            -DCS_DATADIR='"$(DATADIR)"'
OPT      ?= -O2 -g
CFLAGS_ALL = -std=c17 $(OPT) $(WARN) $(DEFS) -Isrc $(PKG_CFLAGS) $(CFLAGS)
LDLIBS_ALL = $(PKG_LIBS) -lm $(LDLIBS)

SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

LIB_SRC  := $(sort $(wildcard src/common/*.c src/proto/*.c src/ident/*.c src/policy/*.c src/scan/*.c \
                              src/store/*.c src/report/*.c src/findings/*.c \
                              src/history/*.c src/programme/*.c src/import/*.c \
                              src/discover/*.c src/pcap/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/*.c))
BENCH_SRC:= $(sort $(wildcard bench/identify/*.c))
MINLOOP_SRC := $(wildcard bench/scan/minloop.c)
SIM_SRC  := $(sort $(wildcard sim/*.c))

OBJ      := $(patsubst %.c,build/rel/%.o,$(LIB_SRC) $(CLI_SRC))
LIBOBJ   := $(patsubst %.c,build/rel/%.o,$(LIB_SRC))
SOBJ     := $(patsubst %.c,build/san/%.o,$(LIB_SRC) $(CLI_SRC))
SLIBOBJ  := $(patsubst %.c,build/san/%.o,$(LIB_SRC))
TOBJ     := $(patsubst %.c,build/san/%.o,$(TEST_SRC))
# The simulator links only the common objects: it must not share the scanner's parsers.
SIMOBJ   := $(patsubst %.c,build/rel/%.o,$(SIM_SRC) $(sort $(wildcard src/common/*.c)))
SSIMOBJ  := $(patsubst %.c,build/san/%.o,$(SIM_SRC) $(sort $(wildcard src/common/*.c)))

.PHONY: all test bench clean check-style check-format demo install sim
all: camsweep camsweep-sim

camsweep: $(OBJ)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

camsweep-sim: $(SIMOBJ)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

sim: camsweep-sim

# V=1 shows the full compiler command lines.
Q := $(if $(V),,@)

build/rel/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

build/san/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC(san) $<")
	$(Q)$(CC) $(CFLAGS_ALL) $(SAN) -DCS_TESTING -MMD -MP -c -o $@ $<

# The sanitised CLI is what the end-to-end tests run.
build/san/camsweep: $(SOBJ)
	@echo "  LD(san) $@"
	$(Q)$(CC) $(CFLAGS_ALL) $(SAN) -o $@ $^ $(LDLIBS_ALL)

# The sanitised simulator is what tests/unit/test_sim*.c run (CS_SIM_BIN).
build/san/camsweep-sim: $(SSIMOBJ)
	@echo "  LD(san) $@"
	$(Q)$(CC) $(CFLAGS_ALL) $(SAN) -o $@ $^ $(LDLIBS_ALL)

build/san/run-tests: $(TOBJ) $(SLIBOBJ)
	@echo "  LD(san) $@"
	$(Q)$(CC) $(CFLAGS_ALL) $(SAN) -o $@ $^ $(LDLIBS_ALL)

test: build/san/run-tests build/san/camsweep build/san/camsweep-sim
	CS_TEST_BIN=build/san/camsweep CS_SIM_BIN=build/san/camsweep-sim CS_DATA_DIR=data \
		./build/san/run-tests $(TESTS)

build/rel/bench-identify: $(patsubst %.c,build/rel/%.o,$(BENCH_SRC)) $(LIBOBJ)
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS_ALL) -o $@ $^ $(LDLIBS_ALL)

# The minimal epoll client bench/scan/run measures this machine's limit with; it uses nothing
# from src/, so that it stays the smallest possible loop (OpenSSL only for its -s TLS ports).
build/rel/bench-minloop: $(patsubst %.c,build/rel/%.o,$(MINLOOP_SRC))
	@echo "  LD      $@"
	$(Q)$(CC) $(CFLAGS_ALL) -o $@ $^ -lssl -lcrypto

bench: build/rel/bench-identify camsweep
	./bench/identify/run

FORMAT_SRC = $(LIB_SRC) $(CLI_SRC) $(TEST_SRC) $(BENCH_SRC) $(MINLOOP_SRC) $(SIM_SRC) \
	     $(wildcard src/*/*.h tests/unit/*.h sim/*.h)

check-style: check-format
	./tools/check-banned

check-format:
	clang-format --dry-run --Werror $(FORMAT_SRC)
	@echo "check-format: ok"

format:
	clang-format -i $(FORMAT_SRC)

demo:
	./tools/demo

install: camsweep
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(DATADIR) $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 camsweep $(DESTDIR)$(PREFIX)/bin/camsweep
	cp -R data/. $(DESTDIR)$(DATADIR)/
	install -m 644 man/camsweep.1 $(DESTDIR)$(PREFIX)/share/man/man1/camsweep.1

clean:
	rm -rf build camsweep camsweep-sim

-include $(shell find build -name '*.d' 2>/dev/null)
