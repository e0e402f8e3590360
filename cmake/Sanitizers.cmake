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
