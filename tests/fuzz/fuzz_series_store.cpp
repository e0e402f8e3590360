// The series and store readers on arbitrary text: a quilt series file, a
// version.toml and an index.toml (written to a private temporary store,
// as the readers take directories). Only: no crash, no hang.
#include "fuzz_input.hpp"
#include "../support/temp_dir.hpp"

#include <kseries/series/series_file.hpp>
#include <kseries/series/store.hpp>
#include <kseries/util/file.hpp>

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace {

// One store directory per process, rewritten for each input and removed
// when the process ends.
const std::filesystem::path& store_dir() {
    static const kseries::test::TempDir temp;
    static const std::filesystem::path dir = [] {
        std::filesystem::create_directories(temp.path() / "store" / "v1");
        return temp.path() / "store";
    }();
    return dir;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace kseries;
    const auto parts = fuzz::split_parts(fuzz::as_text(data, size), 3);
    (void)series::parse_series(parts[0], "series");
    const auto& dir = store_dir();
    if (!write_file_atomic(dir / "v1" / "series", parts[0]) ||
        !write_file_atomic(dir / "v1" / "version.toml", parts.size() > 1 ? parts[1] : "") ||
        !write_file_atomic(dir / "index.toml", parts.size() > 2 ? parts[2] : "")) {
        std::abort();
    }
    (void)series::read_version(dir / "v1");
    (void)series::Store::open(dir);
    return 0;
}
