// rebase::place_file's guards against a wrong placement, on Debian's real
// overlayfs files and on excerpts of real kernel code: fuzz or an offset
// into another function than the hunk's heading names, a removal made again
// on a twin line, a hunk judged already applied (or not) on the wrong evidence,
// a change partly there, a check carried past a vendor branch, and the edges
// (start and end of the file, the same edit in two functions). The steps
// themselves are in test_rebase_place.cpp.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include <kseries/git/diff.hpp>
#include <kseries/patch/parser.hpp>
#include <kseries/rebase/place.hpp>

#include "rebase_fixtures.hpp"

using namespace kseries;
using rebase::Step;
using test::file_patch;
using test::replaced;

#ifdef KSERIES_CORPUS_612
namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    EXPECT_TRUE(in) << path;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The patch `before` -> `after` of f.c as git diff writes it (with the
// function heading).
patch::FilePatch diff_of(const std::string& before, const std::string& after) {
    auto section = git::diff_file("f.c", before, after);
    EXPECT_TRUE(section) << section.error().message();
    return file_patch(*section);
}

} // namespace

// Guard A on Debian 6.12's xattrs.c: ovl_own_xattr_get() and
// ovl_own_xattr_set() differ in one line. A hunk after set()'s kfree(),
// carried onto a tree whose set() was rewritten with __free(kfree), fits
// get() at fuzz 1: placing it there would be wrong. The heading names
// set(), so no step may place it in get(); the note names both.
TEST(RebasePlace, fuzz_into_another_function_than_the_heading_names_stops) {
    const std::string base = read_file(std::string(KSERIES_CORPUS_612) + "/fs/overlayfs/xattrs.c");
    const std::string set_tail =
        "\tr = ovl_xattr_set(dentry, inode, escaped, value, size, flags);\n"
        "\n"
        "\tkfree(escaped);\n";
    const auto file =
        diff_of(base, replaced(base, set_tail, set_tail + "\tovl_xattr_audit(dentry, name, r);\n"));
    ASSERT_EQ(file.hunks.size(), 1U);
    ASSERT_NE(file.hunks[0].section.find("ovl_own_xattr_set("), std::string::npos)
        << file.hunks[0].section;
    const std::string set_body = "{\n"
                                 "\tchar *escaped;\n"
                                 "\tint r;\n"
                                 "\n"
                                 "\tescaped = ovl_xattr_escape_name(handler->prefix, name);\n"
                                 "\tif (IS_ERR(escaped))\n"
                                 "\t\treturn PTR_ERR(escaped);\n"
                                 "\n" +
                                 set_tail +
                                 "\n"
                                 "\treturn r;\n"
                                 "}\n";
    const std::string target =
        replaced(base, set_body,
                 "{\n"
                 "\tchar *escaped __free(kfree) = ovl_xattr_escape_name(handler->prefix, name);\n"
                 "\n"
                 "\tif (IS_ERR(escaped))\n"
                 "\t\treturn PTR_ERR(escaped);\n"
                 "\n"
                 "\treturn ovl_xattr_set(dentry, inode, escaped, value, size, flags);\n"
                 "}\n");
    auto r = rebase::place_file(file, target);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->hunks.size(), 1U);
    EXPECT_EQ(r->hunks[0].step, Step::Unplaced) << r->hunks[0].note;
    EXPECT_EQ(r->content, target);
    EXPECT_NE(r->hunks[0].note.find("fuzz would place it in ovl_own_xattr_get(), not in "
                                    "ovl_own_xattr_set() that its heading names"),
              std::string::npos)
        << r->hunks[0].note;
    // Where set() keeps its lines (the stated line moved), the same hunk
    // is placed in set() itself.
    const std::string moved = "/* moved */\n" + base;
    r = rebase::place_file(file, moved);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->hunks[0].step, Step::Offset) << r->hunks[0].note;
    EXPECT_NE(r->content.find(set_tail + "\tovl_xattr_audit(dentry, name, r);\n"),
              std::string::npos);
}

// Guard B on Debian's real dir.c: a patch made on 6.1 removes
// ovl_cache_free(&list) from ovl_do_remove(), whose tail 6.12 changed
// (no out_drop_write: label). The hunk's new text, only its context
// "out_drop_write: ovl_drop_write(dentry); out: return err; }", is still
// the tail of ovl_create_object() 280 lines above: GNU patch finds the hunk
// reversed there. That is not where the hunk belongs, and the removed line
// is still in ovl_do_remove(): the hunk is not already applied, and is
// placed in ovl_do_remove().
TEST(RebasePlace, a_removal_whose_context_occurs_far_away_is_not_already_applied) {
    const std::string base = read_file(std::string(KSERIES_CORPUS_61) + "/fs/overlayfs/dir.c");
    const std::string tail = "out:\n\tovl_cache_free(&list);\n\treturn err;\n}\n";
    const auto file =
        diff_of(base, replaced(base, "out_drop_write:\n\tovl_drop_write(dentry);\n" + tail,
                               "out_drop_write:\n\tovl_drop_write(dentry);\n"
                               "out:\n\treturn err;\n}\n"));
    ASSERT_EQ(file.hunks.size(), 1U);
    ASSERT_NE(file.hunks[0].section.find("ovl_do_remove("), std::string::npos);
    const std::string target = read_file(std::string(KSERIES_CORPUS_612) + "/fs/overlayfs/dir.c");
    ASSERT_NE(target.find("out_drop_write:\n\tovl_drop_write(dentry);\nout:\n\treturn err;\n}\n"),
              std::string::npos);
    auto r = rebase::place_file(file, target);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->hunks.size(), 1U);
    EXPECT_NE(r->hunks[0].step, Step::AlreadyApplied) << r->hunks[0].note;
    EXPECT_NE(r->hunks[0].step, Step::Unplaced) << r->hunks[0].note;
    EXPECT_EQ(r->content, replaced(target, "\tovl_copyattr(d_inode(dentry));\n\n" + tail,
                                   "\tovl_copyattr(d_inode(dentry));\n\nout:\n\treturn err;\n}\n"));
    // The patched 6.1 file has it, where it belongs (its new text is also
    // ovl_create_object()'s tail, which is not the evidence): already applied.
    const std::string patched =
        replaced(base, "out_drop_write:\n\tovl_drop_write(dentry);\n" + tail,
                 "out_drop_write:\n\tovl_drop_write(dentry);\n"
                 "out:\n\treturn err;\n}\n");
    r = rebase::place_file(file, patched);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->hunks[0].step, Step::AlreadyApplied) << r->hunks[0].note;
    EXPECT_GT(r->hunks[0].line, file.hunks[0].old_start - 3);
    // 6.12 without the line: the context left in ovl_do_remove() no longer
    // matches, and the far twin is no evidence: the maintainer decides.
    r = rebase::place_file(file, replaced(target, "out:\n\tovl_cache_free(&list);\n", "out:\n"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->hunks[0].step, Step::Unplaced) << r->hunks[0].note;
    EXPECT_NE(r->hunks[0].note.find("only far from where it belongs (not in ovl_do_remove())"),
              std::string::npos)
        << r->hunks[0].note;
}

// Shape 1 for a removal (rebase-bench's already-present class): v1 deletes
// the `return ERR_PTR(-EINVAL);` after "at least 2 lowerdir" in 6.1's
// ovl_get_lowerstack(). 6.12 already made that deletion, and its
// ovl_get_lowerstack() has one more `return ERR_PTR(-EINVAL);` after another
// pr_err, the only one left in the file: relocation took it for the hunk's
// and deleted it. Neither of its neighbours is the hunk's: never placed.
TEST(RebasePlace, a_removal_already_made_is_not_made_again_on_a_twin_line) {
    const std::string base = read_file(std::string(KSERIES_CORPUS_61) + "/fs/overlayfs/super.c");
    const std::string check = "\t\tpr_err(\"at least 2 lowerdir are needed while upperdir "
                              "nonexistent\\n\");\n";
    const std::string gone = "\t\treturn ERR_PTR(-EINVAL);\n";
    const auto file = diff_of(base, replaced(base, check + gone, check));
    ASSERT_EQ(file.hunks.size(), 1U);
    std::string target = read_file(std::string(KSERIES_CORPUS_612) + "/fs/overlayfs/super.c");
    target = replaced(target, check + gone, check);
    const std::string twin =
        "\t\tpr_err(\"at least one non-data lowerdir is required\\n\");\n" + gone;
    ASSERT_NE(target.find(twin), std::string::npos);
    const auto r = rebase::place_file(file, target);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->hunks.size(), 1U);
    EXPECT_NE(r->content.find(twin), std::string::npos) << "the twin's line was deleted";
    EXPECT_TRUE(r->hunks[0].step == Step::AlreadyApplied || r->hunks[0].step == Step::Unplaced)
        << rebase::step_key(r->hunks[0].step) << ": " << r->hunks[0].note;
}
#endif

namespace {

// The patch `before` -> `after` of a file, as git diff writes it.
patch::FilePatch git_diff(const std::string& before, const std::string& after) {
    auto section = git::diff_file("f.c", before, after);
    EXPECT_TRUE(section) << section.error().message();
    return file_patch(*section);
}

rebase::FilePlacement place_on(const patch::FilePatch& file, const std::string& target) {
    auto r = rebase::place_file(file, target);
    EXPECT_TRUE(r) << r.error().message();
    return *r;
}

// net/ethtool/ioctl.c's ethtool_set_channels(), in part.
const std::string set_channels =
    "static noinline_for_stack int ethtool_set_channels(struct net_device *dev,\n"
    "\t\t\t\t\t\t   void __user *useraddr)\n"
    "{\n"
    "\tstruct ethtool_channels channels, curr = { .cmd = ETHTOOL_GCHANNELS };\n"
    "\tu16 from_channel, to_channel;\n"
    "\tunsigned int i;\n"
    "\tint ret;\n"
    "\n"
    "\tif (!dev->ethtool_ops->set_channels || !dev->ethtool_ops->get_channels)\n"
    "\t\treturn -EOPNOTSUPP;\n"
    "\n"
    "\tif (copy_from_user(&channels, useraddr, sizeof(channels)))\n"
    "\t\treturn -EFAULT;\n"
    "\n"
    "\tdev->ethtool_ops->get_channels(dev, &curr);\n"
    "\n"
    "\tif (channels.rx_count == curr.rx_count &&\n"
    "\t    channels.tx_count == curr.tx_count &&\n"
    "\t    channels.combined_count == curr.combined_count &&\n"
    "\t    channels.other_count == curr.other_count)\n"
    "\t\treturn 0;\n"
    "\n"
    "\tret = dev->ethtool_ops->set_channels(dev, &channels);\n"
    "\tif (!ret)\n"
    "\t\tethtool_notify(dev, ETHTOOL_MSG_CHANNELS_NTF, NULL);\n"
    "\treturn ret;\n"
    "}\n";

const std::string new_check = "\tif (channels.combined_count > dev->num_tx_queues)\n"
                              "\t\treturn -EINVAL;\n"
                              "\n";

} // namespace

// Shape 1, a #define: the target already has it, after another line than
// the patch put it: already applied, never a second #define.
TEST(RebasePlace, an_added_define_already_there_under_other_context_is_already_applied) {
    const std::string base = "#define OVL_XATTR_OPAQUE_POSTFIX\t\"opaque\"\n"
                             "#define OVL_XATTR_REDIRECT_POSTFIX\t\"redirect\"\n"
                             "#define OVL_XATTR_ORIGIN_POSTFIX\t\"origin\"\n"
                             "#define OVL_XATTR_IMPURE_POSTFIX\t\"impure\"\n"
                             "#define OVL_XATTR_NLINK_POSTFIX\t\"nlink\"\n"
                             "#define OVL_XATTR_UPPER_POSTFIX\t\"upper\"\n"
                             "#define OVL_XATTR_UUID_POSTFIX\t\"uuid\"\n"
                             "#define OVL_XATTR_METACOPY_POSTFIX\t\"metacopy\"\n"
                             "#define OVL_XATTR_PROTATTR_POSTFIX\t\"protattr\"\n";
    const std::string define = "#define OVL_XATTR_XWHITEOUT_POSTFIX\t\"whiteout\"\n";
    const auto file = git_diff(base, replaced(base, "\"upper\"\n", "\"upper\"\n" + define));
    // The target got it in another order, without the uuid line.
    std::string target = replaced(base, "#define OVL_XATTR_UUID_POSTFIX\t\"uuid\"\n", "");
    target = replaced(target, "\"protattr\"\n", "\"protattr\"\n" + define);
    const auto r = place_on(file, target);
    ASSERT_EQ(r.hunks.size(), 1U);
    EXPECT_EQ(r.hunks[0].step, Step::AlreadyApplied) << r.hunks[0].note;
    EXPECT_NE(r.hunks[0].note.find("already has its added lines at line 9 (under other context)"),
              std::string::npos)
        << r.hunks[0].note;
    EXPECT_EQ(r.content, target);
}

// Shape 1, a check: the target has the added check, but also still the line
// the patch removes: partly there, so the maintainer decides.
TEST(RebasePlace, a_change_partly_there_under_other_context_stops) {
    const std::string before =
        replaced(set_channels, "\tdev->ethtool_ops->get_channels(dev, &curr);\n",
                 "\tdev->ethtool_ops->get_channels(dev, &curr);\n"
                 "\tWARN_ON(channels.cmd != ETHTOOL_SCHANNELS);\n");
    const auto file = git_diff(
        before, replaced(before, "\tWARN_ON(channels.cmd != ETHTOOL_SCHANNELS);\n", new_check));
    std::string target = replaced(before, "\tu16 from_channel, to_channel;\n", "");
    target = replaced(target, "\t\treturn -EFAULT;\n\n", "\t\treturn -EFAULT;\n\n" + new_check);
    target = replaced(target, "\t\treturn 0;\n\n",
                      "\t\treturn 0;\n\tchannels.cmd = ETHTOOL_SCHANNELS;\n\n");
    const auto r = place_on(file, target);
    ASSERT_EQ(r.hunks.size(), 1U);
    EXPECT_EQ(r.hunks[0].step, Step::Unplaced) << r.hunks[0].note;
    EXPECT_NE(r.hunks[0].note.find("partly in the target already"), std::string::npos)
        << r.hunks[0].note;
    EXPECT_EQ(r.content, target);
}

// Shape 4, net/ethtool/ioctl.c: the new check belongs right after
// copy_from_user(); the target has a vendor branch there. Placing it after
// the branch (where the hunk's next context line is) changes what it guards.
TEST(RebasePlace, a_new_check_is_not_placed_past_a_vendor_branch) {
    const std::string anchor = "\t\treturn -EFAULT;\n\n";
    const auto file = git_diff(set_channels, replaced(set_channels, anchor, anchor + new_check));
    const std::string target =
        replaced(set_channels, anchor,
                 anchor + "\tif (dev->ethtool_ops->rh_legacy_set_channels) {\n"
                          "\t\tret = dev->ethtool_ops->rh_legacy_set_channels(dev, &channels);\n"
                          "\t\treturn ret;\n"
                          "\t}\n\n");
    const auto r = place_on(file, target);
    ASSERT_EQ(r.hunks.size(), 1U);
    EXPECT_EQ(r.hunks[0].step, Step::Unplaced) << r.hunks[0].note;
    EXPECT_NE(r.hunks[0].note.find("relocation refused: 2 lines before the change would be "
                                   "'\\t}', not '\\t\\treturn -EFAULT;'"),
              std::string::npos)
        << r.hunks[0].note;
    EXPECT_EQ(r.content, target);
}

// The start of a file: a comment line deleted under the SPDX line, which
// the target lacks.
TEST(RebasePlace, a_deletion_at_the_start_of_a_file_without_its_spdx_line_is_carried) {
    const std::string base = "// SPDX-License-Identifier: GPL-2.0-only\n/*\n *\n"
                             " * Copyright (C) 2011 Novell Inc.\n */\n\n#include <linux/fs.h>\n"
                             "#include <linux/namei.h>\n";
    const auto file = git_diff(base, replaced(base, "/*\n *\n", "/*\n"));
    const std::string target = base.substr(base.find('\n') + 1);
    const auto r = place_on(file, target);
    ASSERT_EQ(r.hunks.size(), 1U);
    EXPECT_EQ(r.hunks[0].step, Step::Fuzz) << r.hunks[0].note;
    EXPECT_NE(r.hunks[0].note.find("at the start of the file"), std::string::npos);
    EXPECT_EQ(r.content, replaced(target, "/*\n *\n", "/*\n"));
}

// A function that ends the file (the hunk's context runs to EOF), in a
// target where its outer context line changed.
TEST(RebasePlace, an_edit_in_the_function_that_ends_the_file_is_carried) {
    const std::string base = "int ovl_copy_up_with_data(struct dentry *dentry)\n{\n"
                             "\treturn ovl_copy_up_flags(dentry, O_WRONLY);\n}\n\n"
                             "int ovl_copy_up(struct dentry *dentry)\n{\n"
                             "\treturn ovl_copy_up_flags(dentry, 0);\n}\n";
    const auto file = git_diff(base, replaced(base, "\treturn ovl_copy_up_flags(dentry, 0);\n",
                                              "\treturn ovl_copy_up_flags(dentry, O_NOFOLLOW);\n"));
    const std::string target =
        replaced(base, "\n\nint ovl_copy_up(", "\n/* RHEL */\nint ovl_copy_up(");
    const auto r = place_on(file, target);
    ASSERT_EQ(r.hunks.size(), 1U);
    EXPECT_NE(r.hunks[0].step, Step::Unplaced) << r.hunks[0].note;
    EXPECT_EQ(r.content, replaced(target, "(dentry, 0);", "(dentry, O_NOFOLLOW);"));
}

// The same edit made in two functions: two hunks of identical text under
// different headings, each placed in its own function.
TEST(RebasePlace, the_same_edit_in_two_functions_goes_to_each_function) {
    const std::string block = "\tstruct ovl_fs *ofs = OVL_FS(dentry->d_sb);\n"
                              "\tconst struct cred *old_cred;\n"
                              "\tint res;\n"
                              "\n"
                              "\told_cred = ovl_override_creds(dentry->d_sb);\n"
                              "\tres = ovl_do_getxattr(ofs, dentry, name, value, size);\n"
                              "\trevert_creds(old_cred);\n"
                              "\treturn res;\n";
    const std::string base =
        "static int ovl_own_xattr_get(struct dentry *dentry, const char *name,\n"
        "\t\t\t     void *value, size_t size)\n{\n\tint unused;\n\n" +
        block +
        "}\n\nstatic int ovl_other_xattr_get(struct dentry *dentry, const char *name,\n"
        "\t\t\t       void *value, size_t size)\n{\n\tint unused;\n\n" +
        block + "}\n";
    const std::string from = "\told_cred = ovl_override_creds(dentry->d_sb);\n";
    const std::string to = "\told_cred = ovl_override_creds_light(dentry->d_sb);\n";
    std::string after = replaced(base, from, to);
    after = replaced(after, from, to);
    const auto file = git_diff(base, after);
    ASSERT_EQ(file.hunks.size(), 2U);
    const std::string target = "#include \"overlayfs.h\"\n\n" + base;
    const auto r = place_on(file, target);
    ASSERT_EQ(r.hunks.size(), 2U);
    EXPECT_EQ(r.hunks[0].step, Step::Offset) << r.hunks[0].note;
    EXPECT_EQ(r.hunks[1].step, Step::Offset) << r.hunks[1].note;
    EXPECT_EQ(r.content, "#include \"overlayfs.h\"\n\n" + after);
}

// rebase-bench's mm/memory-failure.c case: the hunk's heading is the label
// `retry:` of soft_offline_page(), and its exact text (`mutex_unlock(&mf_mutex);`,
// a blank, `return ret;`, `}`) also ends another function. Where the
// target changed soft_offline_page()'s tail, fuzz 0 found the other one
// 731 lines away. An offset placement stays under the label the heading
// names.
TEST(RebasePlace, an_offset_under_another_heading_than_the_label_the_hunk_names_is_not_made) {
    const std::string tail = "\tmutex_unlock(&mf_mutex);\n\n\treturn ret;\n}\n";
    const std::string first = "int unpoison_memory(unsigned long pfn)\n{\n\tint ret;\n\n"
                              "\tmutex_lock(&mf_mutex);\n\tret = unpoison(pfn);\n" +
                              tail;
    const std::string second_head = "int soft_offline_page(unsigned long pfn, int flags)\n{\n"
                                    "\tint ret;\n\n\tmutex_lock(&mf_mutex);\nretry:\n"
                                    "\tret = soft_offline_in_use_page(pfn);\n";
    const std::string base = first + "\n" + second_head + "\n" + tail;
    const std::string check = "\tif (!pfn)\n\t\treturn -EINVAL;\n";
    const auto file =
        git_diff(base, replaced(base, second_head + "\n" + tail,
                                second_head + "\n" + "\tmutex_unlock(&mf_mutex);\n\n" + check +
                                    "\treturn ret;\n}\n"));
    ASSERT_EQ(file.hunks.size(), 1U);
    ASSERT_NE(file.hunks[0].section.find("retry:"), std::string::npos) << file.hunks[0].section;
    // The target's soft_offline_page() ends otherwise: only the other
    // function's tail matches the hunk exactly.
    const std::string target = first + "\n" + second_head +
                               "\tput_ref_page(pfn, flags);\n\tmutex_unlock(&mf_mutex);\n" + check +
                               "\treturn ret;\n}\n";
    const auto r = place_on(file, target);
    ASSERT_EQ(r.hunks.size(), 1U);
    EXPECT_NE(r.hunks[0].step, Step::Offset) << r.hunks[0].note;
    EXPECT_EQ(r.content.find(first + "\n"), 0U) << "unpoison_memory() was changed";
}

// rebase-bench's fs/ext4/namei.c case: the same check inserted into
// ext4_create() and ext4_mknod(). The first hunk placed it in ext4_create();
// the second's context changed in the target, and the first hunk's copy,
// 60 lines above, was taken as evidence that the second was already applied:
// dropped. Lines an earlier hunk of the patch placed are no evidence.
TEST(RebasePlace, a_repeated_edit_is_not_already_applied_by_the_copy_an_earlier_hunk_placed) {
    const std::string body = "\tstruct inode *inode;\n\tint err;\n\n"
                             "\terr = dquot_initialize(dir);\n\tif (err)\n\t\treturn err;\n";
    const std::string check = "\tif (!dir)\n\t\treturn -EINVAL;\n";
    const std::string create =
        "static int ext4_create(struct inode *dir, struct dentry *dentry, umode_t mode)\n{\n" +
        body + "\tinode = ext4_new_inode_start_handle(dir, mode);\n\treturn 0;\n}\n";
    const std::string mknod =
        "static int ext4_mknod(struct inode *dir, struct dentry *dentry, dev_t rdev)\n{\n" + body +
        "\tinode = ext4_new_inode_start_handle(dir, S_IFCHR);\n\treturn 0;\n}\n";
    const std::string base = create + "\n" + mknod;
    std::string after = replaced(base, body, body + check);
    after = replaced(after, mknod, replaced(mknod, body, body + check));
    const auto file = git_diff(base, after);
    ASSERT_EQ(file.hunks.size(), 2U);
    // In the target, ext4_mknod() gained a line in the hunk's context.
    const std::string target =
        create + "\n" + replaced(mknod, "\tint err;\n", "\tint err;\n\tbool special;\n");
    const auto r = place_on(file, target);
    ASSERT_EQ(r.hunks.size(), 2U);
    EXPECT_NE(r.hunks[1].step, Step::AlreadyApplied) << r.hunks[1].note;
}

// Shape 1 for a deletion (rebase-bench's already-present class): the target
// already removed the line, and the lines around it differ from the hunk's
// context except the nearest ones. Its function holds those side by side and
// the removed line is nowhere: already applied. Where the target rewrote
// the line instead (a comment added), it is still there: never applied.
TEST(RebasePlace, a_deletion_made_under_other_context_is_already_applied_a_rewritten_line_is_not) {
    const std::string head =
        "static int ovl_set_upper_fh(struct ovl_fs *ofs, struct dentry *upper,\n"
        "\t\t\t    struct dentry *index)\n{\n";
    const std::string base =
        head + "\tconst struct ovl_fh *fh;\n\tint err;\n\n"
               "\tfh = ovl_encode_real_fh(ofs, upper, true);\n"
               "\tif (IS_ERR(fh))\n\t\treturn PTR_ERR(fh);\n\n"
               "\terr = ovl_setxattr(ofs, index, OVL_XATTR_UPPER, fh->buf, fh->fb.len);\n"
               "\tkfree(fh);\n\treturn err;\n}\n";
    const std::string gone =
        "\terr = ovl_setxattr(ofs, index, OVL_XATTR_UPPER, fh->buf, fh->fb.len);\n";
    const auto file = git_diff(base, replaced(base, gone, ""));
    ASSERT_EQ(file.hunks.size(), 1U);
    // The target: other lines above (a new declaration, another encoder
    // call), the line already gone.
    const std::string target = head + "\tconst struct ovl_fh *fh;\n\tint err = 0;\n\n"
                                      "\tfh = ovl_get_origin_fh(ofs, upper);\n"
                                      "\tif (IS_ERR(fh))\n\t\treturn PTR_ERR(fh);\n\n"
                                      "\tkfree(fh);\n\treturn err;\n}\n";
    auto r = place_on(file, target);
    ASSERT_EQ(r.hunks.size(), 1U);
    EXPECT_EQ(r.hunks[0].step, Step::AlreadyApplied) << r.hunks[0].note;
    EXPECT_EQ(r.content, target);
    // The line rewritten, not removed: the change is not there.
    const std::string rewritten =
        replaced(target, "\t\treturn PTR_ERR(fh);\n\n",
                 "\t\treturn PTR_ERR(fh);\n\n"
                 "\terr = ovl_setxattr(ofs, index, OVL_XATTR_UPPER, fh->buf, fh->fb.len, 0);\n");
    r = place_on(file, rewritten);
    EXPECT_NE(r.hunks[0].step, Step::AlreadyApplied) << r.hunks[0].note;
    EXPECT_EQ(r.content.find("fh->fb.len, 0);") == std::string::npos,
              r.hunks[0].step != Step::Unplaced)
        << r.hunks[0].note;
}
