#include <gtest/gtest.h>

#include <kseries/rebase/c_function.hpp>

using kseries::rebase::defined_function;

TEST(CFunction, defined_function_names_what_a_definition_or_heading_line_defines) {
    // git's `@@` headings are such lines, cut after the first parameter.
    EXPECT_EQ(defined_function("static int ovl_dentry_revalidate_common(struct dentry *dentry,"),
              "ovl_dentry_revalidate_common");
    EXPECT_EQ(
        defined_function("int ovl_copy_xattr(struct super_block *sb, const struct path *oldpath,"),
        "ovl_copy_xattr");
    EXPECT_EQ(defined_function("static struct dentry *ovl_d_real (struct dentry *dentry,"),
              "ovl_d_real");
    // Not definitions: a struct, nothing, a declaration, a statement.
    EXPECT_EQ(defined_function("struct ovl_fs {"), std::nullopt);
    EXPECT_EQ(defined_function(""), std::nullopt);
    EXPECT_EQ(defined_function("int ovl_want_write(struct dentry *dentry);"), std::nullopt);
    EXPECT_EQ(defined_function("\tif (ret < 0)"), std::nullopt);
}
