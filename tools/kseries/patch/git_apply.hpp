// Decides where `git apply` places each hunk, and what it writes, the way
// git 2.39 does it (apply.c: find_pos, match_fragment, update_image): no
// fuzz, exact bytes, hunks searched from their new-side line outward over
// the whole file, never on lines an earlier hunk already changed. Results
// are those of `git apply --reject`: every hunk is tried, and the patch
// applies only when all of them are placed.
#pragma once

#include <optional>
#include <string_view>

#include <kseries/patch/apply.hpp>
#include <kseries/patch/line_index.hpp>
#include <kseries/patch/model.hpp>

namespace kseries::patch {

// HunkResult fields: `line` and `where` are the 1-based line the hunk was
// placed at in the file as patched so far; `offset` is that line minus the
// line the hunk states; `fuzz` is always 0.
[[nodiscard]] FileResult git_apply_file(const FilePatch& file,
                                        std::optional<std::string_view> input);
// The same with `input`'s lines already split (`index` is of *input, or of
// nothing when input is nullopt), shared with the other runs over it;
// without `output` only where each hunk lands is decided (no content).
[[nodiscard]] FileResult git_apply_file(const FilePatch& file,
                                        std::optional<std::string_view> input,
                                        const LineIndex& index, bool output = true);

} // namespace kseries::patch
