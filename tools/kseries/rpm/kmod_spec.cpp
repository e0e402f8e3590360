#include <kseries/rpm/kmod_spec.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <regex>

#include <fmt/format.h>

#include <kseries/util/text.hpp>

namespace kseries::rpm {

namespace {

// Free text inside the spec: rpm expands '%' everywhere, and a line break
// could start a section or a tag of its own.
std::string escape(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c == '%') {
            out += "%%";
        } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            out += ' ';
        } else {
            out += c;
        }
    }
    return out;
}

// Longer than any package name, release or module name rpm accepts.
constexpr std::size_t max_field_size = 255;

Expected<void> check_field(std::string_view field, const std::string& value, const std::regex& re,
                           std::string_view allowed) {
    // The length first: std::regex recurses per character, so no regex
    // runs on a value of unbounded length.
    if (value.size() > max_field_size) {
        return fail(ErrorKind::Usage,
                    fmt::format("kmod: {} of {} characters cannot go into a spec file (at most {})",
                                field, value.size(), max_field_size));
    }
    if (!std::regex_match(value, re)) {
        return fail(ErrorKind::Usage, fmt::format("kmod: {} {} cannot go into a spec file: "
                                                  "only {} are allowed",
                                                  field, text::quote_line(value), allowed));
    }
    return {};
}

// "Tue Nov 24 2026" for an rpm %changelog entry.
Expected<std::string> changelog_date(const std::string& date) {
    static const std::regex iso(R"(([0-9]{4})-([0-9]{2})-([0-9]{2}))");
    std::smatch m;
    if (date.size() != 10 || !std::regex_match(date, m, iso)) {
        return fail(ErrorKind::Usage,
                    fmt::format("kmod: date {} is not YYYY-MM-DD", text::quote_line(date)));
    }
    const std::chrono::year_month_day ymd{
        std::chrono::year{std::stoi(m[1].str())},
        std::chrono::month{static_cast<unsigned>(std::stoi(m[2].str()))},
        std::chrono::day{static_cast<unsigned>(std::stoi(m[3].str()))}};
    if (!ymd.ok()) {
        return fail(ErrorKind::Usage, fmt::format("kmod: date '{}' does not exist", date));
    }
    static constexpr std::array<const char*, 7> days{"Sun", "Mon", "Tue", "Wed",
                                                     "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> months{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const std::chrono::weekday wd{std::chrono::sys_days{ymd}};
    return fmt::format("{} {} {} {}", days.at(wd.c_encoding()),
                       months.at(static_cast<unsigned>(ymd.month()) - 1), m[3].str(), m[1].str());
}

} // namespace

std::vector<std::string> kernel_requires(std::string_view kver) {
    // V-R.arch, R starting with a number and holding the .elN dist tag.
    static const std::regex rhel(
        R"(([0-9]+(?:\.[0-9]+)*)-(([0-9]+)(?:\.[A-Za-z0-9_]+)*\.el[0-9]+(?:_[0-9]+)?(?:\.[A-Za-z0-9_]+)*?)\.(x86_64|aarch64|ppc64le|s390x|i686))");
    std::cmatch m;
    if (kver.size() <= max_field_size && std::regex_match(kver.begin(), kver.end(), m, rhel)) {
        const std::string v = m[1].str();
        return {fmt::format("kernel >= {}-{}", v, m[2].str()),
                fmt::format("kernel < {}-{}", v, std::stoull(m[3].str()) + 1)};
    }
    // rpm reads "V-R" with one '-' at most: a release like Debian's
    // 6.1.0-57-amd64 cannot be written as a version, so no Requires.
    if (std::count(kver.begin(), kver.end(), '-') > 1) {
        return {};
    }
    return {fmt::format("kernel-uname-r = {}", kver)};
}

Expected<void> validate_package_fields(const KmodSpecInput& in) {
    static const std::regex name(R"([A-Za-z0-9][A-Za-z0-9._+-]*)");
    static const std::regex evr(R"([A-Za-z0-9][A-Za-z0-9._+]*)");
    const std::string name_chars = "letters, digits and . _ + - (not first)";
    const std::string evr_chars = "letters, digits and . _ + (not first)";
    for (const auto& check : {check_field("name", in.name, name, name_chars),
                              check_field("kernel release", in.kver, name, name_chars),
                              check_field("version", in.version, evr, evr_chars),
                              check_field("release", in.release, evr, evr_chars)}) {
        if (!check) {
            return check;
        }
    }
    // Only its check: the spec formats the date itself.
    (void)KSERIES_TRY(changelog_date(in.date));
    return {};
}

std::string depmod_conf(const KmodSpecInput& in) {
    return fmt::format("# kmod-{0}: prefer the patched {1}.ko to the kernel's own.\n"
                       "override {1} {2} extra/{0}\n"
                       "override {1} * weak-updates/{0}\n",
                       in.name, in.module, in.kver);
}

namespace {

// Where the package puts things: the module's directory and file, and the
// file %preun leaves the module list in for %postun.
struct Paths {
    std::string dir;
    std::string ko;
    std::string state;
};

Paths paths_of(const KmodSpecInput& in) {
    const std::string dir = fmt::format("/lib/modules/{}/extra/{}", in.kver, in.name);
    return {dir, fmt::format("{}/{}.ko", dir, in.module),
            fmt::format("/var/run/rpm-kmod-{}-modules", in.name)};
}

// The tags: the package exactly as built (no debuginfo, stripping,
// build-id links or automatic dependencies) and Requires on its kernel.
std::string preamble(const KmodSpecInput& in) {
    std::string requires_lines;
    for (const auto& r : kernel_requires(in.kver)) {
        requires_lines += fmt::format("Requires:       {}\n", r);
    }
    return fmt::format(
        R"(# kmod-{name}: written by kseries kmod; regenerate rather than edit.
# The module is packaged exactly as built: no debuginfo package, no
# stripping, no build-id links, no automatic dependencies.
%global debug_package %{{nil}}
%global _build_id_links none
%global __spec_install_post %{{nil}}

Name:           kmod-{name}
Version:        {version}
Release:        {release}
Summary:        {module}.ko patched by {series} for kernel {kver}
License:        GPL-2.0-only
Source0:        {module}.ko
Source1:        kmod-{name}.conf
AutoReqProv:    no
Provides:       kmod({module}.ko) = %{{version}}-%{{release}}
{requires}
)",
        fmt::arg("name", in.name), fmt::arg("module", in.module), fmt::arg("kver", in.kver),
        fmt::arg("version", in.version), fmt::arg("release", in.release),
        fmt::arg("series", escape(in.series)), fmt::arg("requires", requires_lines));
}

// What is in the module, for `rpm -qi`: the series and its patches.
std::string description(const KmodSpecInput& in, const Paths& paths) {
    std::string patch_lines;
    for (const auto& p : in.patches) {
        patch_lines += fmt::format("  {}\n", escape(p));
    }
    return fmt::format(
        R"(%description
The {module}.ko kernel module of kernel {kver},
built from the kernel's own sources with the patches of
{series} applied:
{patch_lines}It is installed under
{dir}/
and preferred to the kernel's own module through
/etc/depmod.d/kmod-{name}.conf; weak-modules links it into other
kernels of the same kABI.

)",
        fmt::arg("name", in.name), fmt::arg("module", in.module), fmt::arg("kver", in.kver),
        fmt::arg("series", escape(in.series)), fmt::arg("patch_lines", patch_lines),
        fmt::arg("dir", paths.dir));
}

// %install and the scriptlets, as ELRepo's kmod specs: weak-modules links
// the module into the kernels of the same kABI, depmod makes it found.
std::string install_and_scriptlets(const KmodSpecInput& in, const Paths& paths) {
    return fmt::format(
        R"(%install
install -D -m 0644 %{{SOURCE0}} %{{buildroot}}{ko}
install -D -m 0644 %{{SOURCE1}} %{{buildroot}}/etc/depmod.d/kmod-{name}.conf

%post
if [ -x /usr/sbin/weak-modules ]; then
    printf '%%s\n' {ko} | /usr/sbin/weak-modules --add-modules
fi
if [ -d /lib/modules/{kver} ]; then
    depmod -a {kver} >/dev/null 2>&1 || :
fi

%preun
printf '%%s\n' {ko} > {state}

%postun
if [ -d /lib/modules/{kver} ]; then
    depmod -a {kver} >/dev/null 2>&1 || :
fi
if [ -x /usr/sbin/weak-modules ] && [ -f {state} ]; then
    /usr/sbin/weak-modules --remove-modules < {state}
fi
rm -f {state}

)",
        fmt::arg("name", in.name), fmt::arg("kver", in.kver), fmt::arg("ko", paths.ko),
        fmt::arg("state", paths.state));
}

// %files and the %changelog entry naming the series version and patches.
std::string files_and_changelog(const KmodSpecInput& in, const Paths& paths,
                                const std::string& date) {
    std::string changelog_patches;
    for (const auto& p : in.patches) {
        changelog_patches += fmt::format("- {}\n", escape(p));
    }
    return fmt::format(
        R"(%files
%defattr(644,root,root,755)
{dir}/
%config /etc/depmod.d/kmod-{name}.conf

%changelog
* {date} kseries <kseries@localhost> - {version}-{release}
- {module}.ko for {kver} from {series}{changelog}
{changelog_patches})",
        fmt::arg("name", in.name), fmt::arg("module", in.module), fmt::arg("kver", in.kver),
        fmt::arg("version", in.version), fmt::arg("release", in.release),
        fmt::arg("series", escape(in.series)), fmt::arg("dir", paths.dir),
        fmt::arg("date", date),
        fmt::arg("changelog", in.changelog.empty() ? "" : ": " + escape(in.changelog)),
        fmt::arg("changelog_patches", changelog_patches));
}

} // namespace

Expected<std::string> kmod_spec(const KmodSpecInput& in) {
    static const std::regex module(R"([A-Za-z0-9][A-Za-z0-9_-]*)");
    KSERIES_TRY(validate_package_fields(in));
    KSERIES_TRY(check_field("module", in.module, module, "letters, digits, _ and -"));
    const auto date = KSERIES_TRY(changelog_date(in.date));
    const Paths paths = paths_of(in);
    return preamble(in) + description(in, paths) + install_and_scriptlets(in, paths) +
           files_and_changelog(in, paths, date);
}

} // namespace kseries::rpm
