// Reading kseries' TOML data files (catalog, series store) with toml++:
// every error names the file and line.
#pragma once

#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <toml++/toml.h>
#include <vector>

#include <kseries/util/error.hpp>

namespace kseries::toml_read {

[[nodiscard]] Location where(const std::string& file, const toml::node& node);

// Parses a whole file; `what` ("catalog file") names it in messages.
[[nodiscard]] Expected<toml::table> parse_file(const std::filesystem::path& path,
                                               std::string_view what);

// Refuses a key of `t` not in `known`, naming the known ones.
[[nodiscard]] Expected<void> known_keys(const std::string& file, const toml::table& t,
                                        std::initializer_list<std::string_view> known,
                                        std::string_view what);

// The string at `key` ("" when absent); a TOML date reads as YYYY-MM-DD.
[[nodiscard]] Expected<std::string> string_at(const std::string& file, const toml::table& t,
                                              std::string_view key);

// A string or a list of strings at `key` (empty when absent).
[[nodiscard]] Expected<std::vector<std::string>>
strings_at(const std::string& file, const toml::table& t, std::string_view key);

// The tables of an array of tables (`[[key]]`), empty when absent.
[[nodiscard]] Expected<std::vector<const toml::table*>>
tables_at(const std::string& file, const toml::table& t, std::string_view key);

} // namespace kseries::toml_read
