// The apply engines (GNU patch at fuzz 0-2, forward and reverse, and git
// apply) on a file and a patch: "FILE\n=====\nPATCH". Besides not
// crashing: GNU patch reports on every hunk of the patch.
#include "fuzz_input.hpp"

#include <kseries/patch/apply.hpp>
#include <kseries/patch/git_apply.hpp>
#include <kseries/patch/parser.hpp>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace kseries;
    const auto parts = fuzz::split_parts(fuzz::as_text(data, size), 2);
    if (parts.size() != 2) {
        return 0;
    }
    auto parsed = patch::parse(parts[1], "fuzz.patch");
    if (!parsed) {
        return 0;
    }
    const std::string_view file = parts[0];
    for (const auto& fp : parsed->files) {
        for (const long fuzz : {0L, 1L, 2L}) {
            for (const bool reverse : {false, true}) {
                const auto r = patch::apply_file(fp, file, {fuzz, reverse});
                if (r.hunks.size() != fp.hunks.size()) {
                    fuzz::violated();
                }
            }
        }
        (void)patch::apply_file(fp, std::nullopt, {});
        (void)patch::git_apply_file(fp, file);
    }
    return 0;
}
