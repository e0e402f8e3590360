// The part of a failed `rpmbuild -bp` log that says why it failed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kseries::rpm {

// rpm ends a failed build with a recap ("RPM build warnings:", "RPM build
// errors:") that repeats every parse warning of the spec; real kernel specs
// have dozens (`%endif # with_foo` draws "extra tokens at the end of %endif
// directive"), so the log's last lines hide the cause. The excerpt is the
// first `error:` line rpm printed and up to `count - 1` lines before it,
// from the script's own output (after rpm's "Executing(%prep)" line); with
// no `error:` line, the last `count` lines before the recap. Each line
// indented by two spaces, as text::last_lines does.
[[nodiscard]] std::string prep_failure_excerpt(std::string_view log, std::size_t count);

} // namespace kseries::rpm
