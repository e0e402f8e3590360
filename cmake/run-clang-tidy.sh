#!/bin/sh
# Runs clang-tidy (.clang-tidy at the root) over tools/. Needs clang-tidy-16
# (apt-get install clang-tidy-16): Debian 12's clang 14 cannot parse C++23.
# libstdc++ 12 only declares std::expected when __cpp_concepts >= 202002,
# which clang 16 does not claim yet, so the macro is raised for the run, and
# GCC-only flags are dropped from a copy of the compilation database.
# Usage: cmake/run-clang-tidy.sh [BUILD_DIR] [FILE...]
set -eu
build=${1:-build/default}
[ $# -gt 0 ] && shift
db=$(mktemp -d)
trap 'rm -rf "$db"' EXIT
sed 's/-std=c++23/-std=c++2b/g; s/ -Wlogical-op//g; s/ -Wduplicated-cond//g' \
  "$build/compile_commands.json" > "$db/compile_commands.json"
if [ $# -eq 0 ]; then
  set -- $(find tools -name '*.cpp' | sort)
fi
status=0
for f in "$@"; do
  clang-tidy-16 -p "$db" --quiet --extra-arg=-Wno-macro-redefined \
    --extra-arg=-D__cpp_concepts=202002L "$f" || status=1
done
exit $status
