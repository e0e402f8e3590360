// File names in diff headers: quoting, timestamps, -pN stripping and the
// safety rules every path must pass before kseries touches a tree.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace kseries::patch {

struct HeaderName {
    std::string name;
    std::string timestamp; // empty when the line has none
};

// The part of a "--- " or "+++ " line after the marker: a git-quoted name, or
// a name ended by a tab (diff) or by whitespace before a timestamp.
[[nodiscard]] std::expected<HeaderName, std::string> parse_header_name(std::string_view rest);

// The two names of "diff --git a/x b/y" (the part after "diff --git ").
[[nodiscard]] std::expected<std::pair<std::string, std::string>, std::string>
split_git_diff_names(std::string_view rest);

// Undoes git's C-style quoting of a name that starts with '"'.
[[nodiscard]] std::expected<std::string, std::string> unquote_c(std::string_view quoted);

// Removes `strip` leading components the way `patch -pN` does (runs of '/'
// count as one separator). nullopt when the name has too few components.
[[nodiscard]] std::optional<std::string> strip_components(std::string_view name, int strip);

// Why a relative path may not be used inside a tree, or nullopt when it is
// safe: absolute paths, ".." components, empty names, NUL bytes, and names
// of kseries' own bookkeeping in a tree (see source::DirectoryTree).
[[nodiscard]] std::optional<std::string> unsafe_path_reason(std::string_view path);

// "./a//b" -> "a/b". Assumes unsafe_path_reason() returned nullopt.
[[nodiscard]] std::string normalize_path(std::string_view path);

} // namespace kseries::patch
