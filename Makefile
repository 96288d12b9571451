# amprenta - PGXS build.
#
#   make            build the extension (needs pg_config; `make deps` installs it)
#   make install    install into the PostgreSQL found by pg_config
#   make test       install what is missing, build, install, run every suite
#                   on a throw-away cluster (unit, pg_regress, TAP)
#   make demo       the main job end to end on a throw-away cluster
#   make bench      benchmarks, results in doc/benchmarks.md
#   make fuzz       libFuzzer targets of src/core/ (FUZZ_SECONDS each, default 60)
#   make deps       install the system packages the build and the tests need
#   make unit       build and run the unit tests of src/core/ only
#
# The PGXS include is conditional: on a fresh machine pg_config does not exist
# yet, and `make test` / `make demo` first run tools/deps.sh, then call make
# again, which then finds PGXS.

EXTENSION = amprenta
EXTVERSION := $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" $(EXTENSION).control)

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)

# Source files.  src/core/ is the inner ring (plain C, no postgres.h).
CORE_SRCS := $(sort $(wildcard src/core/*.c))
GLUE_SRCS := $(sort $(wildcard src/*.c))
UNIT_SRCS := $(sort $(wildcard test/unit/test_*.c))
UNIT_BINS := $(patsubst test/unit/%.c,build/unit/%,$(UNIT_SRCS))

# Warnings are errors under `make test` and in CI (WERROR=1).
WERROR ?= 0
ifeq ($(WERROR),1)
WARN_FLAGS = -Werror
endif

.DEFAULT_GOAL := all
.PHONY: test demo bench deps unit fuzz schema-doc

ifneq ($(wildcard $(PGXS)),)

MODULE_big = $(EXTENSION)
OBJS = $(GLUE_SRCS:.c=.o) $(CORE_SRCS:.c=.o)
DATA = $(wildcard src/sql/$(EXTENSION)--*.sql)
PG_CPPFLAGS = -I$(srcdir)/src -I$(srcdir)/src/core -DAMPRENTA_VERSION='"$(EXTVERSION)"'
PG_CFLAGS = -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers $(WARN_FLAGS)
SHLIB_LINK = -lcurl -ljson-c -lcsv -lm

REGRESS = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --inputdir=. --dbname=amprenta_regression

EXTRA_CLEAN = build tmp_check results regression.diffs regression.out

include $(PGXS)

# Every object depends on every header: a changed struct never meets an
# object compiled against its old layout.
$(OBJS): $(wildcard src/*.h src/core/*.h)

# The inner ring is C11 with declarations where they are used; PostgreSQL's
# own -Wdeclaration-after-statement applies to the glue only.  It is also
# built with -O3: its parsers and normalizers run once per value of every
# file, and lipid normalization is 11-15% faster than at PostgreSQL's -O2
# (test/bench/lipid_normalize.sql); the glue gains nothing measurable.
# Its functions are the glue's alone (PostgreSQL looks up only the glue's
# SQL-callable ones): hidden visibility keeps them out of the library's
# symbol table and lets its calls go direct instead of through the PLT.
$(CORE_SRCS:.c=.o): CFLAGS += -O3 -fvisibility=hidden -std=gnu11 -Wno-declaration-after-statement

else

all install installcheck:
	@echo "PostgreSQL's build files (pg_config --pgxs) were not found."
	@echo "Run 'make deps' first (make test and make demo do it for you)."
	@exit 2

endif

# ---------------------------------------------------------------------------
# Unit tests of src/core/: one binary per test/unit/test_*.c, linked with
# every core source, run by prove (they print TAP).
UNIT_CFLAGS = -std=gnu11 -O1 -g -Wall -Wextra -Wno-unused-parameter $(WARN_FLAGS) -Isrc/core -Itest/unit

build/unit/%: test/unit/%.c $(CORE_SRCS) $(wildcard src/core/*.h) $(wildcard test/unit/*.h)
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(CORE_SRCS) -lcsv -ljson-c -lcurl -lm

unit: $(UNIT_BINS)
	prove --exec '' $(UNIT_BINS)

# ---------------------------------------------------------------------------
deps:
	tools/deps.sh

test:
	tools/deps.sh
	$(MAKE) WERROR=1 all
	tools/as-root.sh $(MAKE) WERROR=1 install
	$(MAKE) WERROR=1 $(UNIT_BINS)
	tools/run-tests.sh

demo:
	tools/deps.sh
	$(MAKE) all
	tools/as-root.sh $(MAKE) install
	tools/demo.sh

fuzz:
	tools/fuzz.sh

bench:
	tools/deps.sh
	$(MAKE) all
	tools/as-root.sh $(MAKE) install
	tools/run-bench.sh

# Rewrites doc/schema.md from the catalog comments (needs a built extension).
schema-doc:
	tools/schema-doc.sh > doc/schema.md
