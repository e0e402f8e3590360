// JSON pieces shared by the check and matrix reports, so a patch's per-file
// and per-hunk details read the same in both (docs/formats/check-json.md).
#pragma once

#include <kseries/check/check.hpp>

#include <nlohmann/json.hpp>

namespace kseries::report {

// One patch of a check report: name, lines, verdicts, files and hunks.
[[nodiscard]] nlohmann::ordered_json patch_json(const check::PatchReport& patch);

} // namespace kseries::report
