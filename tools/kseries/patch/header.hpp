// What kseries knows of a patch's mail header, brought up to date when a
// series is carried onto a new kernel: the `[PATCH n/m]` numbering of the
// Subject (the carried patches renumbered after others were dropped) and
// the `Base-Kernel:` line (the release the patch is now made against).
// Every other line of the header is left as it is; so is the diff.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace kseries::patch {

struct HeaderUpdate {
    // The patch's place among the carried ones, 1-based, and their number;
    // 0 leaves the Subject as it is. Only a Subject that has "[... n/m]"
    // (like "[PATCH 1/2]" or "[PATCH v2 3/7]") is renumbered.
    std::size_t number = 0;
    std::size_t total = 0;
    // The new value of a `Base-Kernel:` line; empty leaves it.
    std::string base_kernel;
    // Only a `Base-Kernel:` line whose value is this one is replaced (the
    // value the patch had before: a value the maintainer changed is kept).
    // Empty replaces any value.
    std::string stale_base_kernel;
};

// `patch_text` with its header (the lines before the first "---",
// "diff " or "Index: " line) updated as `update` says.
[[nodiscard]] std::string update_header(std::string_view patch_text, const HeaderUpdate& update);

// The value of the header field `name` ("Base-Kernel"): the text after
// "NAME:" on its first line, without surrounding blanks; none when the
// header has no such field.
[[nodiscard]] std::optional<std::string> header_field(std::string_view patch_text,
                                                      std::string_view name);

} // namespace kseries::patch
