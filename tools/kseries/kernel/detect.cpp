#include <kseries/kernel/detect.hpp>

#include <kseries/util/text.hpp>

#include <map>

namespace kseries::kernel {

namespace {

// "NAME = value" assignments of a Makefile, first one wins.
std::map<std::string, std::string, std::less<>> assignments(std::string_view makefile) {
    std::map<std::string, std::string, std::less<>> out;
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

} // namespace

Expected<std::optional<Release>> detect_release(source::SourceTree& tree) {
    auto makefile = tree.read("Makefile");
    if (!makefile) {
        return std::unexpected(makefile.error());
    }
    const std::optional<std::string>& top = *makefile;
    if (!top) {
        return std::optional<Release>{};
    }
    const auto vars = assignments(*top);
    const auto get = [&](std::string_view key) -> std::string {
        const auto it = vars.find(key);
        return it == vars.end() ? std::string{} : it->second;
    };
    if (get("VERSION").empty() || get("PATCHLEVEL").empty()) {
        return std::optional<Release>{};
    }
    Release r;
    r.version = get("VERSION") + "." + get("PATCHLEVEL") + "." +
                (get("SUBLEVEL").empty() ? "0" : get("SUBLEVEL"));

    auto rhelver = tree.read("Makefile.rhelver");
    if (!rhelver) {
        return std::unexpected(rhelver.error());
    }
    const std::optional<std::string>& rhel = *rhelver;
    if (rhel) {
        const auto rv = assignments(*rhel);
        const auto at = [&](std::string_view key) -> std::string {
            const auto it = rv.find(key);
            return it == rv.end() ? std::string{} : it->second;
        };
        const std::string rel = at("RHEL_RELEASE");
        const std::string major = at("RHEL_MAJOR");
        if (!rel.empty() && !major.empty()) {
            // GA builds are "<y>.el<N>", updates "<y>.<z>.<w>.el<N>_<minor>".
            const bool update = rel.find('.') != std::string::npos;
            r.release = rel + ".el" + major + (update ? "_" + at("RHEL_MINOR") : "");
            return std::optional<Release>(std::move(r));
        }
    }
    const std::string extra = get("EXTRAVERSION");
    if (!extra.empty() && extra.front() == '-') {
        r.release = extra.substr(1);
    }
    return std::optional<Release>(std::move(r));
}

} // namespace kseries::kernel
