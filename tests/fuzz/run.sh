#!/bin/sh
# make fuzz: runs every libFuzzer target of the fuzz preset for SECONDS
# each (default 60), one after another, and reports per target the CPU
# time it used, the executions and the corpus it grew. New inputs are kept
# in BUILD/corpus/TARGET (the committed seeds in tests/fuzz/corpus are only
# read); an input that crashes a target is written to BUILD/artifacts/ and
# makes the run fail: add it to tests/fuzz/corpus/TARGET as a regression
# test once fixed.
#   tests/fuzz/run.sh BUILD_DIR [SECONDS] [TARGET...]
set -eu
build=$1
seconds=${2:-60}
shift $(( $# >= 2 ? 2 : 1 ))
root=$(cd "$(dirname "$0")/../.." && pwd)
targets=${*:-"patch_parser apply series_store spec_edit archive"}
mkdir -p "$build/artifacts"
status=0
printf '%-14s %10s %12s %8s %s\n' target cpu-seconds executions corpus result
for t in $targets; do
  exe="$build/tests/fuzz_$t"
  [ -x "$exe" ] || { echo "run.sh: $exe is missing: cmake --build --preset fuzz --target fuzz_targets" >&2; exit 2; }
  mkdir -p "$build/corpus/$t"
  log="$build/fuzz-$t.log"
  set +e
  # Targets that need files keep them in TMPDIR: a tmpfs, so that syncing
  # (every kseries write is synced) costs nothing.
  TMPDIR=${FUZZ_TMPDIR:-/dev/shm} ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-16/bin/llvm-symbolizer \
    /usr/bin/env time -f '%U %S' -o "$build/fuzz-$t.time" \
    "$exe" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$build/artifacts/$t-" "$build/corpus/$t" "$root/tests/fuzz/corpus/$t" \
      > "$log" 2>&1
  rc=$?
  set -e
  cpu=$(tail -1 "$build/fuzz-$t.time" | awk '{printf "%.0f", $1 + $2}')
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  corpus=$(ls "$build/corpus/$t" | wc -l)
  if [ "$rc" -eq 0 ]; then result=ok; else result="CRASH (see $log)"; status=1; fi
  printf '%-14s %10s %12s %8s %s\n' "$t" "$cpu" "${execs:-?}" "$corpus" "$result"
done
exit $status
