// A patched kernel SRPM from a stock one: the payload unpacked into a work
// directory beside the output, kernel.spec edited (rpm/spec_edit.hpp), the
// patches added, the spec checked with `rpmspec`, the SRPM written with
// `rpmbuild -bs` and, when asked, %prep run with `rpmbuild -bp` and its
// result compared with what kseries computed. Only a finished SRPM reaches
// the output directory; the work directory is removed whatever happens.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <kseries/proc/run.hpp>
#include <kseries/rpm/spec_edit.hpp>
#include <kseries/util/error.hpp>

namespace kseries::rpm {

// What an RPM's header says: `rpm -qp`.
struct PackageId {
    std::string name;
    std::string version;
    std::string release;
    bool source = false; // a source package
    [[nodiscard]] std::string evr() const { return version + "-" + release; }
};

// Reads the header with `rpm -qp` after `rpmkeys -K --nosignature` has
// checked the package's digests; a corrupt file is a Parse error naming it.
[[nodiscard]] Expected<PackageId> query_package(const std::filesystem::path& file,
                                                proc::Runner& runner = proc::system_runner());

struct SrpmRequest {
    std::filesystem::path kernel_srpm{};
    PackageId original{}; // query_package(kernel_srpm): read once, by the caller
    std::filesystem::path out_dir{};
    SpecPatches patches{};                            // series, version, file names
    std::map<std::string, std::string> patch_texts{}; // file name -> contents
    std::optional<std::string> buildid{};
    std::string packager{};
    std::chrono::sys_days date{};
    std::vector<std::pair<std::string, std::string>> defines{}; // extra rpm macros
    bool prep = false;
    // With `prep`: the files the series changes (path in the kernel tree ->
    // contents after the series), which %prep must leave exactly so.
    std::map<std::string, std::string> expected_files{};
    proc::Runner& runner = proc::system_runner(); // rpm, rpmkeys, rpmspec, rpmbuild
};

struct SrpmResult {
    std::filesystem::path srpm; // in out_dir
    std::string evr;            // of the new SRPM
    SpecEdit edit;
    std::vector<std::string> padded; // patches lengthened past the 9-line trap
    std::optional<std::string> dist; // the dist tag derived from the SRPM for rpmbuild
    bool prep_ok = false;            // %prep ran and left every file as expected
    std::string prep_failure;        // why %prep failed: the step, and the end of its log
    std::filesystem::path prep_log;  // the full %prep log, kept in out_dir when it failed
};

// Progress, one line per step, for the CLI to show.
using StepCallback = std::function<void(std::string_view step)>;

// Builds the patched SRPM. An Error for bad input (an unreadable SRPM, a
// spec without anchors, a name clash) or a tool that fails; a result with
// prep_ok false when %prep failed, and then no SRPM is written.
[[nodiscard]] Expected<SrpmResult> make_srpm(const SrpmRequest& request, const StepCallback& step);

} // namespace kseries::rpm
