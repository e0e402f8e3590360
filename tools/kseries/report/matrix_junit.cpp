// The matrix as JUnit XML (docs/formats/matrix-junit.md): one <testsuite>
// per release, one <testcase> per release × patch, and a <failure> whenever
// the release's own policy does not apply the patch, the release has no
// source or no version of the series maps it; a patch the release does not
// need (or its version does not carry) is a <skipped> case with the reason.
// CI servers show the matrix in their test views.
#include <algorithm>

#include <fmt/format.h>

#include <kseries/report/check_report.hpp>
#include <kseries/report/markup.hpp>
#include <kseries/report/matrix_report.hpp>
#include <kseries/series/proof_record.hpp>
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
    std::string name = r.name();
    std::replace(name.begin(), name.end(), '.', '_');
    return "kseries.matrix." + name;
}

struct Failure {
    std::string type;
    std::string message;
};

// The reason a case passes without applying anything, or nullopt. A row
// whose source held no usable kernel tree and does not count is skipped.
std::optional<std::string> skip_of(const Row& r, const Cell& c) {
    if (r.unusable && !r.counted) {
        return "unavailable: " + r.unavailable;
    }
    if (c.kind == CellKind::NotNeeded || c.kind == CellKind::NotInVersion) {
        return (c.kind == CellKind::NotNeeded ? "not needed: " : "not in this version: ") + c.note;
    }
    return std::nullopt;
}

std::optional<Failure> failure_of(const Row& r, const Cell& c) {
    if (c.kind == CellKind::Unmapped) {
        return Failure{"unmapped", r.unavailable};
    }
    if (r.unusable) {
        return Failure{"unavailable", "unavailable: " + r.unavailable};
    }
    if (!r.available()) {
        return Failure{"unavailable", "source unavailable: " + r.unavailable};
    }
    if (c.accepted) {
        return std::nullopt;
    }
    const auto& pol = kernel::policy(r.policy);
    switch (c.kind) {
    case CellKind::AlreadyApplied:
        return Failure{"already-applied",
                       fmt::format("the tree already has the patch: {} would stop on it "
                                   "(reversed or previously applied)",
                                   pol.command)};
    case CellKind::Fails:
        if (!c.note.empty()) {
            return Failure{"fails", c.note};
        }
        return Failure{"fails", fmt::format("does not apply, even with patch -F2 (policy {}: {})",
                                            pol.label, pol.command)};
    case CellKind::Unavailable:
    case CellKind::NotNeeded:
    case CellKind::NotInVersion:
    case CellKind::Unmapped:
        return Failure{"fails", c.note};
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
std::string failure_details(const Row& r, const Cell& c) {
    std::string out = fmt::format("release {}\nsource {}\npolicy {} ({})\n", r.name(), r.source,
                                  kernel::policy(r.policy).label, r.policy_origin);
    if (!r.version.empty()) {
        out += fmt::format("series version {}{}\n", r.version,
                           r.rule.empty() ? "" : ", mapped by " + r.rule);
    }
    if (!r.report || !c.patch) {
        return out;
    }
    for (const auto& f : r.report->patches[*c.patch].files) {
        out += fmt::format("{}", f.path);
        if (const auto words = file_status_words(f.result.status); !words.empty()) {
            out += fmt::format(": {}", words);
        }
        out += '\n';
        for (std::size_t h = 0; h < f.result.hunks.size(); ++h) {
            out += fmt::format("  hunk {} {}: {}", h + 1, text::chomp(f.file->hunks[h].header),
                               hunk_outcome(f.result.hunks[h]));
            if (const auto& near = f.closest[h]) {
                out += fmt::format(" (closest: line {}, {} of {} lines match)", near->line, near->matched,
                                   near->total);
            }
            out += '\n';
        }
    }
    return out;
}

// One case per scenario of the row's boot proof; a verdict that fails the
// proof is a <failure> of that type.
std::string proof_cases(const Row& r, std::size_t& failures) {
    std::string out;
    for (const auto& s : r.proof->scenarios) {
        const auto key = series::verdict_key(s.verdict);
        out += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"0\"",
                           esc(class_name(r)), esc("boot proof: " + s.scenario));
        if (series::verdict_fails(s.verdict)) {
            ++failures;
            out += fmt::format(
                ">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n"
                "    </testcase>\n",
                key, esc(fmt::format("{} ({}): {}", s.scenario, s.patch, key)),
                esc(fmt::format("{} on {}, {}\nSTORE/proofs/{}/{}/proof.json\n", r.proof->version,
                                r.proof->kernel_release, r.proof->date, r.proof->version,
                                r.proof->kernel_release)));
        } else {
            out += fmt::format(">\n      <system-out>{}</system-out>\n    </testcase>\n",
                               esc(fmt::format("{} ({}): {}", s.scenario, s.patch, key)));
        }
    }
    return out;
}

std::size_t row_tests(const Row& r) {
    return r.cells.size() + (r.proof ? r.proof->scenarios.size() : 0);
}

} // namespace

std::string render_matrix_junit(const matrix::Matrix& m) {
    std::size_t failures = 0;
    std::size_t skipped = 0;
    std::string suites;
    for (const auto& r : m.rows) {
        std::string cases;
        std::size_t row_failures = 0;
        std::size_t row_skipped = 0;
        for (std::size_t i = 0; i < r.cells.size(); ++i) {
            cases += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"0\"",
                                 esc(class_name(r)), esc(m.patches[i]));
            if (const auto skip = skip_of(r, r.cells[i])) {
                ++row_skipped;
                cases += fmt::format(">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                                     esc(*skip));
                continue;
            }
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
                            esc(failure->type), esc(failure->message),
                            esc(failure_details(r, r.cells[i])));
        }
        if (r.proof) {
            cases += proof_cases(r, row_failures);
        }
        failures += row_failures;
        skipped += row_skipped;
        const std::string version =
            r.version.empty()
                ? std::string()
                : fmt::format("      <property name=\"version\" value=\"{}\"/>\n", esc(r.version));
        suites += fmt::format(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" "
            "time=\"0\">\n    <properties>\n"
            "      <property name=\"source\" value=\"{}\"/>\n"
            "      <property name=\"policy\" value=\"{}\"/>\n"
            "      <property name=\"policy_verified\" value=\"{}\"/>\n{}"
            "    </properties>\n{}  </testsuite>\n",
            esc(r.name()), row_tests(r), row_failures, row_skipped, esc(r.source),
            kernel::policy(r.policy).key, r.policy_verified ? "true" : "false", version, cases);
    }
    std::size_t tests = 0;
    for (const auto& r : m.rows) {
        tests += row_tests(r);
    }
    return fmt::format("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                       "<testsuites name=\"kseries matrix: {}\" tests=\"{}\" failures=\"{}\" "
                       "errors=\"0\" skipped=\"{}\" time=\"0\">\n{}</testsuites>\n",
                       esc(m.series), tests, failures, skipped, suites);
}

} // namespace kseries::report
