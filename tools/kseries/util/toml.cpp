#include <algorithm>

#include <fmt/format.h>

#include <kseries/util/file.hpp>
#include <kseries/util/toml.hpp>

namespace kseries::toml_read {

Location where(const std::string& file, const toml::node& node) {
    return {file, static_cast<std::size_t>(node.source().begin.line)};
}

namespace {

// toml++ descends once per part of a dotted key ("a.b.c"), so a key of
// 100,000 parts overflows the stack. kseries' own files use keys of one
// or two parts; anything near this bound is not one of them.
constexpr std::size_t max_key_parts = 64;

Expected<void> check_key_depth(std::string_view text, const std::string& file) {
    std::size_t line = 1;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        const std::string_view l = text.substr(start, end - start);
        // The key is what precedes '='; a table header ([a.b]) has none.
        const std::string_view key = l.substr(0, l.find('='));
        if (static_cast<std::size_t>(std::count(key.begin(), key.end(), '.')) >= max_key_parts) {
            return fail(ErrorKind::Parse,
                        fmt::format("a key of more than {} dotted parts; kseries reads no such key",
                                    max_key_parts),
                        Location{file, line});
        }
        ++line;
        start = end + 1;
    }
    return {};
}

} // namespace

Expected<toml::table> parse_file(const std::filesystem::path& path, std::string_view what) {
    auto text = read_regular_file(path);
    if (!text) {
        if (text.error().kind() == ErrorKind::NotFound) {
            return fail(ErrorKind::NotFound, fmt::format("cannot read {} {}", what, path.string()));
        }
        return std::unexpected(text.error().with_context(what));
    }
    const std::string file = path.string();
    KSERIES_TRY(check_key_depth(*text, file));
    try {
        return toml::parse(*text, file);
    } catch (const toml::parse_error& e) {
        return fail(ErrorKind::Parse, std::string(e.description()),
                    Location{file, static_cast<std::size_t>(e.source().begin.line)});
    }
}

Expected<void> known_keys(const std::string& file, const toml::table& t,
                          std::initializer_list<std::string_view> known, std::string_view what) {
    for (const auto& [key, node] : t) {
        if (std::find(known.begin(), known.end(), key.str()) == known.end()) {
            std::string names;
            for (const auto k : known) {
                names += names.empty() ? "" : ", ";
                names += k;
            }
            return fail(ErrorKind::Parse,
                        fmt::format("unknown key '{}' in {} (known: {})", key.str(), what, names),
                        where(file, node));
        }
    }
    return {};
}

Expected<std::string> string_at(const std::string& file, const toml::table& t,
                                std::string_view key) {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
        return std::string{};
    }
    if (const auto* s = n->as_string()) {
        return s->get();
    }
    if (const auto* d = n->as_date()) {
        return fmt::format("{:04}-{:02}-{:02}", d->get().year, d->get().month, d->get().day);
    }
    return fail(ErrorKind::Parse, fmt::format("'{}' must be a string", key), where(file, *n));
}

Expected<std::vector<std::string>> strings_at(const std::string& file, const toml::table& t,
                                              std::string_view key) {
    std::vector<std::string> out;
    const toml::node* n = t.get(key);
    if (n == nullptr) {
        return out;
    }
    if (const auto* s = n->as_string()) {
        out.push_back(s->get());
        return out;
    }
    const auto* list = n->as_array();
    if (list == nullptr) {
        return fail(ErrorKind::Parse,
                    fmt::format("'{}' must be a string or a list of strings", key),
                    where(file, *n));
    }
    for (const auto& item : *list) {
        const auto* s = item.as_string();
        if (s == nullptr) {
            return fail(ErrorKind::Parse, fmt::format("'{}' must list strings", key),
                        where(file, item));
        }
        out.push_back(s->get());
    }
    return out;
}

Expected<std::vector<const toml::table*>> tables_at(const std::string& file, const toml::table& t,
                                                    std::string_view key) {
    std::vector<const toml::table*> out;
    const toml::node* n = t.get(key);
    if (n == nullptr) {
        return out;
    }
    const auto* list = n->as_array();
    if (list == nullptr) {
        return fail(ErrorKind::Parse, fmt::format("'{0}' must be an array of tables: [[{0}]]", key),
                    where(file, *n));
    }
    for (const auto& item : *list) {
        const auto* table = item.as_table();
        if (table == nullptr) {
            return fail(ErrorKind::Parse, fmt::format("each '{}' must be a table", key),
                        where(file, item));
        }
        out.push_back(table);
    }
    return out;
}

} // namespace kseries::toml_read
