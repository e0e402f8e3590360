# One interface target carries the warning set; every project target links it.
# Warnings are errors: a warning is a defect the compiler found for us.
# -Wnull-dereference is left out: GCC 12 reports it from inlined Boost.Asio
# code at -O2, where it cannot be silenced per header.
# The fuzz preset builds with clang, whose warning set differs: there they
# are reported, not errors (KSERIES_WERROR=OFF).
option(KSERIES_WERROR "Treat warnings as errors" ON)
add_library(kseries_warnings INTERFACE)
target_compile_options(kseries_warnings INTERFACE
  -Wall -Wextra -Wpedantic
  -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Wunused -Woverloaded-virtual -Wconversion -Wsign-conversion
  -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough
  -Wmisleading-indentation)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(kseries_warnings INTERFACE -Wduplicated-cond -Wlogical-op)
endif()
if(KSERIES_WERROR)
  target_compile_options(kseries_warnings INTERFACE -Werror)
endif()
