// The patch parser on arbitrary bytes. Besides not crashing: whatever it
// accepts, the writer writes back as a patch the parser reads again with
// the same files and hunks.
#include "fuzz_input.hpp"

#include <kseries/patch/parser.hpp>
#include <kseries/patch/writer.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace kseries;
    auto parsed = patch::parse(fuzz::as_text(data, size), "fuzz.patch");
    if (!parsed) {
        return 0;
    }
    const std::string written = patch::write(*parsed);
    auto again = patch::parse(written, "fuzz-written.patch");
    if (!again || again->files.size() != parsed->files.size() ||
        again->hunk_count() != parsed->hunk_count()) {
        fuzz::violated();
    }
    return 0;
}
