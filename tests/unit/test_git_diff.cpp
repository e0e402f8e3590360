// diff_hunks/diff_file against the real `git diff --no-index` (git 2.39),
// byte for byte, on Debian's fs/overlayfs/ sources of linux 6.1; and the
// output read back by our parser and applied by our engines (and by the real
// GNU patch -F0 and git apply) exactly where each hunk says.
#include <filesystem>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <kseries/git/diff.hpp>
#include <kseries/patch/apply.hpp>
#include <kseries/patch/git_apply.hpp>
#include <kseries/patch/parser.hpp>
#include <kseries/patch/writer.hpp>
#include <kseries/proc/run.hpp>

#include "temp_dir.hpp"

using kseries::git::diff_file;
using kseries::git::diff_hunks;
using kseries::git::DiffOptions;
using kseries::test::TempDir;
namespace patch = kseries::patch;
namespace proc = kseries::proc;

namespace {

using Text = std::optional<std::string>;

const std::string target = "fs/overlayfs/super.c";

std::string read_whole(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

proc::Result run(std::vector<std::string> argv, const std::filesystem::path& cwd) {
    auto result = proc::run({std::move(argv), cwd, std::nullopt});
    if (!result) {
        throw std::runtime_error(result.error().to_string());
    }
    return *result;
}

// git without the user's or the system's configuration: its defaults only.
std::vector<std::string> git(std::vector<std::string> args) {
    std::vector<std::string> argv{"env", "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
                                  "git"};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

// fs/overlayfs/ of Debian's linux-source-6.1, extracted by the CTest fixture
// corpus.extract-6.1 (run `ctest -R corpus` first when running unit_tests by hand).
std::string kernel_file(const std::string& name) {
    const std::filesystem::path path =
        std::filesystem::path(KSERIES_CORPUS_61) / "fs/overlayfs" / name;
    const std::string text = read_whole(path);
    if (text.empty()) {
        throw std::runtime_error("missing corpus file " + path.string() +
                                 " (the CTest fixture corpus.extract-6.1 extracts it)");
    }
    return text;
}

// The hunks `git diff --no-index` prints, from its first "@@" line on.
std::string git_hunks(const Text& old_text, const Text& new_text, unsigned context = 3) {
    const TempDir dir;
    std::string old_name = "/dev/null";
    std::string new_name = "/dev/null";
    if (old_text) {
        dir.write("old.c", *old_text);
        old_name = "old.c";
    }
    if (new_text) {
        dir.write("new.c", *new_text);
        new_name = "new.c";
    }
    const auto r = run(git({"diff", "--no-index", "--no-color", "--no-ext-diff",
                            "-U" + std::to_string(context), "--", old_name, new_name}),
                       dir.path());
    EXPECT_TRUE(r.signal == 0 && (r.exit_code == 0 || r.exit_code == 1)) << r.status() << r.err;
    if (r.out.starts_with("@@")) {
        return r.out;
    }
    const std::size_t at = r.out.find("\n@@");
    return at == std::string::npos ? "" : r.out.substr(at + 1);
}

// Our hunks, which must be git's byte for byte; returned for further checks.
std::string expect_like_git(const Text& old_text, const Text& new_text, unsigned context = 3) {
    const auto ours = diff_hunks(old_text, new_text, DiffOptions{context});
    EXPECT_TRUE(ours) << ours.error().to_string();
    const std::string theirs = git_hunks(old_text, new_text, context);
    EXPECT_EQ(ours.value_or(""), theirs);
    return ours.value_or("");
}

// Our whole file section parsed back and applied by both of our engines at
// fuzz 0: every hunk lands where it says and the result is new_text.
void expect_applies_exactly(const Text& old_text, const Text& new_text) {
    const auto text = diff_file(target, old_text, new_text);
    ASSERT_TRUE(text) << text.error().to_string();
    const auto parsed = patch::parse(*text, "generated.patch");
    ASSERT_TRUE(parsed) << parsed.error().to_string();
    EXPECT_EQ(patch::write(*parsed), *text);
    ASSERT_EQ(parsed->files.size(), 1u);
    const auto& file = parsed->files.front();
    EXPECT_EQ(file.creates(), !old_text.has_value());
    EXPECT_EQ(file.deletes(), !new_text.has_value());
    const std::optional<std::string_view> input(old_text);
    const patch::FileResult results[] = {
        patch::apply_file(file, input, patch::ApplyOptions{0, false}),
        patch::git_apply_file(file, input)};
    for (const auto& r : results) {
        EXPECT_EQ(r.status, patch::FileStatus::Applied);
        for (const auto& hunk : r.hunks) {
            EXPECT_TRUE(hunk.exact()) << "offset " << hunk.offset << " fuzz " << hunk.fuzz;
        }
        EXPECT_EQ(r.removed, !new_text.has_value());
        if (new_text) {
            EXPECT_EQ(r.content, *new_text);
        }
    }
}

// The same file section through the real GNU patch -F0 and git apply: both
// apply it without an offset, and write new_text.
void expect_real_tools_apply(const Text& old_text, const Text& new_text) {
    const auto text = diff_file(target, old_text, new_text);
    ASSERT_TRUE(text) << text.error().to_string();
    const std::vector<std::vector<std::string>> tools = {
        {"patch", "-p1", "-F0", "--no-backup-if-mismatch", "-i", "../p.patch"},
        git({"apply", "-v", "../p.patch"})};
    for (const auto& argv : tools) {
        const TempDir dir;
        dir.write("p.patch", *text);
        std::filesystem::create_directories(dir.path() / "tree");
        if (old_text) {
            dir.write("tree/" + target, *old_text);
        }
        const auto r = run(argv, dir.path() / "tree");
        const std::string said = r.out + r.err;
        EXPECT_TRUE(r.ok()) << proc::describe(argv) << ": " << said;
        EXPECT_EQ(said.find("offset"), std::string::npos) << said;
        EXPECT_EQ(said.find("fuzz"), std::string::npos) << said;
        const auto path = dir.path() / "tree" / target;
        EXPECT_EQ(std::filesystem::exists(path), new_text.has_value()) << proc::describe(argv);
        if (new_text) {
            EXPECT_EQ(read_whole(path), *new_text) << proc::describe(argv);
        }
    }
}

// All three checks: like git, applies exactly with our engines and the real tools.
std::string expect_good(const Text& old_text, const Text& new_text) {
    const std::string hunks = expect_like_git(old_text, new_text);
    expect_applies_exactly(old_text, new_text);
    expect_real_tools_apply(old_text, new_text);
    return hunks;
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t nl = text.find('\n', start);
        const std::size_t end = nl == std::string::npos ? text.size() : nl + 1;
        lines.push_back(text.substr(start, end - start));
        start = end;
    }
    return lines;
}

std::string join(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& line : lines) {
        out += line;
    }
    return out;
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const std::size_t at = text.find(from);
    if (at == std::string::npos) {
        throw std::runtime_error("not in the corpus file: " + from);
    }
    return text.replace(at, from.size(), to);
}

std::string hunk_headers(const std::string& hunks) {
    std::string out;
    for (const auto& line : split_lines(hunks)) {
        if (line.starts_with("@@")) {
            out += line;
        }
    }
    return out;
}

std::size_t count_hunks(const std::string& hunks) {
    std::size_t n = 0;
    for (const auto& line : split_lines(hunks)) {
        if (line.starts_with("@@")) {
            ++n;
        }
    }
    return n;
}

} // namespace

TEST(GitDiff, names_the_function_around_a_change) {
    const std::string old_text = kernel_file("super.c");
    const std::string new_text =
        replaced(old_text, "\tsb->s_stack_depth = 0;\n", "\tsb->s_stack_depth = 1;\n");
    const std::string hunks = expect_good(old_text, new_text);
    EXPECT_EQ(hunk_headers(hunks), "@@ -2054,7 +2054,7 @@ static int ovl_fill_super(struct "
                                   "super_block *sb, void *data, int silent)\n");
}

TEST(GitDiff, adds_lines_at_the_top) {
    const std::string old_text = kernel_file("copy_up.c");
    const std::string new_text = "/* added */\n\n" + old_text;
    const std::string hunks = expect_good(old_text, new_text);
    EXPECT_TRUE(hunks.starts_with("@@ -1,3 +1,5 @@\n+/* added */\n+\n")) << hunks;
}

TEST(GitDiff, removes_lines_at_the_end) {
    const std::string old_text = kernel_file("super.c");
    const std::string new_text =
        replaced(old_text, "module_init(ovl_init);\nmodule_exit(ovl_exit);\n", "");
    const std::string hunks = expect_good(old_text, new_text);
    EXPECT_EQ(count_hunks(hunks), 1u);
}

TEST(GitDiff, marks_a_missing_newline_on_either_side) {
    const std::string with = kernel_file("copy_up.c");
    const std::string without = with.substr(0, with.size() - 1);
    const std::string changed = replaced(with, "\treturn err;\n}\n", "\treturn 0;\n}\n");
    expect_good(with, without);
    expect_good(without, with);
    expect_good(without, changed.substr(0, changed.size() - 1));
    expect_good(changed, without);
    const std::string hunks = expect_good(without, without + "\n/* more */");
    EXPECT_NE(hunks.find("-}\n\\ No newline at end of file\n+}\n+/* more */\n"
                         "\\ No newline at end of file\n"),
              std::string::npos)
        << hunks;
}

TEST(GitDiff, keeps_crlf_lines_as_they_are) {
    std::string crlf;
    for (const auto& line : split_lines(kernel_file("copy_up.c"))) {
        crlf += line.substr(0, line.size() - 1) + "\r\n";
    }
    const std::string hunks =
        expect_good(crlf, replaced(crlf, "\treturn err;\r\n}\r\n", "\treturn 0;\r\n}\r\n"));
    EXPECT_NE(hunks.find("-\treturn err;\r\n+\treturn 0;\r\n"), std::string::npos);
    // The heading loses its CR, as git strips trailing space from headings.
    EXPECT_FALSE(hunks.substr(0, hunks.find('\n')).ends_with("\r")) << hunks;
    // One CRLF line in an LF file, and the reverse.
    const std::string lf = kernel_file("super.c");
    expect_good(lf, replaced(lf, "\tsb->s_stack_depth = 0;\n", "\tsb->s_stack_depth = 0;\r\n"));
    expect_good(replaced(lf, "\tofs->numlayer = 1;\n", "\tofs->numlayer = 1;\r\n"), lf);
}

TEST(GitDiff, creates_and_deletes_files) {
    const std::string text = kernel_file("copy_up.c");
    const std::string created = expect_good(std::nullopt, text);
    EXPECT_TRUE(created.starts_with("@@ -0,0 +1,1115 @@\n+// SPDX")) << created.substr(0, 40);
    const std::string deleted = expect_good(text, std::nullopt);
    EXPECT_TRUE(deleted.starts_with("@@ -1,1115 +0,0 @@\n-// SPDX")) << deleted.substr(0, 40);
    expect_good(std::nullopt, std::string("x"));
    expect_good(std::string("x"), std::nullopt);
    const auto header = diff_file(target, std::nullopt, text);
    ASSERT_TRUE(header);
    EXPECT_TRUE(header->starts_with("--- /dev/null\n+++ b/fs/overlayfs/super.c\n@@ -0,0"));
    const auto removal = diff_file(target, text, std::nullopt);
    ASSERT_TRUE(removal);
    EXPECT_TRUE(removal->starts_with("--- a/fs/overlayfs/super.c\n+++ /dev/null\n@@ -1,"));
}

TEST(GitDiff, handles_empty_files) {
    const std::string text = kernel_file("copy_up.c");
    expect_good(std::string(), text);
    expect_good(text, std::string());
    expect_like_git(std::string(), std::string("\n"));
    EXPECT_EQ(diff_hunks(std::string(), std::string()).value(), "");
    EXPECT_EQ(diff_hunks(std::nullopt, std::string()).value(), "");
    EXPECT_EQ(diff_hunks(std::nullopt, std::nullopt).value(), "");
    // Creating or deleting an empty file has no hunk to say it.
    const auto created = diff_file(target, std::nullopt, std::string());
    ASSERT_FALSE(created);
    EXPECT_EQ(created.error().kind(), kseries::ErrorKind::Usage);
    EXPECT_EQ(created.error().message(),
              "cannot write a diff that creates the empty file fs/overlayfs/super.c: a unified "
              "diff without git's headers cannot express it");
    EXPECT_FALSE(diff_file(target, std::string(), std::nullopt));
}

TEST(GitDiff, merges_close_changes_and_splits_distant_ones) {
    const auto lines = split_lines(kernel_file("super.c"));
    // Two changed lines with 6 unchanged lines between them (2 x 3 lines of
    // context) make one hunk; with 7 they make two.
    for (const std::size_t gap : {std::size_t{5}, std::size_t{6}, std::size_t{7}, std::size_t{8}}) {
        SCOPED_TRACE("gap " + std::to_string(gap));
        auto changed = lines;
        changed[1000] = "/* first */\n";
        changed[1001 + gap] = "/* second */\n";
        const std::string hunks = expect_good(join(lines), join(changed));
        EXPECT_EQ(count_hunks(hunks), gap <= 6 ? 1u : 2u);
    }
}

TEST(GitDiff, places_added_lines_as_the_indent_heuristic_does) {
    // Myers alone slides the two new calls below the old one; git's indent
    // heuristic (diff.indentHeuristic, on by default) puts them right after
    // the brace, where the indentation changes.
    const std::string old_text = "void f(void)\n{\n\tx();\n\t/* note */\n}\n";
    const std::string new_text = "void f(void)\n{\n\tx();\n\tx();\n\tx();\n\t/* note */\n}\n";
    EXPECT_EQ(expect_like_git(old_text, new_text),
              "@@ -1,5 +1,7 @@\n void f(void)\n {\n+\tx();\n+\tx();\n \tx();\n \t/* note */\n }\n");
}

TEST(GitDiff, cuts_long_headings_as_git_does) {
    // The heading's 80th byte is a blank: git cuts to 80 bytes and then
    // strips it; libgit2's own rule would keep it.
    const std::string long_line =
        std::string("static int f(int a,") + std::string(61, ' ') + "int b)\n";
    std::string old_text = long_line + "{\n";
    for (int i = 0; i < 20; ++i) {
        old_text += "\tx" + std::to_string(i) + "();\n";
    }
    old_text += "}\n";
    const std::string new_text = replaced(old_text, "\tx10();\n", "\tx10(1);\n");
    const std::string hunks = expect_like_git(old_text, new_text);
    EXPECT_TRUE(hunks.starts_with("@@ -10,7 +10,7 @@ static int f(int a,\n")) << hunks;
    // Form feeds are not space to git: they stay in the heading.
    expect_like_git("label:\f\n" + old_text, "label:\f\n" + new_text);
    expect_like_git("$x \t\n_y\n" + old_text, "$x \t\n_y\n" + new_text);
}

TEST(GitDiff, honours_the_context_option) {
    const std::string old_text = kernel_file("copy_up.c");
    const std::string new_text = replaced(old_text, "\treturn err;\n}\n", "\treturn 0;\n}\n");
    for (const unsigned context : {0u, 1u, 5u, 10u}) {
        SCOPED_TRACE(context);
        expect_like_git(old_text, new_text, context);
    }
}

TEST(GitDiff, refuses_binary_content_and_quoted_names) {
    const auto binary = diff_hunks(std::string("a\n"), std::string("a\0b\n", 4));
    ASSERT_FALSE(binary);
    EXPECT_EQ(binary.error().kind(), kseries::ErrorKind::Usage);
    EXPECT_EQ(binary.error().message(), "cannot diff binary content (it holds a NUL byte)");
    const auto quoted = diff_file("a\tb", std::string("a\n"), std::string("b\n"));
    ASSERT_FALSE(quoted);
    EXPECT_EQ(quoted.error().message(),
              "cannot write a diff for 'a\tb': git would quote this name");
    EXPECT_EQ(diff_hunks(std::string("same\n"), std::string("same\n")).value(), "");
    EXPECT_EQ(diff_file(target, std::string("same\n"), std::string("same\n")).value(), "");
}

TEST(GitDiff, ends_names_with_spaces_with_a_tab) {
    const auto text = diff_file("dir/a b.c", std::string("a\n"), std::string("b\n"));
    ASSERT_TRUE(text);
    EXPECT_EQ(*text, "--- a/dir/a b.c\t\n+++ b/dir/a b.c\t\n@@ -1 +1 @@\n-a\n+b\n");
    const auto parsed = patch::parse(*text, "spaces.patch");
    ASSERT_TRUE(parsed) << parsed.error().to_string();
    EXPECT_EQ(parsed->files.front().new_name, "b/dir/a b.c");
}

namespace {

// One random edit of a C file: lines replaced, inserted, deleted or copied
// elsewhere, drawn from the file itself so that braces, blank lines and
// repeated statements give Myers many equally short answers to choose from.
void random_edit(std::vector<std::string>& lines, const std::vector<std::string>& pool,
                 std::mt19937& rng) {
    const auto pick = [&](std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n)(rng);
    };
    const auto from_pool = [&] {
        std::string line = pool[pick(pool.size() - 1)];
        if (pick(3) == 0) {
            line.insert(line.find_first_not_of('\t') == std::string::npos
                            ? 0
                            : line.find_first_not_of('\t'),
                        "/* edited */ ");
        }
        return line;
    };
    const std::size_t at = pick(lines.size());
    const std::size_t count = 1 + pick(pick(1) == 0 ? 2 : 8);
    switch (pick(4)) {
    case 0: // replace
        for (std::size_t i = at; i < std::min(lines.size(), at + count); ++i) {
            lines[i] = from_pool();
        }
        break;
    case 1: // insert
        for (std::size_t i = 0; i < count; ++i) {
            lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at), from_pool());
        }
        break;
    case 2: // delete
        lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(at),
                    lines.begin() +
                        static_cast<std::ptrdiff_t>(std::min(lines.size(), at + count)));
        break;
    case 3: { // copy a block of the file elsewhere
        const std::size_t from = pick(pool.size() - 1);
        const std::vector<std::string> block(
            pool.begin() + static_cast<std::ptrdiff_t>(from),
            pool.begin() + static_cast<std::ptrdiff_t>(std::min(pool.size(), from + count)));
        lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at), block.begin(), block.end());
        break;
    }
    default: // a blank line, the commonest ambiguous line
        lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at), "\n");
        break;
    }
}

} // namespace

TEST(GitDiff, agrees_with_git_on_random_edits) {
    std::mt19937 rng(20240611);
    const auto pick = [&](std::size_t n) {
        return std::uniform_int_distribution<std::size_t>(0, n)(rng);
    };
    const std::vector<std::string> sources = {kernel_file("super.c"), kernel_file("copy_up.c")};
    for (int n = 0; n < 200; ++n) {
        SCOPED_TRACE("case " + std::to_string(n));
        const auto pool = split_lines(sources[pick(1)]);
        // Mostly whole files; sometimes a window of a few lines, so that
        // changes meet the start and the end of the file.
        std::vector<std::string> old_lines = pool;
        if (pick(4) == 0) {
            const std::size_t from = pick(pool.size() - 1);
            const std::size_t size = pick(30);
            old_lines.assign(pool.begin() + static_cast<std::ptrdiff_t>(from),
                             pool.begin() +
                                 static_cast<std::ptrdiff_t>(std::min(pool.size(), from + size)));
        }
        std::vector<std::string> new_lines = old_lines;
        const std::size_t edits = 1 + pick(5);
        for (std::size_t e = 0; e < edits; ++e) {
            random_edit(new_lines, pool, rng);
        }
        if (pick(9) == 0) { // a few CRLF lines
            for (std::size_t e = pick(4); e > 0 && !new_lines.empty(); --e) {
                auto& line = new_lines[pick(new_lines.size() - 1)];
                line.insert(line.size() - 1, "\r");
            }
        }
        std::string old_text = join(old_lines);
        std::string new_text = join(new_lines);
        if (pick(9) == 0 && !old_text.empty()) {
            old_text.pop_back();
        }
        if (pick(9) == 0 && !new_text.empty()) {
            new_text.pop_back();
        }
        const unsigned context = pick(7) == 0 ? static_cast<unsigned>(pick(6)) : 3u;
        expect_like_git(old_text, new_text, context);
        if (old_text != new_text && !old_text.empty() && !new_text.empty()) {
            expect_applies_exactly(old_text, new_text);
            if (n % 10 == 0) {
                expect_real_tools_apply(old_text, new_text);
            }
        }
        if (HasFailure()) {
            break; // one failing case says enough; the trace names it
        }
    }
}
