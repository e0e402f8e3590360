#include "harness.hpp"

#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

#include <fmt/format.h>

#include <kseries/patch/apply.hpp>
#include <kseries/patch/git_apply.hpp>
#include <kseries/patch/parser.hpp>
#include <kseries/patch/writer.hpp>
#include <kseries/proc/run.hpp>
#include <kseries/util/text.hpp>

#include "temp_dir.hpp"

namespace kseries::difftest {

namespace {

void write_file(const std::filesystem::path& p, const std::string& data) {
    std::filesystem::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out << data;
}

std::string describe_ours(const patch::HunkResult& h, std::size_t number) {
    switch (h.status) {
    case patch::HunkStatus::Applied:
        return fmt::format("#{} applied at {} fuzz {} offset {}", number, h.line, h.fuzz, h.offset);
    case patch::HunkStatus::Failed:
        return fmt::format("#{} FAILED at {}", number, h.line);
    case patch::HunkStatus::Ignored:
        return fmt::format("#{} ignored", number);
    }
    return "?";
}

} // namespace

GnuOutcome run_gnu_patch(const Case& c, long fuzz) {
    const test::TempDir dir;
    dir.write(c.path, c.target);
    dir.write("case.patch", c.patch);
    auto r = proc::run({{"patch", "-p1", fmt::format("-F{}", fuzz), "--no-backup-if-mismatch",
                         "--reject-file=-", "-i", "case.patch"},
                        dir.path(),
                        {}});
    if (!r) {
        throw std::runtime_error(r.error().to_string());
    }
    GnuOutcome out;
    out.exit_code = r->signal != 0 ? 128 + r->signal : r->exit_code;
    out.log = r->out + r->err;
    static const std::regex hunk_re(
        R"(^Hunk #(\d+) (succeeded|FAILED) at (-?\d+)(?: with fuzz (\d+))?(?: \(offset (-?\d+) lines?\))?)");
    for (const auto raw : text::split_lines(r->out)) {
        const std::string line(text::chomp(raw));
        std::smatch m;
        if (std::regex_search(line, m, hunk_re)) {
            GnuHunk h;
            h.number = std::stoi(m[1]);
            h.verdict = m[2];
            h.line = std::stol(m[3]);
            h.fuzz = m[4].matched ? std::stol(m[4]) : 0;
            h.offset = m[5].matched ? std::stol(m[5]) : 0;
            out.hunks.push_back(h);
        } else if (line.find("Reversed (or previously applied) patch detected!") !=
                   std::string::npos) {
            out.reversed = true;
        }
    }
    out.content = dir.read(c.path);
    return out;
}

std::string Tally::summary() const {
    return fmt::format("hunks: {} exact, {} offset, {} fuzz, {} failed ({} placed but "
                       "misordered), {} ignored in {} reversed files",
                       exact, offset, fuzz, failed, misordered, ignored, reversed_files);
}

std::optional<std::string> compare(const Case& c, long fuzz, Tally* tally) {
    auto parsed = patch::parse(c.patch, "case.patch");
    if (!parsed) {
        return "kseries cannot parse diff's output: " + parsed.error().to_string();
    }
    if (parsed->files.size() != 1) {
        return "expected one file in the patch";
    }
    if (patch::write(*parsed) != c.patch) {
        return "writing the parsed patch back does not reproduce it byte for byte";
    }
    const auto ours = patch::apply_file(parsed->files.front(), std::string_view(c.target),
                                        patch::ApplyOptions{fuzz, false});
    const auto gnu = run_gnu_patch(c, fuzz);
    if (tally != nullptr) {
        tally->reversed_files += ours.status == patch::FileStatus::Reversed ? 1 : 0;
        for (const auto& h : ours.hunks) {
            switch (h.status) {
            case patch::HunkStatus::Applied:
                ++(h.fuzz != 0 ? tally->fuzz : h.offset != 0 ? tally->offset : tally->exact);
                break;
            case patch::HunkStatus::Failed:
                ++tally->failed;
                tally->misordered += h.where != 0 ? 1 : 0;
                break;
            case patch::HunkStatus::Ignored:
                ++tally->ignored;
                break;
            }
        }
    }

    std::vector<std::string> problems;
    const bool ours_reversed = ours.status == patch::FileStatus::Reversed;
    if (ours_reversed != gnu.reversed) {
        problems.push_back(
            fmt::format("reversed: kseries {}, patch {}", ours_reversed, gnu.reversed));
    }
    const int our_exit = ours.status == patch::FileStatus::Applied ? 0 : 1;
    if (our_exit != gnu.exit_code) {
        problems.push_back(fmt::format("exit code: kseries {}, patch {}", our_exit, gnu.exit_code));
    }
    // patch reports a hunk when it failed, or succeeded with fuzz or offset.
    std::vector<GnuHunk> expected;
    for (std::size_t i = 0; i < ours.hunks.size(); ++i) {
        const auto& h = ours.hunks[i];
        if (h.status == patch::HunkStatus::Failed) {
            expected.push_back({static_cast<int>(i + 1), "FAILED", h.line, 0, 0});
        } else if (h.status == patch::HunkStatus::Applied && !h.exact()) {
            expected.push_back({static_cast<int>(i + 1), "succeeded", h.line, h.fuzz, h.offset});
        }
    }
    const auto same = [](const GnuHunk& a, const GnuHunk& b) {
        return a.number == b.number && a.verdict == b.verdict && a.line == b.line &&
               a.fuzz == b.fuzz && a.offset == b.offset;
    };
    if (expected.size() != gnu.hunks.size() ||
        !std::equal(expected.begin(), expected.end(), gnu.hunks.begin(), same)) {
        std::string ours_text;
        for (std::size_t i = 0; i < ours.hunks.size(); ++i) {
            ours_text += describe_ours(ours.hunks[i], i + 1) + "; ";
        }
        problems.push_back(fmt::format("hunks differ: kseries [{}]", ours_text));
    }
    if (ours.content != gnu.content) {
        problems.push_back("resulting bytes differ");
    }
    if (problems.empty()) {
        return std::nullopt;
    }
    std::string report =
        fmt::format("case {} (seed {}), -F{}, {}:\n", c.index, c.seed, fuzz, c.path);
    for (const auto& p : problems) {
        report += "  " + p + "\n";
    }
    report += "  notes: " + text::join(c.notes, "; ") + "\n";
    report += "  patch says:\n" + gnu.log;
    return report;
}

namespace {

// What `git apply --verbose` said of each hunk, from its stderr.
std::map<int, std::string> git_verdicts(const std::string& err) {
    static const std::regex offset_re(
        R"(^Hunk #(\d+) succeeded at (\d+) \(offset (-?\d+) lines?\))");
    static const std::regex clean_re(R"(^Hunk #(\d+) applied cleanly)");
    static const std::regex reject_re(R"(^Rejected hunk #(\d+))");
    std::map<int, std::string> git_hunks;
    for (const auto raw : text::split_lines(err)) {
        const std::string line(text::chomp(raw));
        std::smatch m;
        if (std::regex_search(line, m, offset_re)) {
            git_hunks[std::stoi(m[1])] = fmt::format("offset {} at {}", m[3].str(), m[2].str());
        } else if (std::regex_search(line, m, clean_re)) {
            git_hunks.try_emplace(std::stoi(m[1]), "applied");
        } else if (std::regex_search(line, m, reject_re)) {
            git_hunks[std::stoi(m[1])] = "rejected";
        }
    }
    return git_hunks;
}

// Our verdict on each hunk in git's words, counted into `tally` if given.
std::map<int, std::string> our_verdicts(const patch::FileResult& ours, Tally* tally) {
    std::map<int, std::string> our_hunks;
    for (std::size_t i = 0; i < ours.hunks.size(); ++i) {
        const auto& h = ours.hunks[i];
        const int n = static_cast<int>(i + 1);
        if (tally != nullptr) {
            ++(h.status == patch::HunkStatus::Failed ? tally->failed
               : h.offset != 0                       ? tally->offset
                                                     : tally->exact);
        }
        if (h.status == patch::HunkStatus::Failed) {
            our_hunks[n] = "rejected";
        } else {
            our_hunks[n] =
                h.offset != 0 ? fmt::format("offset {} at {}", h.offset, h.line) : "applied";
        }
    }
    return our_hunks;
}

// "#1 applied; #2 rejected; ", for a report.
std::string listing(const std::map<int, std::string>& verdicts) {
    std::string out;
    for (const auto& [n, what] : verdicts) {
        out += fmt::format("#{} {}; ", n, what);
    }
    return out;
}

} // namespace

std::optional<std::string> compare_git(const Case& c, Tally* tally) {
    auto parsed = patch::parse(c.patch, "case.patch");
    if (!parsed) {
        return "kseries cannot parse diff's output: " + parsed.error().to_string();
    }
    const auto ours = patch::git_apply_file(parsed->files.front(), std::string_view(c.target));

    const test::TempDir dir;
    dir.write(c.path, c.target);
    dir.write("case.patch", c.patch);
    auto r =
        proc::run({{"git", "apply", "--reject", "--verbose", "-p1", "case.patch"}, dir.path(), {}});
    if (!r) {
        throw std::runtime_error(r.error().to_string());
    }
    auto git_hunks = git_verdicts(r->err);
    const auto our_hunks = our_verdicts(ours, tally);
    // When every hunk applies git names only the ones that moved.
    if (r->exit_code == 0) {
        for (std::size_t n = 1; n <= ours.hunks.size(); ++n) {
            git_hunks.try_emplace(static_cast<int>(n), "applied");
        }
    }
    std::vector<std::string> problems;
    if (git_hunks != our_hunks) {
        problems.push_back(fmt::format("hunks differ: git [{}] kseries [{}]", listing(git_hunks),
                                       listing(our_hunks)));
    }
    const int our_exit = ours.status == patch::FileStatus::Applied ? 0 : 1;
    if (our_exit != r->exit_code) {
        problems.push_back(fmt::format("exit code: kseries {}, git {}", our_exit, r->exit_code));
    }
    if (dir.read(c.path) != ours.content) {
        problems.push_back("resulting bytes differ");
    }
    if (problems.empty()) {
        return std::nullopt;
    }
    std::string report =
        fmt::format("case {} (seed {}), git apply, {}:\n", c.index, c.seed, c.path);
    for (const auto& p : problems) {
        report += "  " + p + "\n";
    }
    report += "  notes: " + text::join(c.notes, "; ") + "\n";
    report += "  git says:\n" + r->err;
    return report;
}

void save_case(const Case& c, const std::filesystem::path& dir) {
    const auto base = dir / fmt::format("case-{}-{}", c.seed, c.index);
    write_file(base / "target", c.target);
    write_file(base / "case.patch", c.patch);
    write_file(base / "notes", text::join(c.notes, "\n") + "\n");
}

std::uint64_t env_number(const char* name, std::uint64_t fallback) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? std::stoull(v) : fallback;
}

} // namespace kseries::difftest
