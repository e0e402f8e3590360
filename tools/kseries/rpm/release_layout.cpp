#include <algorithm>
#include <cctype>

#include <kseries/rpm/release_layout.hpp>

namespace kseries::rpm {

namespace {

// "el8", "el8_1", "el10": the text of a dist segment after its dot.
bool is_dist_segment(std::string_view s) {
    if (!s.starts_with("el") || s.size() < 3) {
        return false;
    }
    std::size_t k = 2;
    const auto digits = [&] {
        const std::size_t from = k;
        while (k < s.size() && std::isdigit(static_cast<unsigned char>(s[k])) != 0) {
            ++k;
        }
        return k > from;
    };
    if (!digits()) {
        return false;
    }
    if (k < s.size() && s[k] == '_') {
        ++k;
        if (!digits()) {
            return false;
        }
    }
    return k == s.size();
}

// Where `dist` stands as whole segments of `release` from `from` on: followed
// by a dot or the end, so ".el9" is not found inside ".el9_2".
std::size_t find_segment(std::string_view release, std::string_view dist, std::size_t from) {
    for (std::size_t at = release.find(dist, from); at != std::string_view::npos;
         at = release.find(dist, at + 1)) {
        const std::size_t end = at + dist.size();
        if (end == release.size() || release[end] == '.') {
            return at;
        }
    }
    return std::string_view::npos;
}

} // namespace

std::vector<std::string> dist_candidates(std::string_view release) {
    std::vector<std::string> out;
    // Segments follow a dot; the release's first segment ("147") never is one.
    for (std::size_t dot = release.find('.'); dot != std::string_view::npos;) {
        const std::size_t next = release.find('.', dot + 1);
        const std::string_view segment = release.substr(
            dot + 1, next == std::string_view::npos ? std::string_view::npos : next - dot - 1);
        std::string dist = "." + std::string(segment);
        if (is_dist_segment(segment) && std::find(out.begin(), out.end(), dist) == out.end()) {
            out.push_back(std::move(dist));
        }
        dot = next;
    }
    return out;
}

std::optional<std::string> dist_inserted(std::string_view release, std::string_view without_dist) {
    std::optional<std::string> found;
    for (const auto& dist : dist_candidates(release)) {
        // The candidate must occur once, at a segment boundary: removing it
        // there must leave exactly what the spec makes without a dist.
        const std::size_t at = find_segment(release, dist, 0);
        if (at == std::string_view::npos ||
            find_segment(release, dist, at + 1) != std::string_view::npos) {
            continue;
        }
        std::string rest(release.substr(0, at));
        rest += release.substr(at + dist.size());
        if (rest != without_dist) {
            continue;
        }
        if (found && *found != dist) {
            return std::nullopt;
        }
        found = dist;
    }
    return found;
}

ReleaseDifference release_difference(std::string_view release, std::string_view evaluated) {
    std::size_t prefix = 0;
    while (prefix < release.size() && prefix < evaluated.size() &&
           release[prefix] == evaluated[prefix]) {
        ++prefix;
    }
    std::size_t suffix = 0;
    while (suffix < release.size() - prefix && suffix < evaluated.size() - prefix &&
           release[release.size() - 1 - suffix] == evaluated[evaluated.size() - 1 - suffix]) {
        ++suffix;
    }
    return {std::string(release.substr(prefix, release.size() - prefix - suffix)),
            std::string(evaluated.substr(prefix, evaluated.size() - prefix - suffix))};
}

} // namespace kseries::rpm
