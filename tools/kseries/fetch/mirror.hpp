// Mirrors for `kseries fetch`: the catalog records where each SRPM was
// published; a site behind a firewall, or a test, serves the same files
// from elsewhere. A mirror rule "PREFIX=REPLACEMENT" replaces a URL prefix,
// so the catalog stays the record of the published URLs.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <kseries/util/error.hpp>

namespace kseries::fetch {

struct Mirror {
    std::string prefix;      // e.g. "https://vault.almalinux.org"
    std::string replacement; // e.g. "http://mirror.example.org/almalinux"
};

// Rules "PREFIX=REPLACEMENT", each side an http:// or https:// URL; `origin`
// names where they came from for messages ("--mirror", "$KSERIES_MIRROR").
[[nodiscard]] Expected<std::vector<Mirror>> parse_mirrors(const std::vector<std::string>& rules,
                                                          std::string_view origin);

// $KSERIES_MIRROR's value: rules separated by spaces (URLs hold no spaces).
[[nodiscard]] std::vector<std::string> split_mirror_list(std::string_view value);

// The URL with the longest matching prefix replaced; a prefix matches only
// whole path components ("https://a.org" matches "https://a.org/x", not
// "https://a.org.evil/x"). No rule matches: the URL unchanged.
[[nodiscard]] std::string mirrored(std::string_view url, const std::vector<Mirror>& mirrors);

} // namespace kseries::fetch
