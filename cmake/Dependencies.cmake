# Every third-party dependency, with the minimum version we build against
# (the versions Debian 12 ships). cmake/install-deps.sh installs them.
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBGIT2 REQUIRED IMPORTED_TARGET libgit2>=1.5)
# librpm: rpm's own version comparison (rpmvercmp) orders kernel releases.
pkg_check_modules(RPM REQUIRED IMPORTED_TARGET rpm>=4.18)
# libarchive: SRPM payloads and kernel tarballs, streamed (source/archive.cpp).
pkg_check_modules(LIBARCHIVE REQUIRED IMPORTED_TARGET libarchive>=3.6)
# libcurl: `kseries fetch` downloads SRPMs, resumable, over http and https (fetch/http.cpp).
pkg_check_modules(CURL REQUIRED IMPORTED_TARGET libcurl>=7.88)

find_package(fmt 9.1 REQUIRED)
find_package(spdlog 1.10 REQUIRED)
find_package(CLI11 2.1 CONFIG REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(tomlplusplus 3.3 REQUIRED)
# Boost.Process v1 is header-only but is built on Boost.Filesystem.
find_package(Boost 1.74 REQUIRED COMPONENTS filesystem)
find_package(Threads REQUIRED)

if(BUILD_TESTING OR NOT DEFINED BUILD_TESTING)
  find_package(GTest 1.12 REQUIRED)
endif()
