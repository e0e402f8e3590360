# The two commands of the README. Each one installs what is missing, builds,
# and then runs the main job (demo) or every test (check).
.PHONY: demo check

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
