// `kseries kmod` as a use case: the series applied in memory under the
// tree's policy, the patched module directory built against an installed
// kernel's devel (headers) directory, its vermagic checked against that
// kernel, packaged by rpmbuild as a kmod RPM and moved into the output
// directory in one rename (docs/commands/kmod.md).
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include <kseries/check/check.hpp>
#include <kseries/flow/inputs.hpp>
#include <kseries/proc/run.hpp>
#include <kseries/util/error.hpp>

namespace kseries::flow {

struct KmodRequest {
    JobRequest job{};                  // the series (a directory, not patch files) and the tree
    std::filesystem::path devel{};     // the target kernel's devel (headers) directory
    std::filesystem::path out{};       // an existing directory the RPM is moved into
    std::string name{};                // kmod-NAME; empty: the series' name
    unsigned jobs = 2;                 // make -j
    bool keep = false;                 // keep the work directory
    std::filesystem::path temp_root{}; // where the work directory goes; empty: the system's
    // Who runs make, modinfo and rpmbuild (a fake in unit tests).
    proc::Runner& runner = proc::system_runner();
};

// How far it got. Everything but Built ends with exit 1: the command ran
// and says why there is no package.
enum class KmodOutcome {
    Built,
    DoesNotApply,    // the series does not apply: `report` says where
    DoesNotBuild,    // make failed: `failure` shows the end of its output
    NotOneModule,    // the build made `modules` .ko files, not one
    WrongKernel,     // the module's vermagic is not for the devel kernel
    PackagingFailed, // rpmbuild failed: `failure` shows the end of its output
};

struct KmodResult {
    KmodOutcome outcome = KmodOutcome::Built;
    std::string label{};                   // the series as reports name it
    std::string policy{};                  // the policy's label
    std::optional<check::Report> report{}; // DoesNotApply
    // The series and tree `report` points into (its patches), kept alive
    // for the caller to render it.
    std::shared_ptr<const Job> job{};
    std::string failure{};                       // DoesNotBuild, PackagingFailed
    std::string module_dir{};                    // the tree's directory that was built
    std::size_t modules = 0;                     // NotOneModule: how many .ko files
    std::string kver{};                          // the devel directory's kernel release
    std::filesystem::path ko{};                  // the module built (inside the work directory)
    std::string vermagic{};                      // the module's
    std::string package_name{};                  // kmod-<package_name>
    std::string arch{};                          // the package's rpm architecture
    std::filesystem::path package{};             // Built: the RPM in the output directory
    double build_seconds = 0;                    // the module build
    double rpm_seconds = 0;                      // rpmbuild
    std::optional<std::filesystem::path> work{}; // the kept work directory (--keep)
};

// An Error (nothing in `out`) for bad input: `out` not a directory, no
// devel release, patch files instead of a series directory, a series that
// changes more than one module directory, package fields rpm does not
// allow; or when a program cannot be run. Otherwise the outcome.
[[nodiscard]] Expected<KmodResult> kmod(const KmodRequest& request);

} // namespace kseries::flow
