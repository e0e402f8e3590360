// rpmbuild and rpmspec as `srpm` runs them: pointed at one work directory
// only, with the macros under which the stock spec evaluates to the SRPM's
// own release (the dist tag derived from the SRPM, rpm/release_layout.hpp).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <kseries/proc/run.hpp>
#include <kseries/rpm/srpm.hpp>
#include <kseries/util/error.hpp>

namespace kseries::rpm {

// Runs a tool to completion; a failure is a Tool error with the end of its
// output.
[[nodiscard]] Expected<proc::Result> run_tool(proc::Runner& runner,
                                              const std::vector<std::string>& argv,
                                              const std::filesystem::path& cwd = {});

// rpmbuild and rpmspec, pointed at the work directory only. `top` is
// absolute: rpmbuild runs in another cwd.
struct RpmTools {
    std::filesystem::path top{};
    std::filesystem::path sources{};
    std::filesystem::path spec{};
    std::vector<std::pair<std::string, std::string>> defines{};
    proc::Runner& runner = proc::system_runner();

    // argv[0] `tool` with every directory and macro as --define.
    [[nodiscard]] std::vector<std::string> args(std::string tool) const;
    // VERSION-RELEASE of the spec as this rpmbuild evaluates it.
    [[nodiscard]] Expected<std::string> evr() const;
};

// Points `tools` at the macros under which rpmspec evaluates the spec to
// the SRPM's own VERSION-RELEASE, so the edited spec is evaluated as the
// SRPM's build did: the caller's defines, plus the dist tag derived from
// the SRPM when the caller gave none (dist empty when it carries none).
// Returns that derived dist. A Usage error naming what differs, and the
// right dist when the caller's is wrong, when no macros match.
[[nodiscard]] Expected<std::optional<std::string>>
match_release(RpmTools& tools, const PackageId& original, const std::string& label);

} // namespace kseries::rpm
