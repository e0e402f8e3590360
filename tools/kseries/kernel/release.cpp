#include <kseries/kernel/release.hpp>

#include <rpm/rpmver.h>

#include <array>
#include <charconv>
#include <string>

namespace kseries::kernel {

namespace {

bool is_version(std::string_view s) {
    if (s.empty() || s.front() < '0' || s.front() > '9') {
        return false;
    }
    for (const char c : s) {
        if ((c < '0' || c > '9') && c != '.') {
            return false;
        }
    }
    return true;
}

std::string_view strip_suffixes(std::string_view s) {
    static constexpr std::array suffixes{".src.rpm", ".rpm", ".tar.xz", ".tar.gz", ".tar.bz2",
                                         ".tar", ".x86_64", ".aarch64", ".ppc64le", ".s390x",
                                         ".noarch", ".src"};
    bool again = true;
    while (again) {
        again = false;
        for (const std::string_view suffix : suffixes) {
            if (s.ends_with(suffix)) {
                s.remove_suffix(suffix.size());
                again = true;
            }
        }
    }
    return s;
}

} // namespace

int Release::rhel_major() const {
    const auto el = release.rfind(".el");
    if (el == std::string::npos) {
        return 0;
    }
    int major = 0;
    const char* first = release.data() + el + 3;
    const char* last = release.data() + release.size();
    if (std::from_chars(first, last, major).ec != std::errc{}) {
        return 0;
    }
    return major;
}

long Release::build() const {
    long y = 0;
    std::from_chars(release.data(), release.data() + release.size(), y);
    return y;
}

std::optional<Release> parse_release(std::string_view text) {
    // The last path component, without package suffixes.
    if (const auto slash = text.rfind('/'); slash != std::string_view::npos) {
        text.remove_prefix(slash + 1);
    }
    text = strip_suffixes(text);
    // Find "<version>-<release>" where version is digits and dots: try each
    // '-' from the left, so "kernel-" and "linux-" prefixes fall away.
    for (std::size_t dash = text.find('-'); dash != std::string_view::npos;
         dash = text.find('-', dash + 1)) {
        const auto start = text.rfind('-', dash == 0 ? 0 : dash - 1);
        const std::string_view version =
            text.substr(start == std::string_view::npos ? 0 : start + 1,
                        dash - (start == std::string_view::npos ? 0 : start + 1));
        const std::string_view release = text.substr(dash + 1);
        if (is_version(version) && !release.empty() && release.front() >= '0' &&
            release.front() <= '9') {
            return Release{std::string(version), std::string(release)};
        }
    }
    return std::nullopt;
}

int rpm_vercmp(std::string_view a, std::string_view b) {
    return rpmvercmp(std::string(a).c_str(), std::string(b).c_str());
}

int compare(const Release& a, const Release& b) {
    if (const int v = rpm_vercmp(a.version, b.version); v != 0) {
        return v;
    }
    return rpm_vercmp(a.release, b.release);
}

} // namespace kseries::kernel
