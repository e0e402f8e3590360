// The matrix as JUnit XML (docs/formats/matrix-junit.md): one <testsuite>
// per release, one <testcase> per release × patch, and a <failure> whenever
// the release's own policy does not apply the patch or the release has no
// source, so CI servers show the matrix in their test views.
#include <algorithm>

#include <fmt/format.h>

#include <kseries/report/check_report.hpp>
#include <kseries/report/markup.hpp>
#include <kseries/report/matrix_report.hpp>
#include <kseries/util/text.hpp>

namespace kseries::report {

namespace {

using matrix::Cell;
using matrix::CellKind;
using matrix::Row;

std::string esc(std::string_view s) {
    return escape_markup(s);
}

// "4.18.0-193.el8" as a JUnit class name: CI servers split class names at
// dots into package and class, so the release's dots become underscores.
std::string class_name(const Row& r) {
    std::string name = r.release.name();
    std::replace(name.begin(), name.end(), '.', '_');
    return "kseries.matrix." + name;
}

struct Failure {
    std::string type;
    std::string message;
};

std::optional<Failure> failure_of(const Row& r, const Cell& c) {
    if (!r.available()) {
        return Failure{"unavailable", "source unavailable: " + r.unavailable};
    }
    if (c.accepted) {
        return std::nullopt;
    }
    const auto& pol = check::policy(r.policy);
    switch (c.kind) {
    case CellKind::AlreadyApplied:
        return Failure{"already-applied",
                       fmt::format("the tree already has the patch: {} would stop on it "
                                   "(reversed or previously applied)",
                                   pol.command)};
    case CellKind::Fails:
    case CellKind::Unavailable:
        return Failure{"fails", fmt::format("does not apply, even with patch -F2 (policy {}: {})",
                                            pol.label, pol.command)};
    case CellKind::Exact:
    case CellKind::Offset:
    case CellKind::Fuzz:
        break;
    }
    if (c.verdict == check::Verdict::Skipped) {
        return Failure{"skipped-by-kernel-spec",
                       "kernel.spec's ApplyOptionalPatch silently skips patch files of 9 lines "
                       "or fewer"};
    }
    return Failure{"rejected-by-policy",
                   fmt::format("{}, but the release's policy {} ({}) rejects it", cell_text(c),
                               pol.label, pol.command)};
}

// The per-hunk story of a failed case, as the failure element's text.
std::string failure_details(const Row& r, std::size_t i) {
    std::string out = fmt::format("release {}\nsource {}\npolicy {} ({})\n", r.release.name(),
                                  r.source, check::policy(r.policy).label, r.policy_origin);
    if (!r.report) {
        return out;
    }
    for (const auto& f : r.report->patches[i].files) {
        out += fmt::format("{}", f.path);
        if (const auto words = file_status_words(f.result.status); !words.empty()) {
            out += fmt::format(": {}", words);
        }
        out += '\n';
        for (std::size_t h = 0; h < f.result.hunks.size(); ++h) {
            out += fmt::format("  hunk {} {}: {}", h + 1, text::chomp(f.file->hunks[h].header),
                               hunk_outcome(f.result.hunks[h]));
            if (const auto& c = f.closest[h]) {
                out += fmt::format(" (closest: line {}, {} of {} lines match)", c->line, c->matched,
                                   c->total);
            }
            out += '\n';
        }
    }
    return out;
}

} // namespace

std::string render_matrix_junit(const matrix::Matrix& m) {
    std::size_t failures = 0;
    std::string suites;
    for (const auto& r : m.rows) {
        std::string cases;
        std::size_t row_failures = 0;
        for (std::size_t i = 0; i < r.cells.size(); ++i) {
            cases += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"0\"",
                                 esc(class_name(r)), esc(m.patches[i]));
            const auto failure = failure_of(r, r.cells[i]);
            if (!failure) {
                cases += fmt::format(">\n      <system-out>{}</system-out>\n    </testcase>\n",
                                     esc(cell_text(r.cells[i])));
                continue;
            }
            ++row_failures;
            cases +=
                fmt::format(">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n"
                            "    </testcase>\n",
                            esc(failure->type), esc(failure->message), esc(failure_details(r, i)));
        }
        failures += row_failures;
        suites += fmt::format(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\" "
            "time=\"0\">\n    <properties>\n"
            "      <property name=\"source\" value=\"{}\"/>\n"
            "      <property name=\"policy\" value=\"{}\"/>\n"
            "      <property name=\"policy_verified\" value=\"{}\"/>\n"
            "    </properties>\n{}  </testsuite>\n",
            esc(r.release.name()), r.cells.size(), row_failures, esc(r.source),
            check::policy(r.policy).key, r.policy_verified ? "true" : "false", cases);
    }
    std::size_t tests = 0;
    for (const auto& r : m.rows) {
        tests += r.cells.size();
    }
    return fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<testsuites name=\"kseries matrix: {}\" tests=\"{}\" failures=\"{}\" "
                       "errors=\"0\" skipped=\"0\" time=\"0\">\n{}</testsuites>\n",
                       esc(m.series), tests, failures, suites);
}

} // namespace kseries::report
