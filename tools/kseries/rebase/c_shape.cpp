#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include <kseries/rebase/c_shape.hpp>
#include <kseries/rebase/c_tokens.hpp>
#include <kseries/util/text.hpp>

namespace kseries::rebase {

namespace {


struct Open {
    char kind; // '(', '[' or '{'
    std::size_t line;
};

struct Definition {
    std::string name;
    std::size_t first = 0; // the line of its name
    std::size_t last = 0;  // the line of its closing brace
};

struct Scan {
    std::optional<ShapeProblem> problem;
    std::set<std::string> defined;
    std::vector<Definition> definitions;
};

char closer_of(char open) {
    return open == '(' ? ')' : open == '[' ? ']' : '}';
}

// One pass over the text: the first imbalance, and the file-level function
// definitions (a name, its parameter list, then `{`).
class Scanner {
public:
    explicit Scanner(std::string_view text) : t_(text) {}

    Scan run() {
        while (i_ < t_.size() && !out_.problem) {
            step();
        }
        if (!out_.problem && !stack_.empty()) {
            const auto& o = stack_.front();
            problem(o.line, fmt::format("'{}' opened here is never closed", o.kind));
        }
        return std::move(out_);
    }

private:
    void problem(std::size_t line, std::string message) {
        if (!out_.problem) {
            out_.problem = ShapeProblem{line, std::move(message)};
        }
    }

    void newline() {
        ++line_;
        line_start_ = true;
    }

    // A comment from i_ ("/*" or "//").
    void comment() {
        if (t_[i_ + 1] == '/') {
            while (i_ < t_.size() && t_[i_] != '\n') {
                ++i_;
            }
            return;
        }
        const std::size_t from = line_;
        i_ += 2;
        while (i_ + 1 < t_.size() && !(t_[i_] == '*' && t_[i_ + 1] == '/')) {
            if (t_[i_] == '\n') {
                ++line_;
            }
            ++i_;
        }
        if (i_ + 1 >= t_.size()) {
            problem(from, "this comment is never closed");
            i_ = t_.size();
            return;
        }
        i_ += 2;
    }

    // A string or char literal from i_ (its quote).
    void literal() {
        const char quote = t_[i_];
        const std::size_t from = line_;
        ++i_;
        while (i_ < t_.size() && t_[i_] != quote) {
            if (t_[i_] == '\\' && i_ + 1 < t_.size()) {
                if (t_[i_ + 1] == '\n') {
                    ++line_;
                }
                i_ += 2;
                continue;
            }
            if (t_[i_] == '\n') {
                problem(from, quote == '"' ? "this string is not closed on its line"
                                           : "this character literal is not closed on its line");
                return;
            }
            ++i_;
        }
        if (i_ >= t_.size()) {
            problem(from, "this literal is never closed");
            return;
        }
        ++i_;
    }

    // A preprocessor line (with its continuations) from i_ ('#'). Its
    // tokens do not count; an #if's branches are taken to agree: each
    // branch starts from the nesting before #if, and after #endif the
    // first branch's nesting holds.
    void directive() {
        ++i_;
        while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\t')) {
            ++i_;
        }
        const std::size_t name_from = i_;
        while (i_ < t_.size() && ident_char(t_[i_])) {
            ++i_;
        }
        const std::string_view name = t_.substr(name_from, i_ - name_from);
        if (name == "if" || name == "ifdef" || name == "ifndef") {
            conds_.push_back({stack_, std::nullopt});
        } else if (name.starts_with("el") && !conds_.empty()) {
            auto& c = conds_.back();
            if (!c.first) {
                c.first = stack_;
            }
            stack_ = c.at_if;
        } else if (name == "endif" && !conds_.empty()) {
            if (conds_.back().first) {
                stack_ = *conds_.back().first;
            }
            conds_.pop_back();
        }
        while (i_ < t_.size() && t_[i_] != '\n' && !out_.problem) {
            if (t_[i_] == '\\' && i_ + 1 < t_.size() && t_[i_ + 1] == '\n') {
                ++line_;
                i_ += 2;
            } else if (t_[i_] == '/' && i_ + 1 < t_.size() &&
                       (t_[i_ + 1] == '*' || t_[i_ + 1] == '/')) {
                comment();
            } else {
                ++i_;
            }
        }
    }

    // One character (or token) of code: whitespace, a directive, a comment,
    // a literal, an identifier, or punctuation.
    void step() {
        const char c = t_[i_];
        if (c == '\n') {
            newline();
            ++i_;
            return;
        }
        if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            ++i_;
            return;
        }
        const bool at_start = line_start_;
        line_start_ = false;
        if (c == '#' && at_start) {
            directive();
        } else if (c == '/' && i_ + 1 < t_.size() && (t_[i_ + 1] == '*' || t_[i_ + 1] == '/')) {
            comment();
        } else if (c == '"' || c == '\'') {
            literal();
            last_ident_.clear();
            pending_.clear();
        } else if (ident_start(c)) {
            identifier();
        } else {
            ++i_;
            punctuation(c);
        }
    }

    // The last identifier names the function a top-level "(" may define.
    void identifier() {
        const std::size_t from = i_;
        while (i_ < t_.size() && ident_char(t_[i_])) {
            ++i_;
        }
        last_ident_ = std::string(t_.substr(from, i_ - from));
        pending_.clear();
    }

    void punctuation(char c) {
        if (c == '(' || c == '[' || c == '{') {
            opened(c);
        } else if (c == ')' || c == ']' || c == '}') {
            closed(c);
        } else {
            last_ident_.clear();
            pending_.clear();
        }
    }

    // At the top level, "name(" may start a definition and "{" after its
    // ")" starts its body.
    void opened(char c) {
        if (stack_.empty()) {
            if (c == '(') {
                candidate_ = last_ident_;
                candidate_line_ = line_;
            } else if (c == '{' && !pending_.empty()) {
                out_.defined.insert(pending_);
                out_.definitions.push_back({pending_, pending_line_, 0});
                in_definition_ = true;
            }
        }
        pending_.clear();
        last_ident_.clear();
        stack_.push_back({c, line_});
    }

    // A closer must match the innermost opener; the top-level "}" ends a
    // definition's body.
    void closed(char c) {
        if (stack_.empty()) {
            problem(line_, fmt::format("this '{}' closes nothing", c));
            return;
        }
        const Open top = stack_.back();
        if (closer_of(top.kind) != c) {
            problem(top.line, fmt::format("'{}' opened here is not closed before the '{}' at "
                                          "line {}",
                                          top.kind, c, line_));
            return;
        }
        stack_.pop_back();
        last_ident_.clear();
        pending_.clear();
        if (c == ')' && stack_.empty()) {
            pending_ = candidate_;
            pending_line_ = candidate_line_;
        }
        if (c == '}' && stack_.empty() && in_definition_) {
            out_.definitions.back().last = line_;
            in_definition_ = false;
        }
    }

    struct Cond {
        std::vector<Open> at_if;
        std::optional<std::vector<Open>> first;
    };

    std::string_view t_;
    std::size_t i_ = 0;
    std::size_t line_ = 1;
    bool line_start_ = true;
    std::vector<Open> stack_;
    std::vector<Cond> conds_;
    std::string last_ident_; // the identifier just before, if the last token was one
    std::string candidate_;  // the name before the last file-level '('
    std::size_t candidate_line_ = 0;
    std::string pending_; // a name whose parameter list just closed
    std::size_t pending_line_ = 0;
    bool in_definition_ = false; // the file-level '{' open is a definition's
    Scan out_;
};

} // namespace

std::optional<std::size_t> conflict_line(std::string_view text) {
    std::size_t n = 0;
    for (const auto line : text::split_lines(text)) {
        ++n;
        if (line.starts_with("<<<<<<< ") || line.starts_with("||||||| ") ||
            line.starts_with(">>>>>>> ") || text::chomp(line) == "=======") {
            return n;
        }
    }
    return std::nullopt;
}

std::optional<ShapeProblem> check_c_shape(std::string_view text,
                                          const std::vector<std::string>& functions) {
    if (const auto line = conflict_line(text)) {
        return ShapeProblem{*line, "still holds a conflict marker"};
    }
    auto scan = Scanner(text).run();
    if (scan.problem) {
        return scan.problem;
    }
    for (const auto& f : functions) {
        if (!scan.defined.contains(f)) {
            return ShapeProblem{0, fmt::format("no longer defines {}(), which the patch's hunks "
                                               "change",
                                               f)};
        }
    }
    return std::nullopt;
}

std::set<std::string> defined_functions(std::string_view text) {
    return Scanner(text).run().defined;
}

std::vector<std::string> changed_functions(std::string_view before, std::string_view after) {
    const auto a = text::split_lines(before);
    const auto b = text::split_lines(after);
    std::size_t prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) {
        ++prefix;
    }
    std::size_t suffix = 0;
    while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
           a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
        ++suffix;
    }
    std::vector<std::string> out;
    if (prefix == a.size() && prefix == b.size()) {
        return out;
    }
    // The changed lines of `before`, 1-based; a pure insertion between two
    // lines touches both neighbours.
    const std::size_t first = prefix;
    const std::size_t last = a.size() - suffix + 1;
    for (const auto& d : Scanner(before).run().definitions) {
        if (d.last != 0 && d.first <= last && d.last >= first &&
            std::find(out.begin(), out.end(), d.name) == out.end()) {
            out.push_back(d.name);
        }
    }
    return out;
}

bool is_c_file(std::string_view path) {
    return path.ends_with(".c") || path.ends_with(".h");
}

} // namespace kseries::rebase
