// What the placement tests share: a patch text parsed in one call, and a
// fixture edited in one call that fails the test when the text to edit is
// not there (else it would silently test the unedited fixture).
#pragma once

#include <string>

#include <gtest/gtest.h>

#include <kseries/patch/parser.hpp>
#include <kseries/rebase/guards.hpp>
#include <kseries/util/text.hpp>

namespace kseries::test {

// The first file of a patch text.
inline patch::FilePatch file_patch(const std::string& text) {
    auto p = patch::parse(text, "t.patch");
    EXPECT_TRUE(p) << p.error().message();
    return p->files.at(0);
}

// `s` with the first `from` replaced by `to`.
inline std::string replaced(std::string s, const std::string& from, const std::string& to) {
    const auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return s.replace(at, from.size(), to);
}

// A file's lines, as the guards take them.
inline rebase::Lines lines_of(std::string_view s) {
    rebase::Lines out;
    for (const auto l : text::split_lines(s)) {
        out.emplace_back(l);
    }
    return out;
}

// The one hunk of a patch of f.c.
inline patch::Hunk hunk_of(const std::string& hunk) {
    return file_patch("--- a/f.c\n+++ b/f.c\n" + hunk).hunks.at(0);
}

// A kernel-style function the guard tests change.
inline const std::string ovl_check_function = "static int ovl_check(struct inode *inode)\n"
                                              "{\n"
                                              "\tstruct ovl_fs *ofs = OVL_FS(inode->i_sb);\n"
                                              "\n"
                                              "\tif (!ofs->upper_mnt)\n"
                                              "\t\treturn -EROFS;\n"
                                              "\treturn ovl_upper(ofs);\n"
                                              "}\n";

} // namespace kseries::test
