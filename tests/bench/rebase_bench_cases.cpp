// rebase-bench's corpus and case generator (rebase_bench.hpp). An edit's
// place in 6.12 is taken as known only when the edited lines and two lines
// on each side (one for already-present cases, whose point is that the wider
// context differs) occur exactly once in the 6.12 function, or near the
// start or end of the 6.12 file for file-start and file-end cases.
#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include <kseries/rebase/c_function.hpp>

#include "rebase_bench.hpp"

namespace kseries::rebasebench {

namespace fs = std::filesystem;

const char* klass_name(Klass k) {
    static constexpr std::array<const char*, klass_count> names{
        "carry", "already-present", "repeated", "removal-only", "file-start", "file-end"};
    return names[static_cast<std::size_t>(k)];
}

std::optional<Klass> klass_named(std::string_view name) {
    for (std::size_t k = 0; k < klass_count; ++k) {
        if (name == klass_name(static_cast<Klass>(k))) {
            return static_cast<Klass>(k);
        }
    }
    return std::nullopt;
}

std::string joined(const Lines& lines) {
    std::string s;
    for (const auto& l : lines) {
        s += l;
    }
    return s;
}

Lines apply_edits(const Lines& lines, const std::vector<Edit>& edits, bool at_new) {
    auto sorted = edits;
    const auto start = [&](const Edit& e) { return at_new ? e.new_start : e.old_start; };
    std::sort(sorted.begin(), sorted.end(),
              [&](const Edit& a, const Edit& b) { return start(a) < start(b); });
    Lines out;
    std::size_t i = 0;
    for (const auto& e : sorted) {
        out.insert(out.end(), lines.begin() + static_cast<long>(i),
                   lines.begin() + static_cast<long>(start(e)));
        out.insert(out.end(), e.lines.begin(), e.lines.end());
        i = start(e) + e.old_count;
    }
    out.insert(out.end(), lines.begin() + static_cast<long>(i), lines.end());
    return out;
}

namespace {

Lines read_lines(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    Lines out;
    for (std::size_t i = 0; i < text.size();) {
        const auto nl = text.find('\n', i);
        const auto end = nl == std::string::npos ? text.size() : nl + 1;
        out.push_back(text.substr(i, end - i));
        i = end;
    }
    return out;
}

bool blank(const std::string& l) {
    return std::all_of(l.begin(), l.end(),
                       [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; });
}

// A simple statement ("\tfoo(x);", "\treturn err;"): a line before which a
// check can go, and which can be deleted or changed on its own.
bool statement(const std::string& l) {
    const auto end = l.find_last_not_of(" \t\r\n");
    return !l.empty() && (l[0] == '\t' || l[0] == ' ') && end != std::string::npos &&
           l[end] == ';' && l.find('{') == std::string::npos && l.find('}') == std::string::npos;
}

std::string indent_of(const std::string& l) {
    return l.substr(0, l.find_first_not_of(" \t"));
}

// The first identifier of the line that names something (not a keyword):
// where its first occurrence starts, and the identifier.
std::optional<std::pair<std::size_t, std::string>> identifier(const std::string& l) {
    static const std::set<std::string> keywords{
        "return", "if",   "else", "int",   "long",   "unsigned", "struct", "const", "static",
        "void",   "char", "bool", "goto",  "sizeof", "for",      "while",  "true",  "false",
        "NULL",   "err",  "ret",  "break", "case",   "switch",   "do",     "u64",   "u32"};
    for (std::size_t i = 0; i < l.size();) {
        if (std::isalpha(static_cast<unsigned char>(l[i])) == 0 && l[i] != '_') {
            ++i;
            continue;
        }
        std::size_t j = i;
        while (j < l.size() &&
               (std::isalnum(static_cast<unsigned char>(l[j])) != 0 || l[j] == '_')) {
            ++j;
        }
        std::string word = l.substr(i, j - i);
        if (word.size() >= 3 && !keywords.contains(word)) {
            return std::pair{i, std::move(word)};
        }
        i = j;
    }
    return std::nullopt;
}

struct Range {
    std::size_t lo = 0, hi = 0; // [lo, hi) of a version's lines
};

// Where the edit of 6.1's lines [s, s + c) goes in 6.12: the anchor (the
// edited lines and `r` lines on each side, clipped to `old_range`) must
// occur exactly once in `new_range`.
std::optional<std::size_t> corresponding(const FilePair& f, std::size_t s, std::size_t c,
                                         std::size_t r, Range old_range, Range new_range) {
    const std::size_t a = s >= old_range.lo + r ? s - r : old_range.lo;
    const std::size_t b = std::min(old_range.hi, s + c + r);
    if (b <= a + 1 || b - a > new_range.hi - new_range.lo) {
        return std::nullopt;
    }
    std::optional<std::size_t> found;
    for (std::size_t p = new_range.lo; p + (b - a) <= new_range.hi; ++p) {
        if (std::equal(f.old_lines.begin() + static_cast<long>(a),
                       f.old_lines.begin() + static_cast<long>(b),
                       f.new_lines.begin() + static_cast<long>(p))) {
            if (found) {
                return std::nullopt;
            }
            found = p + (s - a);
        }
    }
    return found;
}

// How often 6.1's lines [s, s + c) occur in `range` of 6.12.
std::size_t occurrences_in_range(const FilePair& f, std::size_t s, std::size_t c, Range range) {
    std::size_t n = 0;
    for (std::size_t p = range.lo; p + c <= range.hi && p + c <= f.new_lines.size(); ++p) {
        if (std::equal(f.old_lines.begin() + static_cast<long>(s),
                       f.old_lines.begin() + static_cast<long>(s + c),
                       f.new_lines.begin() + static_cast<long>(p))) {
            ++n;
        }
    }
    return n;
}

// Does 6.1's context of three lines around the edit differ from 6.12's
// around its corresponding place (so a hunk's context does not match)?
bool context_differs(const FilePair& f, std::size_t s, std::size_t c, std::size_t ns) {
    for (std::size_t k = 1; k <= 3; ++k) {
        if (s < k || ns < k || f.old_lines[s - k] != f.new_lines[ns - k]) {
            return true;
        }
        const std::size_t o = s + c + k - 1;
        const std::size_t n = ns + c + k - 1;
        if (o >= f.old_lines.size() || n >= f.new_lines.size() ||
            f.old_lines[o] != f.new_lines[n]) {
            return true;
        }
    }
    return false;
}

std::string check_lines(const std::string& indent, const std::string& name) {
    return fmt::format("{}if (!{})\n{}\treturn -EINVAL;\n", indent, name, indent);
}

class Generator {
public:
    Generator(const std::vector<FilePair>& files, std::uint64_t seed)
        : m_files(files), m_rng(seed) {}

    std::size_t pick(std::size_t lo, std::size_t hi) { // [lo, hi]
        return std::uniform_int_distribution<std::size_t>(lo, hi)(m_rng);
    }

    // An edit of `kind` in 6.1's lines `range` (edited lines inside
    // `inner`), carried to `new_range` of 6.12; a few tries at random lines.
    std::optional<Edit> edit(std::size_t file, const std::string& kind, Range inner, Range range,
                             Range new_range, std::size_t radius, bool need_statement,
                             bool differing_context, const std::string& insert_text = "") {
        const FilePair& f = m_files[file];
        if (inner.hi <= inner.lo) {
            return std::nullopt;
        }
        for (int attempt = 0; attempt < 24; ++attempt) {
            Edit e;
            e.kind = kind;
            e.old_start = pick(inner.lo, inner.hi - 1);
            e.old_count = kind == "insert" ? 0 : kind == "delete" ? pick(1, 2) : 1;
            if (kind != "delete" || !need_statement) {
                e.old_count = std::min<std::size_t>(e.old_count, 1);
            }
            if (e.old_start + e.old_count > inner.hi) {
                continue;
            }
            const std::size_t probe =
                e.old_start < f.old_lines.size() ? e.old_start : e.old_start - 1;
            const std::string& line = f.old_lines[probe];
            bool ok = !blank(line) && (!need_statement || statement(line));
            for (std::size_t k = 1; k < e.old_count; ++k) {
                ok = ok && statement(f.old_lines[e.old_start + k]);
            }
            if (!ok) {
                continue;
            }
            if (kind == "insert") {
                // A check on a name the code at that place uses.
                auto id = identifier(line);
                if (!id && probe > 0) {
                    id = identifier(f.old_lines[probe - 1]);
                }
                e.lines.push_back(insert_text.empty()
                                      ? (need_statement
                                             ? check_lines(indent_of(line), id ? id->second : "arg")
                                             : "#include <linux/kseries_bench.h>\n")
                                      : insert_text);
            } else if (kind == "change") {
                const auto id = identifier(line);
                if (!id) {
                    continue;
                }
                std::string changed = line;
                changed.insert(id->first + id->second.size(), "_v2");
                e.lines.push_back(changed);
            }
            auto ns = corresponding(f, e.old_start, e.old_count, radius, range, new_range);
            if (!ns || (differing_context && !context_differs(f, e.old_start, e.old_count, *ns))) {
                continue;
            }
            // Already present: the lines it removes must be in the 6.12
            // function once, at the corresponding place; with a second copy
            // the hunk's own context may well name that one, and which of
            // the two "already has the change" would be the bench's guess.
            if (differing_context && e.old_count > 0 &&
                occurrences_in_range(f, e.old_start, e.old_count, new_range) != 1) {
                continue;
            }
            e.new_start = *ns;
            // The lines were counted as strings holding newlines; split them.
            Lines split;
            for (const auto& l : e.lines) {
                for (std::size_t i = 0; i < l.size();) {
                    const auto nl = l.find('\n', i);
                    split.push_back(l.substr(i, nl + 1 - i));
                    i = nl + 1;
                }
            }
            e.lines = std::move(split);
            return e;
        }
        return std::nullopt;
    }

private:
    const std::vector<FilePair>& m_files;
    std::mt19937_64 m_rng;
};

Range body_inner(const FunctionPair& fn) { // after "{", up to and including "}" (insert before it)
    return {fn.old_begin + 2, fn.old_end - 1};
}

} // namespace

std::vector<FilePair> load_pairs(const std::string& root61, const std::string& root612) {
    std::vector<FilePair> out;
    for (const auto& entry : fs::recursive_directory_iterator(root61)) {
        const auto ext = entry.path().extension();
        if (!entry.is_regular_file() || (ext != ".c" && ext != ".h")) {
            continue;
        }
        const auto rel = fs::relative(entry.path(), root61);
        if (!fs::is_regular_file(fs::path(root612) / rel)) {
            continue;
        }
        FilePair p{rel.string(), read_lines(entry.path()), read_lines(fs::path(root612) / rel)};
        if (p.old_lines != p.new_lines) {
            out.push_back(std::move(p));
        }
    }
    std::sort(out.begin(), out.end(),
              [](const FilePair& a, const FilePair& b) { return a.path < b.path; });
    return out;
}

std::vector<FunctionPair> function_pairs(const std::vector<FilePair>& files) {
    std::vector<FunctionPair> out;
    for (std::size_t i = 0; i < files.size(); ++i) {
        std::set<std::string> names;
        for (const auto& l : files[i].old_lines) {
            if (auto name = rebase::defined_function(l)) {
                names.insert(*name);
            }
        }
        for (const auto& name : names) {
            const auto o = rebase::function_body(files[i].old_lines, name);
            const auto n = rebase::function_body(files[i].new_lines, name);
            if (!o || !n || o->end - o->begin < 6) {
                continue;
            }
            const auto ob = files[i].old_lines.begin();
            const auto nb = files[i].new_lines.begin();
            if (std::equal(ob + static_cast<long>(o->begin), ob + static_cast<long>(o->end),
                           nb + static_cast<long>(n->begin), nb + static_cast<long>(n->end))) {
                continue;
            }
            out.push_back({i, name, o->begin, o->end, n->begin, n->end});
        }
    }
    std::sort(out.begin(), out.end(), [](const FunctionPair& a, const FunctionPair& b) {
        return a.file != b.file ? a.file < b.file : a.old_begin < b.old_begin;
    });
    return out;
}

std::vector<Case> make_cases(const std::vector<FilePair>& files,
                             const std::vector<FunctionPair>& functions, std::size_t per_class,
                             std::uint64_t seed) {
    Generator gen(files, seed);
    std::vector<std::vector<Case>> by_class(klass_count);
    const auto add = [&](Klass k, std::size_t file, const std::string& fn,
                         std::vector<Edit> edits) {
        by_class[static_cast<std::size_t>(k)].push_back(Case{0, k, file, fn, std::move(edits)});
    };
    const std::array<std::string, 3> kinds{"insert", "delete", "change"};
    for (const auto& fn : functions) {
        const Range range{fn.old_begin, fn.old_end};
        const Range new_range{fn.new_begin, fn.new_end};
        for (const auto& kind : kinds) {
            if (auto e =
                    gen.edit(fn.file, kind, body_inner(fn), range, new_range, 2, true, false)) {
                add(Klass::Carry, fn.file, fn.name, {*e});
            }
            if (auto e = gen.edit(fn.file, kind, body_inner(fn), range, new_range, 1, true, true)) {
                add(Klass::AlreadyPresent, fn.file, fn.name, {*e});
            }
        }
        if (auto e =
                gen.edit(fn.file, "delete", body_inner(fn), range, new_range, 2, true, false)) {
            add(Klass::RemovalOnly, fn.file, fn.name, {*e});
        }
    }
    // The same check added to two functions of one file.
    for (std::size_t i = 0; i + 1 < functions.size(); ++i) {
        const auto& a = functions[i];
        const auto& b = functions[i + 1];
        if (a.file != b.file) {
            continue;
        }
        auto first = gen.edit(a.file, "insert", body_inner(a), {a.old_begin, a.old_end},
                              {a.new_begin, a.new_end}, 2, true, false);
        if (!first) {
            continue;
        }
        const std::string text = joined(first->lines);
        auto second = gen.edit(b.file, "insert", body_inner(b), {b.old_begin, b.old_end},
                               {b.new_begin, b.new_end}, 2, true, false, text);
        if (second && second->old_start > first->old_start + 8) {
            add(Klass::Repeated, a.file, a.name + "+" + b.name, {*first, *second});
            ++i;
        }
    }
    for (std::size_t file = 0; file < files.size(); ++file) {
        const std::size_t n = files[file].old_lines.size();
        const std::size_t m = files[file].new_lines.size();
        if (n < 16 || m < 16) {
            continue;
        }
        for (const auto& kind : kinds) {
            if (auto e = gen.edit(file, kind, {0, 6}, {0, 12}, {0, std::min<std::size_t>(m, 40)}, 2,
                                  false, false)) {
                add(Klass::FileStart, file, "", {*e});
            }
            const Range inner{n - 6, kind == "insert" ? n + 1 : n};
            if (auto e = gen.edit(file, kind, inner, {n - 12, n},
                                  {m - std::min<std::size_t>(m, 40), m}, 2, false, false,
                                  kind == "insert" ? "EXPORT_SYMBOL_GPL(kseries_bench);\n" : "")) {
                add(Klass::FileEnd, file, "", {*e});
            }
        }
    }
    std::vector<Case> out;
    std::mt19937_64 rng(seed);
    for (auto& cases : by_class) {
        if (per_class > 0 && cases.size() > per_class) {
            std::shuffle(cases.begin(), cases.end(), rng);
            cases.resize(per_class);
        }
        for (auto& c : cases) {
            c.id = out.size();
            out.push_back(std::move(c));
        }
    }
    return out;
}

} // namespace kseries::rebasebench
