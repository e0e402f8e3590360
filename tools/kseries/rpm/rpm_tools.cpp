#include <algorithm>

#include <fmt/format.h>

#include <kseries/rpm/release_layout.hpp>
#include <kseries/rpm/rpm_tools.hpp>
#include <kseries/util/text.hpp>

namespace fs = std::filesystem;

namespace kseries::rpm {

namespace {

// What the spec makes without a dist tag, and the dist tag (if any) with
// which this rpmspec evaluates it to the SRPM's own VERSION-RELEASE.
struct DerivedDist {
    std::string without; // VERSION-RELEASE with dist defined empty
    std::optional<std::string> dist;
    std::vector<std::string> tried;
};

// `bare` defines no dist. The dist is the part of the SRPM's release that
// the spec does not make without one (release_layout.hpp), confirmed by
// rpmspec; failing that, each `.elN(_M)` segment of the release is tried.
Expected<DerivedDist> derive_dist(const RpmTools& bare, const PackageId& original) {
    DerivedDist out;
    RpmTools probe = bare;
    probe.defines.emplace_back("dist", "%{nil}");
    out.without = KSERIES_TRY(probe.evr());
    if (out.without == original.evr()) {
        return out;
    }
    if (auto inserted = dist_inserted(original.evr(), out.without)) {
        out.tried.push_back(*inserted);
    }
    for (auto& c : dist_candidates(original.release)) {
        if (std::find(out.tried.begin(), out.tried.end(), c) == out.tried.end()) {
            out.tried.push_back(std::move(c));
        }
    }
    for (const auto& dist : out.tried) {
        probe.defines.back().second = dist;
        if (KSERIES_TRY(probe.evr()) == original.evr()) {
            out.dist = dist;
            return out;
        }
    }
    return out;
}

} // namespace

Expected<proc::Result> run_tool(proc::Runner& runner, const std::vector<std::string>& argv,
                                const fs::path& cwd) {
    auto r = KSERIES_TRY(runner.run({argv, cwd, std::nullopt}));
    if (!r.ok()) {
        return fail(ErrorKind::Tool, fmt::format("{} failed ({}):\n{}", proc::describe(argv),
                                                 r.status(), text::last_lines(r.err + r.out, 15)));
    }
    return r;
}

std::vector<std::string> RpmTools::args(std::string tool) const {
    std::vector<std::string> argv{std::move(tool)};
    const std::pair<const char*, fs::path> dirs[] = {{"_topdir", top},
                                                     {"_sourcedir", sources},
                                                     {"_specdir", sources},
                                                     {"_srcrpmdir", top / "SRPMS"},
                                                     {"_builddir", top / "BUILD"},
                                                     {"_rpmdir", top / "RPMS"},
                                                     {"_buildrootdir", top / "BUILDROOT"}};
    for (const auto& [name, dir] : dirs) {
        argv.insert(argv.end(), {"--define", fmt::format("{} {}", name, dir.string())});
    }
    for (const auto& [name, value] : defines) {
        argv.insert(argv.end(), {"--define", fmt::format("{} {}", name, value)});
    }
    return argv;
}

Expected<std::string> RpmTools::evr() const {
    auto argv = args("rpmspec");
    argv.insert(argv.end(), {"-q", "--srpm", "--qf", "%{VERSION}-%{RELEASE}\\n", spec.string()});
    const auto r = KSERIES_TRY(run_tool(runner, argv));
    const auto lines = text::split_lines(r.out);
    if (lines.empty()) {
        return fail(ErrorKind::Tool, fmt::format("{} printed nothing", proc::describe(argv)));
    }
    return std::string(text::trim(text::chomp(lines.front())));
}

Expected<std::optional<std::string>> match_release(RpmTools& tools, const PackageId& original,
                                                   const std::string& label) {
    RpmTools bare = tools;
    std::erase_if(bare.defines, [](const auto& d) { return d.first == "dist"; });
    const bool dist_given = bare.defines.size() != tools.defines.size();
    if (!dist_given) {
        auto derived = derive_dist(bare, original);
        if (!derived) {
            return std::unexpected(derived.error().with_context(label));
        }
        if (derived->without == original.evr() || derived->dist) {
            tools.defines.emplace_back("dist", derived->dist.value_or("%{nil}"));
            return derived->dist;
        }
        const auto diff = release_difference(original.evr(), derived->without);
        return fail(
            ErrorKind::Usage,
            fmt::format("{}: rpmspec evaluates it to {} with dist empty{}, but the SRPM is {}: "
                        "the SRPM has '{}' where rpmspec has '{}'. This rpmbuild does not see a "
                        "macro the SRPM was built with; pass it with --define 'NAME VALUE'",
                        label, derived->without,
                        derived->tried.empty()
                            ? std::string()
                            : fmt::format(" (and not to the SRPM's release with dist {} either)",
                                          text::join(derived->tried, " or ")),
                        original.evr(), diff.in_release, diff.in_evaluated));
    }
    auto evr = tools.evr();
    if (!evr) {
        return std::unexpected(evr.error().with_context(label));
    }
    if (*evr == original.evr()) {
        return std::optional<std::string>();
    }
    // The caller's dist (or another define) is wrong: name the right one
    // when the SRPM shows it.
    std::string hint = "; pass them with --define 'NAME VALUE'";
    if (auto derived = derive_dist(bare, original); derived && derived->dist) {
        hint = fmt::format("; the SRPM's release calls for --define 'dist {}'", *derived->dist);
    }
    return fail(ErrorKind::Usage,
                fmt::format("{}: rpmspec evaluates it to {}, but the SRPM is {}: this rpmbuild "
                            "does not see the macros the SRPM was built with{}",
                            label, *evr, original.evr(), hint));
}

} // namespace kseries::rpm
