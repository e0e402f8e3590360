// Where a C file's functions are, at the level `kseries rebase` needs to
// place hunks (docs/commands/rebase.md): the function a hunk is in, that
// function's one definition in the target (step 4 relocates into it), and
// the function a line of the target is in as git's `@@` heading would name
// it (the guard against inexact placements in another function); the
// relocation itself is in c_relocate.hpp. Kernel
// style is assumed: a definition starts at column 0, its body ends with a
// "}" alone on its line. Not a parser: c_shape.hpp judges a whole file.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <kseries/patch/model.hpp>

namespace kseries::rebase {

// The function a definition line ("static int foo(struct x *y)") defines.
[[nodiscard]] std::optional<std::string> defined_function(std::string_view line);

// The hunk's function: a definition among its old lines before its first
// change (the nearest one), else its section heading (git's heading names
// the function the hunk STARTS in, which is the previous one when the hunk
// starts just before a definition), else the nearest definition above it
// in the base file.
[[nodiscard]] std::optional<std::string>
hunk_function(const patch::Hunk& h, const std::optional<std::vector<std::string>>& base);

struct Body {
    std::size_t begin = 0; // the definition line
    std::size_t end = 0;   // one past the closing "}"
};

// The one function of that name defined in `content` (lines), or none when
// it is not defined exactly once.
[[nodiscard]] std::optional<Body> function_body(const std::vector<std::string>& content,
                                                const std::string& name);

// The function git's heading would name for a change at line `index`
// (0-based) of `content`: the nearest definition line above it. None when
// no definition is above it.
[[nodiscard]] std::optional<std::string> function_above(const std::vector<std::string>& content,
                                                        std::size_t index);

} // namespace kseries::rebase
