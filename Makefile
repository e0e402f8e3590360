# The two commands of the README. Each one installs what is missing, builds,
# and then runs the main job (demo) or every test (check). `make bench` runs
# the matrix benchmark, rebase-bench and apply-bench (docs/benchmarks.md) and
# `make fuzz` the libFuzzer targets for FUZZ_SECONDS each
# (docs/ARCHITECTURE.md); neither is part of CI.
.PHONY: demo check bench fuzz

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
