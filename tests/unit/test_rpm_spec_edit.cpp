// The kernel.spec editor on the spec structures of RHEL 7, 8, 9 and 10
// (tests/data/kernel-spec/), and on the variants that trip naive editing:
// CRLF, an existing buildid, missing or repeated anchors, repeated runs.
#include <fstream>
#include <iterator>
#include <regex>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <kseries/rpm/spec_edit.hpp>

namespace {

using kseries::rpm::add_changelog;
using kseries::rpm::edit_spec;
using kseries::rpm::pad_optional_patch;
using kseries::rpm::SpecPatches;

std::string read_template(const std::string& era) {
    std::ifstream in(std::string(KSERIES_SOURCE_ROOT) + "/tests/data/kernel-spec/" + era + ".spec.in");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    EXPECT_FALSE(text.empty()) << era;
    return text;
}

SpecPatches two_patches() {
    return {"overlayfs-nfsroot", "v2", {"0001-super.patch", "0002-copy-up.patch"}};
}

std::size_t count(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
        ++n;
    }
    return n;
}

// The line index of the first line equal to `line`, or npos.
std::size_t line_of(const std::string& text, const std::string& line) {
    std::size_t index = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        const auto nl = text.find('\n', start);
        std::string l = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
        if (!l.empty() && l.back() == '\r') {
            l.pop_back();
        }
        if (l == line) {
            return index;
        }
        ++index;
        start = nl == std::string::npos ? text.size() : nl + 1;
    }
    return std::string::npos;
}

class EveryEra : public testing::TestWithParam<const char*> {};

TEST_P(EveryEra, AddsTagsLinesAndBuildidWhereRhelDocumentsThem) {
    const std::string spec = read_template(GetParam());
    auto edit = edit_spec(spec, "kernel.spec", two_patches(), ".ovl1");
    ASSERT_TRUE(edit) << edit.error().to_string();
    const std::string& t = edit->text;
    EXPECT_EQ(edit->first_number, 40000u);
    EXPECT_TRUE(edit->buildid_uncommented);
    EXPECT_NE(line_of(t, "%define buildid .ovl1"), std::string::npos);
    EXPECT_EQ(count(t, "define buildid .local"), 0u);

    const auto tag0 = line_of(t, "Patch40000: 0001-super.patch");
    const auto tag1 = line_of(t, "Patch40001: 0002-copy-up.patch");
    const auto test_tag = line_of(t, "Patch999999: linux-kernel-test.patch");
    ASSERT_NE(tag0, std::string::npos);
    EXPECT_EQ(tag1, tag0 + 1);
    EXPECT_LT(tag1, test_tag);

    const auto apply0 = line_of(t, "ApplyOptionalPatch 0001-super.patch");
    const auto apply1 = line_of(t, "ApplyOptionalPatch 0002-copy-up.patch");
    const auto test_apply = line_of(t, "ApplyOptionalPatch linux-kernel-test.patch");
    ASSERT_NE(apply0, std::string::npos);
    EXPECT_EQ(apply1, apply0 + 1);
    EXPECT_LT(apply1, test_apply);
    EXPECT_GT(apply0, line_of(t, "%prep"));

    // Nothing else changed: removing the added lines gives the original,
    // but for the buildid line.
    std::string back = std::regex_replace(t, std::regex("# kseries (begin|end): [^\n]*\n"), "");
    back = std::regex_replace(back, std::regex("(Patch4000[01]|ApplyOptionalPatch 000[12])[^\n]*\n"), "");
    EXPECT_EQ(count(back, "\n"), count(spec, "\n"));
}

TEST_P(EveryEra, IsIdempotent) {
    const std::string spec = read_template(GetParam());
    auto once = edit_spec(spec, "kernel.spec", two_patches(), ".ovl1");
    ASSERT_TRUE(once);
    auto twice = edit_spec(once->text, "kernel.spec", two_patches(), ".ovl1");
    ASSERT_TRUE(twice) << twice.error().to_string();
    EXPECT_EQ(twice->text, once->text);
    EXPECT_TRUE(twice->replaced_earlier_edit);
    EXPECT_FALSE(twice->old_buildid); // same value: nothing replaced

    // A new version replaces the old one's lines.
    SpecPatches v3{"overlayfs-nfsroot", "v3", {"0001-super.patch"}};
    auto next = edit_spec(once->text, "kernel.spec", v3, ".ovl2");
    ASSERT_TRUE(next);
    EXPECT_EQ(count(next->text, "0002-copy-up.patch"), 0u);
    EXPECT_EQ(count(next->text, "ApplyOptionalPatch 0001-super.patch"), 1u);
    EXPECT_EQ(next->old_buildid, ".ovl1");
    EXPECT_NE(line_of(next->text, "# kseries begin: overlayfs-nfsroot v3"), std::string::npos);
}

TEST_P(EveryEra, ChangelogEntryOnTopOnce) {
    const std::string spec = read_template(GetParam());
    kseries::rpm::ChangelogEntry e{std::chrono::sys_days(std::chrono::year(2026) / 11 / 24),
                                   "Jane Doe <jane@example.org>",
                                   "4.18.0-305.el8.ovl1",
                                   {"kseries: apply overlayfs-nfsroot v2 (0001-super.patch)"}};
    auto once = add_changelog(spec, "kernel.spec", e);
    ASSERT_TRUE(once) << once.error().to_string();
    const auto header = line_of(*once, "* Tue Nov 24 2026 Jane Doe <jane@example.org> [4.18.0-305.el8.ovl1]");
    EXPECT_EQ(header, line_of(*once, "%changelog") + 1);
    // A later day, the same entry: not added again.
    e.date = std::chrono::sys_days(std::chrono::year(2026) / 11 / 25);
    auto twice = add_changelog(*once, "kernel.spec", e);
    ASSERT_TRUE(twice);
    EXPECT_EQ(*twice, *once);
}

INSTANTIATE_TEST_SUITE_P(Rhel, EveryEra, testing::Values("el7", "el8", "el9", "el10"));

TEST(SpecEdit, El7TemplateWithPercentIsUncommented) {
    auto edit = edit_spec(read_template("el7"), "kernel.spec", two_patches(), ".ovl1");
    ASSERT_TRUE(edit);
    EXPECT_EQ(count(edit->text, "# % define buildid"), 0u);
    EXPECT_EQ(count(edit->text, "\n%define buildid .ovl1\n"), 1u);
}

TEST(SpecEdit, KeepsCrlf) {
    std::string spec = read_template("el8");
    spec = std::regex_replace(spec, std::regex("\n"), "\r\n");
    auto edit = edit_spec(spec, "kernel.spec", two_patches(), ".ovl1");
    ASSERT_TRUE(edit) << edit.error().to_string();
    EXPECT_EQ(count(edit->text, "\n"), count(edit->text, "\r\n"));
    EXPECT_NE(edit->text.find("\r\nPatch40000: 0001-super.patch\r\n"), std::string::npos);
    EXPECT_NE(edit->text.find("\r\nApplyOptionalPatch 0001-super.patch\r\n"), std::string::npos);
    auto again = edit_spec(edit->text, "kernel.spec", two_patches(), ".ovl1");
    ASSERT_TRUE(again);
    EXPECT_EQ(again->text, edit->text);
}

TEST(SpecEdit, ReplacesAnExistingBuildid) {
    std::string spec = std::regex_replace(read_template("el9"), std::regex("# define buildid .local"),
                                          "%define buildid .site7");
    auto edit = edit_spec(spec, "kernel.spec", two_patches(), ".ovl1");
    ASSERT_TRUE(edit) << edit.error().to_string();
    EXPECT_EQ(edit->old_buildid, ".site7");
    EXPECT_FALSE(edit->buildid_uncommented);
    EXPECT_EQ(count(edit->text, "%define buildid .ovl1"), 1u);
    EXPECT_EQ(count(edit->text, ".site7"), 0u);
    // No buildid asked for: the spec's stays.
    auto kept = edit_spec(spec, "kernel.spec", two_patches(), std::nullopt);
    ASSERT_TRUE(kept);
    EXPECT_EQ(count(kept->text, "%define buildid .site7"), 1u);
}

TEST(SpecEdit, NumbersAboveTheSpecsOwnHighPatches) {
    std::string spec = std::regex_replace(read_template("el8"), std::regex("(# empty final patch)"),
                                          "Patch40007: site-fix.patch\n\n$1");
    auto edit = edit_spec(spec, "kernel.spec", two_patches(), std::nullopt);
    ASSERT_TRUE(edit);
    EXPECT_EQ(edit->first_number, 40008u);
    EXPECT_NE(line_of(edit->text, "Patch40008: 0001-super.patch"), std::string::npos);
}

TEST(SpecEdit, EndOfPatchDefinitionsAloneIsEnough) {
    std::string spec = std::regex_replace(read_template("el8"),
                                          std::regex("Patch999999: linux-kernel-test.patch\n"), "");
    auto edit = edit_spec(spec, "kernel.spec", two_patches(), std::nullopt);
    ASSERT_TRUE(edit) << edit.error().to_string();
    EXPECT_LT(line_of(edit->text, "Patch40001: 0002-copy-up.patch"),
              line_of(edit->text, "# END OF PATCH DEFINITIONS"));
}

TEST(SpecEdit, MacroStyleAnchor) {
    std::string spec = std::regex_replace(read_template("el10"),
                                          std::regex("ApplyOptionalPatch linux-kernel-test.patch"),
                                          "ApplyOptionalPatch %{PATCH999999}");
    auto edit = edit_spec(spec, "kernel.spec", two_patches(), std::nullopt);
    ASSERT_TRUE(edit) << edit.error().to_string();
    EXPECT_TRUE(edit->macro_style);
    EXPECT_NE(line_of(edit->text, "ApplyOptionalPatch %{PATCH40000}"), std::string::npos);
    EXPECT_NE(line_of(edit->text, "ApplyOptionalPatch %{PATCH40001}"), std::string::npos);
}

struct Refusal {
    const char* what;
    const char* from;
    const char* to;
    const char* message;
};

// What CTest's test names show: the case, not the struct's bytes.
void PrintTo(const Refusal& r, std::ostream* os) { *os << r.what; }

class Refuses : public testing::TestWithParam<Refusal> {};

TEST_P(Refuses, WithTheReason) {
    const auto& r = GetParam();
    const std::string spec = std::regex_replace(read_template("el8"), std::regex(r.from), r.to);
    auto edit = edit_spec(spec, "kernel.spec", two_patches(), ".ovl1");
    ASSERT_FALSE(edit) << r.what;
    EXPECT_NE(edit.error().to_string().find(r.message), std::string::npos)
        << r.what << ": " << edit.error().to_string();
    EXPECT_EQ(edit.error().location().file, "kernel.spec");
}

INSTANTIATE_TEST_SUITE_P(
    MissingOrAmbiguousAnchors, Refuses,
    testing::Values(
        Refusal{"no definitions anchor",
                "Patch999999: linux-kernel-test.patch\n|# END OF PATCH DEFINITIONS\n", "",
                "no anchor for patch definitions"},
        Refusal{"no applications anchor", "ApplyOptionalPatch linux-kernel-test.patch\n", "",
                "no anchor for patch applications"},
        Refusal{"two applications anchors", "(ApplyOptionalPatch linux-kernel-test.patch\n)",
                "$1$1", "appears on lines"},
        Refusal{"no buildid line", "# define buildid .local\n", "", "no buildid line"},
        Refusal{"no ApplyOptionalPatch function", "ApplyOptionalPatch\\(\\)", "OptionalPatch()",
                "defines no ApplyOptionalPatch() function"},
        Refusal{"anchor outside %prep", "(ApplyOptionalPatch linux-kernel-test.patch\n)",
                "\n%build\n$1", "is not in the %prep section"},
        Refusal{"a name the spec has already", "(Patch999999)", "Patch1: 0001-super.patch\n$1",
                "already has a file named 0001-super.patch"},
        Refusal{"begin without end", "(# END OF PATCH DEFINITIONS)",
                "# kseries begin: overlayfs-nfsroot v1\n$1", "has no '# kseries end"}));

TEST(SpecEdit, RefusesNamesThatWouldInjectSpecText) {
    const std::string spec = read_template("el8");
    SpecPatches bad{"overlayfs-nfsroot", "v2", {"0001-%{shell rm -rf}.patch"}};
    EXPECT_FALSE(edit_spec(spec, "kernel.spec", bad, std::nullopt));
    bad = {"overlay fs", "v2", {"0001.patch"}};
    EXPECT_FALSE(edit_spec(spec, "kernel.spec", bad, std::nullopt));
    EXPECT_FALSE(edit_spec(spec, "kernel.spec", two_patches(), ".ovl-1"));
    EXPECT_FALSE(edit_spec(spec, "kernel.spec", two_patches(), "ovl1"));
    kseries::rpm::ChangelogEntry e{std::chrono::sys_days(std::chrono::year(2026) / 1 / 1),
                                   "%{shell evil}", "1-1", {"x"}};
    EXPECT_FALSE(add_changelog(spec, "kernel.spec", e));
    e.packager = "Jane <j@example.org>";
    e.lines = {"100% done"};
    auto escaped = add_changelog(spec, "kernel.spec", e);
    ASSERT_TRUE(escaped);
    EXPECT_NE(escaped->find("- 100%% done\n"), std::string::npos);
}

// No std::regex runs on unbounded input: a spec line over 4096 bytes (the
// longest in RHEL's specs are a few hundred) is refused by its size, with
// file and line, before any pattern is matched; 4096 itself is read.
TEST(SpecEdit, RefusesALineOverFourKibibytesWithFileAndLine) {
    const std::string spec = read_template("el8");
    const std::string pc = "patch_command='@PATCH_COMMAND@'";
    const std::size_t line = line_of(spec, pc) + 1;
    ASSERT_NE(line, std::string::npos + 1);
    const auto with_command = [&](std::size_t spaces) {
        std::string s = spec;
        // The 50,000 spaces after -F that made std::regex overflow the stack.
        const std::string cmd = "patch_command='patch -p1 -F" + std::string(spaces, ' ') + "1'";
        return s.replace(s.find(pc), pc.size(), cmd);
    };
    const std::size_t fixed = std::string("patch_command='patch -p1 -F1'").size();
    EXPECT_TRUE(edit_spec(with_command(4096 - fixed), "kernel.spec", two_patches(), ".ovl1"));
    for (const std::size_t spaces : {4097 - fixed, std::size_t{50000}}) {
        const std::string long_spec = with_command(spaces);
        auto edit = edit_spec(long_spec, "kernel.spec", two_patches(), ".ovl1");
        ASSERT_FALSE(edit) << spaces;
        EXPECT_EQ(edit.error().location().file, "kernel.spec");
        EXPECT_EQ(edit.error().location().line, line);
        EXPECT_NE(
            edit.error().message().find(fmt::format(
                "a line of {} bytes; kseries reads spec lines of at most 4096", spaces + fixed)),
            std::string::npos)
            << edit.error().message();
        kseries::rpm::ChangelogEntry e{std::chrono::sys_days(std::chrono::year(2026) / 1 / 1),
                                       "Jane <j@example.org>",
                                       "1-1",
                                       {"x"}};
        auto changelog = add_changelog(long_spec, "kernel.spec", e);
        ASSERT_FALSE(changelog) << spaces;
        EXPECT_EQ(changelog.error().location().line, line);
    }
}

TEST(PadOptionalPatch, ShortPatchesGetTenLines) {
    const std::string tiny = "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n";
    auto padded = pad_optional_patch(tiny);
    ASSERT_TRUE(padded);
    EXPECT_EQ(kseries::rpm::wc_lines(*padded), 10u);
    EXPECT_TRUE(padded->ends_with(tiny));
    EXPECT_TRUE(padded->starts_with("kseries: "));
    // Nine lines: two notes in front, eleven in all; ten lines: untouched.
    std::string nine = tiny + "x\ny\nz\nw\n";
    ASSERT_EQ(kseries::rpm::wc_lines(nine), 9u);
    EXPECT_EQ(kseries::rpm::wc_lines(*pad_optional_patch(nine)), 11u);
    EXPECT_FALSE(pad_optional_patch(nine + "v\n"));
    // An unterminated last line is not counted by wc -l: it gets its newline.
    auto unterminated = pad_optional_patch("--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b");
    ASSERT_TRUE(unterminated);
    EXPECT_EQ(kseries::rpm::wc_lines(*unterminated), 10u);
}

} // namespace

namespace {

TEST(PadOptionalPatch, CountsAsWcDoes) {
    // Nine newlines and an unterminated tenth line: wc -l says 9, so
    // kernel.spec skips it; padded, it has more than 9.
    const std::string p = "--- a/f\n+++ b/f\n@@ -1,5 +1,5 @@\n a\n b\n-c\n+C\n d\n e\n+f";
    ASSERT_EQ(kseries::rpm::wc_lines(p), 9u);
    auto padded = pad_optional_patch(p);
    ASSERT_TRUE(padded);
    EXPECT_GT(kseries::rpm::wc_lines(*padded), 9u);
}

} // namespace
