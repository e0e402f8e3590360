#include <gtest/gtest.h>

#include <kseries/patch/parser.hpp>
#include <kseries/rebase/propose.hpp>

using namespace kseries;

namespace {

// v1's hunk of 0001 (series/overlayfs-nfsroot/v1), made against the
// 4.18.0-147 loop in ovl_dentry_revalidate().
const std::string v1_hunk = "--- a/fs/overlayfs/super.c\n+++ b/fs/overlayfs/super.c\n"
                            "@@ -127,16 +127,11 @@\n"
                            " \n"
                            " \t\tif (d->d_flags & DCACHE_OP_REVALIDATE) {\n"
                            " \t\t\tret = d->d_op->d_revalidate(d, flags);\n"
                            "-\t\t\tif (ret < 0)\n"
                            "+\t\t\tif (ret <= 0)\n"
                            " \t\t\t\treturn ret;\n"
                            "-\t\t\tif (!ret) {\n"
                            "-\t\t\t\tif (!(flags & LOOKUP_RCU))\n"
                            "-\t\t\t\t\td_invalidate(d);\n"
                            "-\t\t\t\treturn -ESTALE;\n"
                            "-\t\t\t}\n"
                            " \t\t}\n"
                            " \t}\n"
                            "-\treturn 1;\n"
                            "+\treturn ret;\n"
                            " }\n"
                            " \n"
                            " static int ovl_dentry_weak_revalidate(struct dentry *dentry, "
                            "unsigned int flags)\n";

// The 4.18.0-240 shape (as in mainline since 5.x, Debian's 6.1): the check
// moved into ovl_revalidate_real(), the loop into
// ovl_dentry_revalidate_common().
const std::string real_block = "\t\tif (!ret) {\n"
                               "\t\t\tif (!(flags & LOOKUP_RCU))\n"
                               "\t\t\t\td_invalidate(d);\n"
                               "\t\t\tret = -ESTALE;\n"
                               "\t\t}\n";

std::string target_with(const std::string& weak_branch_extra) {
    return "static int ovl_revalidate_real(struct dentry *d, unsigned int flags, bool weak)\n"
           "{\n"
           "\tint ret = 1;\n"
           "\n"
           "\tif (weak) {\n"
           "\t\tif (d->d_flags & DCACHE_OP_WEAK_REVALIDATE)\n"
           "\t\t\tret =  d->d_op->d_weak_revalidate(d, flags);\n" +
           weak_branch_extra +
           "\t} else if (d->d_flags & DCACHE_OP_REVALIDATE) {\n"
           "\t\tret = d->d_op->d_revalidate(d, flags);\n" +
           real_block +
           "\t}\n"
           "\treturn ret;\n"
           "}\n"
           "\n"
           "static int ovl_dentry_revalidate_common(struct dentry *dentry,\n"
           "\t\t\t\t\tunsigned int flags, bool weak)\n"
           "{\n"
           "\tstruct ovl_entry *oe = dentry->d_fsdata;\n"
           "\tunsigned int i;\n"
           "\tint ret = 1;\n"
           "\n"
           "\tfor (i = 0; ret > 0 && i < oe->numlower; i++) {\n"
           "\t\tret = ovl_revalidate_real(oe->lowerstack[i].dentry, flags,\n"
           "\t\t\t\t\t  weak);\n"
           "\t}\n"
           "\treturn ret;\n"
           "}\n"
           "\n"
           "static int ovl_dentry_weak_revalidate(struct dentry *dentry, unsigned int flags)\n"
           "{\n"
           "\treturn ovl_dentry_revalidate_common(dentry, flags, true);\n"
           "}\n";
}

patch::Hunk hunk_of(const std::string& text) {
    auto p = patch::parse(text, "test.patch");
    EXPECT_TRUE(p.has_value());
    return p->files.at(0).hunks.at(0);
}

} // namespace

TEST(RebasePropose, splits_a_hunk_into_the_changes_context_separates) {
    const auto changes = rebase::split_changes(hunk_of(v1_hunk));
    ASSERT_EQ(changes.size(), 3U);
    EXPECT_EQ(changes[0].shown, "-\t\t\tif (ret < 0)\n+\t\t\tif (ret <= 0)\n");
    EXPECT_EQ(changes[1].removed.size(), 5U);
    EXPECT_TRUE(changes[1].added.empty());
    EXPECT_EQ(changes[2].shown, "-\treturn 1;\n+\treturn ret;\n");
}

TEST(RebasePropose, proposes_removing_the_refactored_block_and_nothing_else) {
    const auto target = target_with("");
    auto p = rebase::propose(hunk_of(v1_hunk), "fs/overlayfs/super.c", target);
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->function, "ovl_revalidate_real");
    ASSERT_EQ(p->changes.size(), 3U);
    EXPECT_TRUE(p->acceptable());

    const auto& cond = p->changes[0];
    EXPECT_FALSE(cond.proposed);
    EXPECT_FALSE(cond.ambiguous);
    EXPECT_NE(cond.why.find("no counterpart found: the closest lines"), std::string::npos)
        << cond.why;

    const auto& block = p->changes[1];
    ASSERT_TRUE(block.proposed) << block.why;
    EXPECT_EQ(block.first, 9U); // line 10: "\t\tif (!ret) {"
    EXPECT_EQ(block.count, 5U);
    EXPECT_EQ(block.function, "ovl_revalidate_real()");
    EXPECT_NEAR(block.confidence, 0.94, 0.005);
    EXPECT_EQ(block.evidence, "10: \t\tif (!ret) {\n"
                              "11: \t\t\tif (!(flags & LOOKUP_RCU))\n"
                              "12: \t\t\t\td_invalidate(d);\n"
                              "13: \t\t\tret = -ESTALE;\n"
                              "14: \t\t}\n");
    EXPECT_NE(block.diff.find("-\t\t\tret = -ESTALE;\n"), std::string::npos) << block.diff;

    const auto& tail = p->changes[2];
    EXPECT_FALSE(tail.proposed);
    EXPECT_NE(tail.why.find("ovl_revalidate_real() already has the change's new text at line "
                            "16 (already like the new text)"),
              std::string::npos)
        << tail.why;

    auto applied = rebase::apply_proposals(target, {*p});
    ASSERT_TRUE(applied.has_value());
    std::string expected = target;
    expected.erase(expected.find(real_block), real_block.size());
    EXPECT_EQ(*applied, expected);

    const auto shown = rebase::render_proposal(*p, "  ");
    EXPECT_NE(shown.find("proposed, confidence 0.94: remove lines 10-14 of ovl_revalidate_real()"),
              std::string::npos)
        << shown;
}

TEST(RebasePropose, the_block_twice_is_not_unique_and_nothing_is_proposed) {
    const auto target = target_with(real_block);
    auto p = rebase::propose(hunk_of(v1_hunk), "fs/overlayfs/super.c", target);
    ASSERT_TRUE(p.has_value());
    const auto& block = p->changes.at(1);
    EXPECT_FALSE(block.proposed);
    EXPECT_TRUE(block.ambiguous);
    EXPECT_NE(block.why.find("not unique, alike at lines 8-12 in ovl_revalidate_real() (0.94) and "
                             "lines 15-19 in ovl_revalidate_real() (0.94)"),
              std::string::npos)
        << block.why;
    EXPECT_FALSE(p->acceptable());
}

TEST(RebasePropose, alike_lines_outside_the_function_the_hunk_mentions_are_not_proposed) {
    // The block only in a function that mentions little else of the hunk.
    const std::string target = "static int other(struct inode *inode)\n"
                               "{\n"
                               "\tint ret = 0;\n"
                               "\n" +
                               real_block +
                               "\treturn ret;\n"
                               "}\n"
                               "\n"
                               "static int ovl_revalidate_real(struct dentry *d, unsigned int "
                               "flags)\n"
                               "{\n"
                               "\tint ret = 1;\n"
                               "\n"
                               "\tif (d->d_flags & DCACHE_OP_REVALIDATE)\n"
                               "\t\tret = d->d_op->d_revalidate(d, flags);\n"
                               "\treturn ret;\n"
                               "}\n";
    auto p = rebase::propose(hunk_of(v1_hunk), "f.c", target);
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(p->function, "ovl_revalidate_real");
    EXPECT_FALSE(p->changes.at(1).proposed);
    EXPECT_NE(p->changes.at(1).why.find("are in other(), not in the function the hunk's lines "
                                        "mention most (ovl_revalidate_real())"),
              std::string::npos)
        << p->changes.at(1).why;
    EXPECT_FALSE(p->acceptable());
}

TEST(RebasePropose, a_replacement_needs_its_removed_lines_as_they_are) {
    const std::string hunk = "--- a/f.c\n+++ b/f.c\n"
                             "@@ -3,3 +3,3 @@ static int f(int ret)\n"
                             " {\n"
                             "-\tif (ret < 0)\n"
                             "+\tif (ret <= 0)\n"
                             " \t\treturn ret;\n";
    const std::string same = "static int f(int ret, int x)\n{\n\tif (ret < 0)\n"
                             "\t\treturn ret;\n\treturn x;\n}\n";
    auto p = rebase::propose(hunk_of(hunk), "f.c", same);
    ASSERT_TRUE(p.has_value());
    ASSERT_TRUE(p->changes.at(0).proposed) << p->changes.at(0).why;
    auto applied = rebase::apply_proposals(same, {*p});
    ASSERT_TRUE(applied.has_value());
    EXPECT_EQ(*applied, "static int f(int ret, int x)\n{\n\tif (ret <= 0)\n"
                        "\t\treturn ret;\n\treturn x;\n}\n");

    const std::string alike = "static int f(int ret, int x)\n{\n\tif (ret < 0 && x)\n"
                              "\t\treturn ret;\n\treturn x;\n}\n";
    auto q = rebase::propose(hunk_of(hunk), "f.c", alike);
    ASSERT_TRUE(q.has_value());
    EXPECT_FALSE(q->changes.at(0).proposed);
    EXPECT_NE(q->changes.at(0).why.find("not the same"), std::string::npos) << q->changes.at(0).why;
}

TEST(RebasePropose, a_change_that_mentions_little_needs_its_context_around_the_counterpart) {
    // Debian 6.12's ovl_revalidate_real() starts with `if (!d) return 1;`:
    // v1's `return 1;` -> `return ret;` is alike there token for token, but
    // its context in the hunk ("\t}" before, "}" after) is not.
    auto target = target_with("");
    const std::string head = "\tint ret = 1;\n\n";
    target.insert(target.find(head) + head.size(), "\tif (!d)\n\t\treturn 1;\n\n");
    auto p = rebase::propose(hunk_of(v1_hunk), "fs/overlayfs/super.c", target);
    ASSERT_TRUE(p.has_value());
    const auto& tail = p->changes.at(2);
    EXPECT_FALSE(tail.proposed);
    EXPECT_NE(tail.why.find("no counterpart found: alike at line 6 of ovl_revalidate_real() "
                            "(1.00), but the removed lines mention fewer than 2 names"),
              std::string::npos)
        << tail.why;
    EXPECT_TRUE(p->changes.at(1).proposed);

    // Where the context around it is the hunk's, the same line is proposed.
    const std::string own = "static int f(struct dentry *d, unsigned int flags)\n{\n"
                            "\tint ret = 0;\n\n\tif (d->d_flags & DCACHE_OP_REVALIDATE) {\n"
                            "\t\tret = d->d_op->d_revalidate(d, flags);\n\t}\n\treturn 1;\n}\n";
    auto q = rebase::propose(hunk_of(v1_hunk), "f.c", own);
    ASSERT_TRUE(q.has_value());
    EXPECT_TRUE(q->changes.at(2).proposed) << q->changes.at(2).why;
    EXPECT_EQ(q->changes.at(2).first, 7U);
}

TEST(RebasePropose, overlapping_proposals_are_refused) {
    rebase::HunkProposal a;
    rebase::ChangeProposal c;
    c.proposed = true;
    c.first = 1;
    c.count = 2;
    a.changes = {c, c};
    auto applied = rebase::apply_proposals("a\nb\nc\nd\n", {a});
    ASSERT_FALSE(applied.has_value());
    EXPECT_EQ(applied.error().message(), "the proposals overlap at lines 2-3");
}

// rebase-bench's already-present cases 710 and 713 (Debian 6.1 -> 6.12
// fs/overlayfs/util.c): the hunk removes the return of ovl_index_all(),
// which 6.12 already removed (and rewrote its context: OVL_FS(sb)). The
// twin line left in ovl_verify_lower() mentions everything the hunk does;
// removing it would be a wrong proposal. The heading's function still reads
// like the new text: nothing is proposed.
TEST(RebasePropose, a_change_already_made_in_the_headings_function_is_not_proposed_on_a_twin) {
    const std::string hunk =
        "--- a/fs/overlayfs/util.c\n+++ b/fs/overlayfs/util.c\n"
        "@@ -72,7 +72,6 @@ bool ovl_index_all(struct super_block *sb)\n"
        " {\n"
        " \tstruct ovl_fs *ofs = sb->s_fs_info;\n"
        " \n"
        "-\treturn ofs->config.nfs_export && ofs->config.index;\n"
        " }\n"
        " \n"
        " /* Verify lower origin on lookup. For now only enabled for NFS export */\n";
    const std::string target =
        "/* Index all files on copy up. For now only enabled for NFS export */\n"
        "bool ovl_index_all(struct super_block *sb)\n"
        "{\n"
        "\tstruct ovl_fs *ofs = OVL_FS(sb);\n"
        "\n"
        "}\n"
        "\n"
        "/* Verify lower origin on lookup. For now only enabled for NFS export */\n"
        "bool ovl_verify_lower(struct super_block *sb)\n"
        "{\n"
        "\tstruct ovl_fs *ofs = OVL_FS(sb);\n"
        "\n"
        "\treturn ofs->config.nfs_export && ofs->config.index;\n"
        "}\n";
    auto p = rebase::propose(hunk_of(hunk), "f.c", target);
    ASSERT_TRUE(p.has_value());
    ASSERT_EQ(p->changes.size(), 1U);
    EXPECT_FALSE(p->changes[0].proposed);
    EXPECT_FALSE(p->acceptable());
    EXPECT_NE(p->changes[0].why.find("ovl_index_all() lines 3-6 already reads like the hunk's new "
                                     "text"),
              std::string::npos)
        << p->changes[0].why;
}
