// Small text helpers shared by the parsers and the apply engine.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kseries::text {

// Splits into lines, each keeping its '\n'; the last line may lack one.
// An empty input has no lines.
[[nodiscard]] std::vector<std::string_view> split_lines(std::string_view data);

[[nodiscard]] bool starts_with(std::string_view s, std::string_view prefix);

// The line without its trailing "\n" or "\r\n".
[[nodiscard]] std::string_view chomp(std::string_view line);

// Trims spaces and tabs on both ends.
[[nodiscard]] std::string_view trim(std::string_view s);

// Joins with a separator: join({"a","b"}, ", ") == "a, b".
[[nodiscard]] std::string join(const std::vector<std::string>& parts, std::string_view sep);

// Shows a line in a message: control characters escaped, long lines cut.
[[nodiscard]] std::string quote_line(std::string_view line);

// A name from an input (a patch, a path, a tag) as one line of text for a
// terminal or a log: every control character, newline and tab included,
// shown as quote_line shows it (\t, \r, \n, \x1b, \x7f), the rest as is.
[[nodiscard]] std::string printable(std::string_view s);

// Text for a terminal or a pipe: like printable, but newlines and tabs stay,
// so a multi-line report keeps its lines and a control character from an
// input (ESC, BEL, CR) cannot move the cursor, ring or rewrite a line.
[[nodiscard]] std::string neutralise(std::string_view s);

// The last `count` lines of a program's output, each indented by two
// spaces and ending in a newline: the end of a failed step's log, for a
// message.
[[nodiscard]] std::string last_lines(std::string_view output, std::size_t count);

} // namespace kseries::text
