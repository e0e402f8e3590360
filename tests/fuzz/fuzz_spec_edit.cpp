// The kernel.spec editor on arbitrary specs. Besides not crashing: an edit
// that succeeds is idempotent (editing its result again changes nothing),
// and a changelog entry is added once.
#include "fuzz_input.hpp"

#include <kseries/rpm/spec_edit.hpp>

#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace kseries;
    const std::string_view spec = fuzz::as_text(data, size);
    const rpm::SpecPatches patches{"overlayfs-nfsroot", "v2", {"0001-a.patch", "0002-b.patch"}};
    auto once = rpm::edit_spec(spec, "kernel.spec", patches, ".ovl1");
    if (!once) {
        return 0;
    }
    auto twice = rpm::edit_spec(once->text, "kernel.spec", patches, ".ovl1");
    if (!twice || twice->text != once->text) {
        fuzz::violated();
    }
    const rpm::ChangelogEntry entry{std::chrono::sys_days(std::chrono::year(2026) / 11 / 24),
                                    "kseries <kseries@localhost>", "1-1.ovl1", {"kseries: apply"}};
    auto logged = rpm::add_changelog(once->text, "kernel.spec", entry);
    if (logged) {
        auto again = rpm::add_changelog(*logged, "kernel.spec", entry);
        if (!again || *again != *logged) {
            fuzz::violated();
        }
    }
    return 0;
}
