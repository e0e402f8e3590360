#include <algorithm>
#include <strings.h>

#include <fmt/format.h>

#include <kseries/fetch/mirror.hpp>

namespace kseries::fetch {

namespace {

bool is_http_url(std::string_view url) {
    for (std::string_view scheme : {"http://", "https://"}) {
        if (url.size() > scheme.size() &&
            ::strncasecmp(url.data(), scheme.data(), scheme.size()) == 0) {
            return true;
        }
    }
    return false;
}

std::string without_trailing_slash(std::string s) {
    while (s.size() > 1 && s.back() == '/') {
        s.pop_back();
    }
    return s;
}

} // namespace

Expected<std::vector<Mirror>> parse_mirrors(const std::vector<std::string>& rules,
                                            std::string_view origin) {
    std::vector<Mirror> out;
    for (const auto& rule : rules) {
        const auto eq = rule.find('=');
        const std::string prefix = eq == std::string::npos ? "" : rule.substr(0, eq);
        const std::string replacement = eq == std::string::npos ? "" : rule.substr(eq + 1);
        if (!is_http_url(prefix) || !is_http_url(replacement)) {
            return fail(
                ErrorKind::Usage,
                fmt::format("{} '{}': expected PUBLISHED=MIRROR, both http:// or https:// "
                            "URLs (e.g. https://vault.almalinux.org=http://mirror.lan/alma)",
                            origin, rule));
        }
        out.push_back({without_trailing_slash(prefix), without_trailing_slash(replacement)});
    }
    return out;
}

std::vector<std::string> split_mirror_list(std::string_view value) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < value.size()) {
        const auto start = value.find_first_not_of(" \t\n", i);
        if (start == std::string_view::npos) {
            break;
        }
        const auto end = std::min(value.find_first_of(" \t\n", start), value.size());
        out.emplace_back(value.substr(start, end - start));
        i = end;
    }
    return out;
}

std::string mirrored(std::string_view url, const std::vector<Mirror>& mirrors) {
    const Mirror* best = nullptr;
    for (const auto& m : mirrors) {
        const bool whole = url.starts_with(m.prefix) &&
                           (url.size() == m.prefix.size() || url[m.prefix.size()] == '/' ||
                            url[m.prefix.size()] == '?');
        if (whole && (best == nullptr || m.prefix.size() > best->prefix.size())) {
            best = &m;
        }
    }
    if (best == nullptr) {
        return std::string(url);
    }
    return best->replacement + std::string(url.substr(best->prefix.size()));
}

} // namespace kseries::fetch
