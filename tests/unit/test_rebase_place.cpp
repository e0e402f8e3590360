// rebase::place_file's steps on one small fixture: exact, offset, fuzz,
// three-way merge, relocation by enclosing function, already applied, and
// the hunks no step may place (duplicated regions, conflict markers), plus
// the seed's first patch on Debian's real 6.1. The guards that refuse a
// wrong placement are in test_rebase_place_guards.cpp.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include <kseries/patch/parser.hpp>
#include <kseries/rebase/place.hpp>

#include "rebase_fixtures.hpp"

using namespace kseries;
using rebase::Step;
using test::file_patch;
using test::replaced;

namespace {

// A small C file and a patch made against it.
const std::string base_file = "#include <linux/fs.h>\n"
                              "\n"
                              "static int helper(int x)\n"
                              "{\n"
                              "\treturn x + 1;\n"
                              "}\n"
                              "\n"
                              "static int revalidate(struct dentry *d, unsigned int flags)\n"
                              "{\n"
                              "\tint ret = 1;\n"
                              "\n"
                              "\tif (d->d_flags & DCACHE_OP_REVALIDATE) {\n"
                              "\t\tret = d->d_op->d_revalidate(d, flags);\n"
                              "\t\tif (ret < 0)\n"
                              "\t\t\treturn ret;\n"
                              "\t\tif (!ret)\n"
                              "\t\t\treturn -ESTALE;\n"
                              "\t}\n"
                              "\treturn ret;\n"
                              "}\n";

const std::string patch_text = "--- a/f.c\n+++ b/f.c\n"
                               "@@ -11,10 +11,8 @@ static int revalidate(struct dentry *d, unsigned int flags)\n"
                               " \n"
                               " \tif (d->d_flags & DCACHE_OP_REVALIDATE) {\n"
                               " \t\tret = d->d_op->d_revalidate(d, flags);\n"
                               "-\t\tif (ret < 0)\n"
                               "+\t\tif (ret <= 0)\n"
                               " \t\t\treturn ret;\n"
                               "-\t\tif (!ret)\n"
                               "-\t\t\treturn -ESTALE;\n"
                               " \t}\n"
                               " \treturn ret;\n"
                               " }\n";

const std::string patched_file = "#include <linux/fs.h>\n"
                                 "\n"
                                 "static int helper(int x)\n"
                                 "{\n"
                                 "\treturn x + 1;\n"
                                 "}\n"
                                 "\n"
                                 "static int revalidate(struct dentry *d, unsigned int flags)\n"
                                 "{\n"
                                 "\tint ret = 1;\n"
                                 "\n"
                                 "\tif (d->d_flags & DCACHE_OP_REVALIDATE) {\n"
                                 "\t\tret = d->d_op->d_revalidate(d, flags);\n"
                                 "\t\tif (ret <= 0)\n"
                                 "\t\t\treturn ret;\n"
                                 "\t}\n"
                                 "\treturn ret;\n"
                                 "}\n";

// The patch above, parsed.
patch::FilePatch file_patch() {
    return test::file_patch(patch_text);
}

rebase::FilePlacement place(const std::string& target, rebase::PlaceOptions options = {}) {
    auto r = rebase::place_file(file_patch(), target, options);
    EXPECT_TRUE(r) << r.error().message();
    return *r;
}

} // namespace

TEST(RebasePlace, exact_and_offset_at_fuzz_0) {
    auto r = place(base_file);
    ASSERT_EQ(r.hunks.size(), 1U);
    EXPECT_EQ(r.hunks[0].step, Step::Exact);
    EXPECT_EQ(r.content, patched_file);

    const std::string moved = "/* one */\n/* two */\n" + base_file;
    r = place(moved);
    EXPECT_EQ(r.hunks[0].step, Step::Offset);
    EXPECT_EQ(r.hunks[0].moved, 2);
    EXPECT_EQ(r.content, "/* one */\n/* two */\n" + patched_file);
}

TEST(RebasePlace, fuzz_takes_the_targets_context) {
    // The last context line changed: fuzz 1 places it, keeping the target's line.
    const auto target = replaced(base_file, "\treturn ret;\n}\n", "\treturn ret;\n} /* new */\n");
    auto r = place(target);
    EXPECT_EQ(r.hunks[0].step, Step::Fuzz);
    EXPECT_EQ(r.hunks[0].fuzz, 1);
    EXPECT_EQ(r.content,
              replaced(patched_file, "\treturn ret;\n}\n", "\treturn ret;\n} /* new */\n"));
}

TEST(RebasePlace, a_three_way_merge_places_a_hunk_whose_inner_context_changed) {
    // Two changes three lines apart; the target changed the line between
    // them, which no fuzz may skip.
    const std::string base = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n";
    const std::string diff = "--- a/f.c\n+++ b/f.c\n@@ -1,11 +1,11 @@\n a\n b\n c\n-d\n+D\n e\n"
                             " f\n g\n-h\n+H\n i\n j\n k\n";
    const std::string target = "z\n" + replaced(base, "f\n", "f2\n");
    auto r = rebase::place_file(file_patch(diff), target);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->hunks[0].step, Step::Merged) << r->hunks[0].note;
    EXPECT_EQ(r->content, "z\na\nb\nc\nD\ne\nf2\ng\nH\ni\nj\nk\n");
    // With the recorded base file, git's own merge of the whole file.
    auto with_base = rebase::place_file(file_patch(diff), target, {base});
    ASSERT_TRUE(with_base);
    EXPECT_EQ(with_base->hunks[0].step, Step::Merged);
    EXPECT_NE(with_base->hunks[0].note.find("recorded base"), std::string::npos);
    EXPECT_EQ(with_base->content, r->content);
    // A target that changed a removed line conflicts: left for the maintainer.
    auto clash = rebase::place_file(file_patch(diff), replaced(target, "h\n", "h2\n"));
    ASSERT_TRUE(clash);
    EXPECT_EQ(clash->hunks[0].step, Step::Unplaced);
}

TEST(RebasePlace, relocation_by_enclosing_function) {
    // The function moved to the top and grew lines between the hunk's
    // lines: no region resembles the hunk line for line any more.
    std::string fn = base_file.substr(base_file.find("static int revalidate"));
    fn = replaced(fn, "\tint ret = 1;\n\n", "\tint ret = 1;\n\n\tif (!d)\n\t\treturn 1;\n\n");
    fn = replaced(fn, "\t\tret = d->d_op->d_revalidate(d, flags);\n",
                  "\t\ttrace_revalidate(d);\n\t\tret = d->d_op->d_revalidate(d, flags);\n"
                  "\t\ttrace_revalidated(d, ret);\n");
    fn = replaced(fn, "\t\t\treturn ret;\n", "\t\t\tgoto out;\n");
    const std::string target = "#include <linux/fs.h>\n\n" + fn + "\nstatic int helper(int x)\n{\n"
                               "\treturn x + 1;\n}\n";
    auto r = place(target);
    ASSERT_EQ(r.hunks[0].step, Step::Relocated) << r.hunks[0].note;
    EXPECT_NE(r.hunks[0].note.find("revalidate()"), std::string::npos);
    EXPECT_NE(r.content.find("\t\tif (ret <= 0)\n\t\t\tgoto out;\n\t}\n"), std::string::npos)
        << r.content;
    EXPECT_EQ(r.content.find("ESTALE"), std::string::npos);
    EXPECT_EQ(r.content.find("if (ret < 0)"), std::string::npos);
}

TEST(RebasePlace, an_applied_hunk_is_recognised_not_applied_twice) {
    auto r = place(patched_file);
    EXPECT_EQ(r.hunks[0].step, Step::AlreadyApplied);
    EXPECT_EQ(r.content, patched_file);
    EXPECT_TRUE(r.all_applied());
}

TEST(RebasePlace, duplicated_regions_are_never_guessed) {
    // The function twice (say under two #ifdefs), neither at the stated
    // line: the hunk fits both, so no step may pick one.
    const std::string fn = base_file.substr(base_file.find("static int revalidate"));
    const std::string target = "/* a */\n/* b */\n#ifdef A\n" + fn + "#else\n" + fn + "#endif\n";
    auto r = place(target);
    EXPECT_EQ(r.hunks[0].step, Step::Unplaced);
    EXPECT_FALSE(r.complete());
    EXPECT_EQ(r.content, target);
}

TEST(RebasePlace, an_unplaceable_hunk_is_shown_in_conflict_markers) {
    const auto target = replaced(replaced(base_file, "\t\tif (ret < 0)\n", "\t\tif (ret < -1)\n"),
                                 "\t\t\treturn -ESTALE;\n", "\t\t\tret = -ESTALE;\n");
    auto r = place(target);
    ASSERT_EQ(r.hunks[0].step, Step::Unplaced);
    EXPECT_FALSE(r.hunks[0].note.empty());
    EXPECT_EQ(r.content, target);
    const auto shown = rebase::with_conflict(target, file_patch().hunks[0], "0001.patch");
    EXPECT_NE(shown.find("<<<<<<< target\n"), std::string::npos);
    EXPECT_NE(shown.find("||||||| 0001.patch (old)\n"), std::string::npos);
    EXPECT_NE(shown.find("=======\n"), std::string::npos);
    EXPECT_NE(shown.find(">>>>>>> 0001.patch (new)\n"), std::string::npos);
    EXPECT_NE(shown.find("\t\tif (ret <= 0)\n"), std::string::npos);
    EXPECT_EQ(shown.find("static int helper"), target.find("static int helper"));
}

#ifdef KSERIES_CORPUS_61
// The seed's first patch on Debian's real 6.1 overlayfs: the loop became
// ovl_revalidate_real(), and `if (ret < 0)` is gone, so no step may claim
// it; the maintainer gets the region instead.
TEST(RebasePlace, v1_0001_on_debian_61_is_left_for_the_maintainer) {
    std::ifstream p(std::string(KSERIES_SOURCE_ROOT) +
                    "/series/overlayfs-nfsroot/v1/0001-ovl-super.c-let-the-lower-layer-change.patch");
    std::ifstream f(std::string(KSERIES_CORPUS_61) + "/fs/overlayfs/super.c");
    ASSERT_TRUE(p && f);
    std::stringstream ps;
    std::stringstream fs;
    ps << p.rdbuf();
    fs << f.rdbuf();
    auto parsed = patch::parse(ps.str(), "0001");
    ASSERT_TRUE(parsed);
    auto r = rebase::place_file(parsed->files.at(0), fs.str());
    ASSERT_TRUE(r);
    ASSERT_EQ(r->hunks.size(), 1U);
    EXPECT_EQ(r->hunks[0].step, Step::Unplaced) << r->hunks[0].note;
    EXPECT_EQ(r->content, fs.str());
    const auto shown = rebase::with_conflict(fs.str(), parsed->files[0].hunks[0], "0001");
    const auto mark = shown.find("<<<<<<< target\n");
    ASSERT_NE(mark, std::string::npos);
    // The region shown is ovl_revalidate_real()'s check.
    EXPECT_LT(shown.find("d_revalidate(d, flags)", mark), shown.find("=======", mark));
}
#endif
