#include <map>

#include <kseries/kernel/detect.hpp>
#include <kseries/util/text.hpp>

namespace kseries::kernel {

namespace {

using Vars = std::map<std::string, std::string, std::less<>>;

// "NAME = value" assignments of a Makefile, first one wins.
Vars assignments(std::string_view makefile) {
    Vars out;
    for (const auto raw : text::split_lines(makefile)) {
        const std::string_view line = text::chomp(raw);
        const auto eq = line.find('=');
        if (eq == std::string_view::npos || eq == 0) {
            continue;
        }
        std::string_view name = text::trim(line.substr(0, eq));
        if (name.ends_with(':') || name.ends_with('?') || name.ends_with('+')) {
            continue;
        }
        out.try_emplace(std::string(name), std::string(text::trim(line.substr(eq + 1))));
    }
    return out;
}

std::string value(const Vars& vars, std::string_view key) {
    const auto it = vars.find(key);
    return it == vars.end() ? std::string{} : it->second;
}

// "<y>[.<z>.<w>].el<N>[_<minor>]" from RHEL_MAJOR/RHEL_MINOR/RHEL_RELEASE,
// or nothing when they are not all there. el7 updates keep ".el7"
// (3.10.0-1160.59.1.el7); later updates carry the minor
// (4.18.0-147.5.1.el8_1); a GA build gets the bare dist, which is right for
// 8.0-8.5 and wrong for 8.10 (4.18.0-553.el8_10): a guess either way.
std::optional<std::string> rhel_release(const Vars& vars) {
    const std::string rel = value(vars, "RHEL_RELEASE");
    const std::string major = value(vars, "RHEL_MAJOR");
    const std::string minor = value(vars, "RHEL_MINOR");
    if (rel.empty() || major.empty()) {
        return std::nullopt;
    }
    const bool update = rel.find('.') != std::string::npos;
    const bool with_minor = update && major != "7" && !minor.empty();
    return rel + ".el" + major + (with_minor ? "_" + minor : "");
}

} // namespace

std::string_view origin_key(ReleaseOrigin origin) {
    switch (origin) {
    case ReleaseOrigin::Given:
        return "given";
    case ReleaseOrigin::GitRef:
        return "git-ref";
    case ReleaseOrigin::SrpmName:
        return "srpm-name";
    case ReleaseOrigin::TarballName:
        return "tarball-name";
    case ReleaseOrigin::Catalog:
        return "catalog";
    case ReleaseOrigin::MakefileCatalog:
        return "makefile-catalog";
    case ReleaseOrigin::MakefileRhelver:
        return "makefile-rhelver";
    case ReleaseOrigin::MakefileRhel:
        return "makefile-rhel";
    case ReleaseOrigin::MakefileVersion:
        return "makefile-version";
    }
    return "given";
}

std::string_view origin_words(ReleaseOrigin origin) {
    switch (origin) {
    case ReleaseOrigin::Given:
        return "given on the command line";
    case ReleaseOrigin::GitRef:
        return "from the git ref's name";
    case ReleaseOrigin::SrpmName:
        return "from the SRPM's name";
    case ReleaseOrigin::TarballName:
        return "from the tarball's name";
    case ReleaseOrigin::Catalog:
        return "from the release catalog";
    case ReleaseOrigin::MakefileCatalog:
        return "from the tree's RHEL_* numbers, named as the catalog's release of that build";
    case ReleaseOrigin::MakefileRhelver:
        return "from Makefile.rhelver's RHEL_* numbers: a best guess, they can lag the package";
    case ReleaseOrigin::MakefileRhel:
        return "from the Makefile's RHEL_* numbers: a best guess, they can lag the package";
    case ReleaseOrigin::MakefileVersion:
        return "from the Makefile's VERSION only: no RHEL release numbers in the tree";
    }
    return "";
}

bool is_guess(ReleaseOrigin origin) {
    return origin == ReleaseOrigin::MakefileRhelver || origin == ReleaseOrigin::MakefileRhel ||
           origin == ReleaseOrigin::MakefileVersion;
}

Expected<std::optional<Detected>> detect(source::SourceTree& tree) {
    auto makefile = KSERIES_TRY(tree.load("Makefile"));
    const source::Content& top = makefile;
    if (!top) {
        return std::optional<Detected>{};
    }
    const auto vars = assignments(*top);
    if (value(vars, "VERSION").empty() || value(vars, "PATCHLEVEL").empty()) {
        return std::optional<Detected>{};
    }
    Detected d;
    const std::string sub = value(vars, "SUBLEVEL");
    d.release.version =
        value(vars, "VERSION") + "." + value(vars, "PATCHLEVEL") + "." + (sub.empty() ? "0" : sub);

    auto rhelver = KSERIES_TRY(tree.load("Makefile.rhelver"));
    const source::Content& rhel = rhelver;
    if (rhel) {
        if (auto rel = rhel_release(assignments(*rhel))) {
            d.release.release = std::move(*rel);
            d.origin = ReleaseOrigin::MakefileRhelver;
            return std::optional<Detected>(std::move(d));
        }
    }
    // el7 trees have no Makefile.rhelver: the numbers follow NAME.
    if (auto rel = rhel_release(vars)) {
        d.release.release = std::move(*rel);
        d.origin = ReleaseOrigin::MakefileRhel;
        return std::optional<Detected>(std::move(d));
    }
    const std::string extra = value(vars, "EXTRAVERSION");
    if (!extra.empty() && extra.front() == '-') {
        d.release.release = extra.substr(1);
    }
    d.origin = ReleaseOrigin::MakefileVersion;
    return std::optional<Detected>(std::move(d));
}

Expected<std::optional<Release>> detect_release(source::SourceTree& tree) {
    auto d = KSERIES_TRY(detect(tree));
    if (!d) {
        return std::optional<Release>{};
    }
    return std::optional<Release>(std::move((d)->release));
}

} // namespace kseries::kernel
