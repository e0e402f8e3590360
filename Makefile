# The two commands of the README. Each one installs what is missing, builds,
# and then runs the main job (demo) or every test (check). `make bench` runs
# the matrix benchmark, rebase-bench and apply-bench (docs/benchmarks.md) and
# `make fuzz` the libFuzzer targets for FUZZ_SECONDS each
# (docs/ARCHITECTURE.md); neither is part of CI. `make install PREFIX=...
# DESTDIR=...` installs the stripped binary, the catalog, the man pages and
# the shell completions (docs/install.md).
.PHONY: demo check bench fuzz install

JOBS ?= 2

demo:
	@cmake/install-deps.sh
	@cmake --preset default >/dev/null
	@cmake --build --preset default -j $(JOBS)
	@tests/demo.sh build/default

check:
	@cmake/install-deps.sh
	@cmake --preset default >/dev/null
	@cmake --build --preset default -j $(JOBS)
	@ctest --preset default -j $(JOBS)
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	@ctest --preset asan -j $(JOBS)

PREFIX ?= /usr/local
DESTDIR ?=

install:
	@cmake/install-deps.sh
	@cmake --preset default >/dev/null
	@cmake --build --preset default -j $(JOBS) --target kseries kseries_docs
	@DESTDIR="$(DESTDIR)" cmake --install build/default --prefix "$(PREFIX)" --strip

bench:
	@cmake/install-deps.sh
	@cmake --preset default >/dev/null
	@cmake --build --preset default -j $(JOBS)
	@tests/bench/matrix-bench.sh --kseries build/default/tools/cli/kseries --work build/bench
	@tests/bench/rebase-bench.sh build/default/tests/rebase-bench build/bench \
	  --json build/bench/rebase-bench.json
	@tests/bench/apply-bench.sh --kseries build/default/tools/cli/kseries --work build/bench

FUZZ_SECONDS ?= 60

fuzz:
	@cmake/install-deps.sh
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS) --target fuzz_targets
	@tests/fuzz/run.sh build/fuzz $(FUZZ_SECONDS)
