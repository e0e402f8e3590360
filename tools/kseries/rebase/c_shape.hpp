// The shape of a C file at the level kseries understands it: what
// `kseries rebase --continue` checks in each resolved file before it takes
// it, so that a conflict resolved into a half-declaration (a region that
// ended inside `static int f(struct dentry *dentry,`) is refused with the
// file and line instead of surfacing as a compile error later. Not a
// parser: braces, parentheses and brackets balanced outside comments,
// strings and char literals (the branches of #if/#else taken to agree, as
// the kernel's code keeps them), no conflict markers, and the functions the
// patch's hunks are in still defined.
#pragma once

#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace kseries::rebase {

struct ShapeProblem {
    std::size_t line = 0; // 1-based
    std::string message;
};

// The first problem of `text`, or none. `functions` must each be defined
// (a name, its parameter list and a `{` at file level).
[[nodiscard]] std::optional<ShapeProblem> check_c_shape(std::string_view text,
                                                        const std::vector<std::string>& functions);

// The functions `text` defines at file level, by name.
[[nodiscard]] std::set<std::string> defined_functions(std::string_view text);

// The functions `before` defines whose definitions overlap the lines a
// change to `after` touches (from the first to the last changed line):
// the functions a resolution edits, which it must not lose.
[[nodiscard]] std::vector<std::string> changed_functions(std::string_view before,
                                                         std::string_view after);

// The line (1-based) of the first conflict marker a resolution left
// (`<<<<<<< `, `||||||| `, `=======`, `>>>>>>> `), or none.
[[nodiscard]] std::optional<std::size_t> conflict_line(std::string_view text);

// Is `path` a C source or header, whose shape check_c_shape() can judge?
[[nodiscard]] bool is_c_file(std::string_view path);

} // namespace kseries::rebase
