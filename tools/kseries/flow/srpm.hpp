// The `srpm` use case: a patched kernel SRPM from a stock one
// (docs/commands/srpm.md). The series version is picked for the SRPM's
// release by the store's mapping; before the spec is touched, every patch
// must apply to the SRPM's own tarball under the spec's own patch_command;
// then rpm::make_srpm edits the spec and writes the SRPM.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <kseries/check/check.hpp>
#include <kseries/flow/inputs.hpp>
#include <kseries/kernel/policy.hpp>
#include <kseries/proc/run.hpp>
#include <kseries/rpm/srpm.hpp>
#include <kseries/util/error.hpp>

namespace kseries::flow {

// ApplyOptionalPatch's trap, for the notes the CLI prints.
using kernel::optional_patch_max_lines;

struct SrpmRequest {
    std::string kernel_srpm{};
    SeriesSpec source{};
    std::string version{}; // force this store version ("v2"); empty: the mapping's
    std::string buildid{}; // empty: ".kseries.<version>"
    std::string packager = "kseries <kseries@localhost>";
    std::vector<std::pair<std::string, std::string>> defines{}; // extra rpm macros
    bool prep = false;
    std::string out{};
    // The changelog's date; nullopt: SOURCE_DATE_EPOCH when set, else today.
    std::optional<std::chrono::sys_days> date{};
    rpm::StepCallback on_step{}; // progress, one line per step; may be empty
    proc::Runner& runner = proc::system_runner();
};

enum class SrpmStatus {
    Written,      // the SRPM is in `out`
    DoesNotApply, // the series does not apply to the SRPM's tarball: nothing written
    PrepFailed,   // %prep failed: nothing written but its log
};

struct SrpmOutcome {
    SrpmStatus status = SrpmStatus::Written;
    rpm::PackageId original;
    std::string series;  // the name that marks kseries' lines in the spec
    std::string version; // the series version used ("v2")
    std::string label;   // "<series label>/<version>", as reports name it
    std::string policy;  // the spec's patch command
    // The series as judged (the report points into it), and with
    // DoesNotApply why it does not apply.
    std::shared_ptr<const series::LoadedSeries> judged;
    std::optional<check::Report> report;
    std::vector<std::string> files; // the patch files, in series order
    std::string buildid;
    rpm::SrpmResult made;
};

[[nodiscard]] Expected<SrpmOutcome> make_srpm(const SrpmRequest& request);

} // namespace kseries::flow
