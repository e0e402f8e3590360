# One interface target carries the warning set; every project target links it.
# Warnings are errors: a warning is a defect the compiler found for us.
# -Wnull-dereference is left out: GCC 12 reports it from inlined Boost.Asio
# code at -O2, where it cannot be silenced per header.
add_library(kseries_warnings INTERFACE)
target_compile_options(kseries_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Werror
  -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Wunused -Woverloaded-virtual -Wconversion -Wsign-conversion
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
  -Wmisleading-indentation -Wduplicated-cond -Wlogical-op)
