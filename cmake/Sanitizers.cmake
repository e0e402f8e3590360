# KSERIES_SANITIZE=ON builds everything with AddressSanitizer and
# UndefinedBehaviorSanitizer; the "asan" preset turns it on and CI runs the
# unit tests under it.
option(KSERIES_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

add_library(kseries_sanitizers INTERFACE)
if(KSERIES_SANITIZE)
  target_compile_options(kseries_sanitizers INTERFACE
    -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(kseries_sanitizers INTERFACE -fsanitize=address,undefined)
endif()

# KSERIES_FUZZ=ON (the "fuzz" preset, clang only) instruments everything for
# libFuzzer's coverage and builds the fuzz targets of tests/fuzz/ with
# libFuzzer's main; `make fuzz` runs them.
option(KSERIES_FUZZ "Build the libFuzzer targets (clang)" OFF)
if(KSERIES_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "KSERIES_FUZZ needs clang (libFuzzer); use the fuzz preset")
  endif()
  target_compile_options(kseries_sanitizers INTERFACE -fsanitize=fuzzer-no-link)
endif()
