// The archive readers on arbitrary bytes: as a kernel tarball (only the
// files a series touches are read) and as an SRPM payload to unpack into
// an empty directory. Besides not crashing: nothing is ever written
// outside that directory, and nothing but regular files inside it.
#include "fuzz_input.hpp"
#include "../support/temp_dir.hpp"

#include <kseries/source/archive.hpp>
#include <kseries/util/file.hpp>

#include <stdlib.h>

#include <filesystem>
#include <string>

namespace {

// One directory per process, removed when the process ends.
const std::filesystem::path& work_dir() {
    static const kseries::test::TempDir dir;
    return dir.path();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace kseries;
    const auto& dir = work_dir();
    const auto input = dir / "input";
    const auto out = dir / "out";
    if (!write_file_atomic(input, fuzz::as_text(data, size))) {
        std::abort();
    }
    const source::WantedPaths wanted{"Makefile", "fs/overlayfs/super.c", "fs/overlayfs/copy_up.c"};
    if (auto tree = source::open_tarball(input, wanted)) {
        for (const auto& path : wanted) {
            (void)(*tree)->read(path);
        }
    }
    std::filesystem::remove_all(out);
    std::filesystem::create_directory(out);
    auto names = source::extract_srpm(input, out, {1 << 20, 1 << 20});
    std::size_t count = 0;
    for (const auto& e : std::filesystem::directory_iterator(out)) {
        if (!e.is_regular_file() || e.is_symlink()) {
            fuzz::violated();
        }
        ++count;
    }
    if (names && names->size() != count) {
        fuzz::violated();
    }
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        const auto name = e.path().filename().string();
        if (name != "input" && name != "out") {
            fuzz::violated(); // something was written beside the output directory
        }
    }
    return 0;
}
