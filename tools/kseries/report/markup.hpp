// Escaping for the markup reports (HTML and JUnit XML). Patch names, paths
// and hunk headers come from untrusted input: any byte string becomes
// well-formed text content or attribute value.
#pragma once

#include <string>
#include <string_view>

namespace kseries::report {

// `s` as XML/HTML text or a double-quoted attribute value: & < > " ' are
// escaped, invalid UTF-8 and characters XML 1.0 forbids (controls other
// than tab, LF and CR) become U+FFFD.
[[nodiscard]] std::string escape_markup(std::string_view s);

// `s` as literal Markdown text, safe in a table cell: control characters
// shown as text::printable shows them (so a newline cannot end the row),
// Markdown's syntax characters (\ ` * _ [ ] | # ~ !) backslash-escaped and
// & < > as entities, so no input becomes markup, a link or raw HTML.
[[nodiscard]] std::string escape_markdown(std::string_view s);

} // namespace kseries::report
