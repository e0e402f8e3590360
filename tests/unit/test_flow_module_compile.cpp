// flow/module_compile.hpp where no kernel build is needed: which trees are
// whole kernel trees, the temporary work directory, and the changes that
// are refused before anything is prepared or built (tests/kbuild/
// test_verify_compile.sh builds real modules).
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <kseries/flow/module_compile.hpp>
#include <kseries/source/directory_tree.hpp>

#include "temp_dir.hpp"

using namespace kseries;
namespace fs = std::filesystem;

namespace {

// The three things the kernel's build system needs at the top of a tree.
void whole_kernel(const test::TempDir& dir) {
    dir.write("Makefile", "VERSION = 6\n");
    dir.write("Kconfig", "mainmenu \"Linux\"\n");
    fs::create_directories(dir.path() / "scripts");
}

std::unique_ptr<source::DirectoryTree> open(const test::TempDir& dir) {
    auto tree = source::DirectoryTree::open(dir.path());
    EXPECT_TRUE(tree) << tree.error().to_string();
    return std::move(*tree);
}

} // namespace

TEST(FlowModuleCompile, AWholeKernelTreeIsItsAbsoluteRoot) {
    test::TempDir dir;
    whole_kernel(dir);
    const auto tree = open(dir);
    const auto root = flow::full_kernel_tree(*tree);
    ASSERT_TRUE(root);
    EXPECT_TRUE(root->is_absolute());
    EXPECT_TRUE(fs::equivalent(*root, dir.path()));
}

TEST(FlowModuleCompile, ATreeWithoutKconfigOrScriptsIsNotAWholeKernel) {
    test::TempDir no_kconfig;
    no_kconfig.write("Makefile", "VERSION = 6\n");
    fs::create_directories(no_kconfig.path() / "scripts");
    EXPECT_FALSE(flow::full_kernel_tree(*open(no_kconfig)));

    test::TempDir no_scripts;
    no_scripts.write("Makefile", "VERSION = 6\n");
    no_scripts.write("Kconfig", "\n");
    EXPECT_FALSE(flow::full_kernel_tree(*open(no_scripts)));
}

TEST(FlowModuleCompile, ATreeNotOnDiskIsNotAWholeKernel) {
    test::TempDir dir;
    whole_kernel(dir);
    auto disk = open(dir);
    source::OverlayTree overlay(*disk); // as a git ref or an archive would be: no directory
    EXPECT_FALSE(flow::full_kernel_tree(overlay));
}

TEST(FlowModuleCompile, AChangeOutsideAModuleDirectoryIsRefusedBeforeBuilding) {
    test::TempDir dir;
    whole_kernel(dir);
    dir.write("include/linux/fs.h", "old\n");
    test::TempDir work;
    auto tree = open(dir);
    const auto built = flow::compile_modules(
        *tree, dir.path(), {{"include/linux/fs.h", source::make_content("new\n")}}, work.path(), 1);
    ASSERT_FALSE(built);
    EXPECT_EQ(built.error().kind(), ErrorKind::Usage);
    EXPECT_NE(built.error().message().find("only module directories are built; "
                                           "include/linux/fs.h is not a file of one"),
              std::string::npos)
        << built.error().message();
    EXPECT_TRUE(fs::is_empty(work.path())); // nothing prepared, no build.log
}

TEST(FlowModuleCompile, ADeletionIsRefusedBeforeBuilding) {
    test::TempDir dir;
    whole_kernel(dir);
    dir.write("fs/overlayfs/Makefile", "obj-$(CONFIG_OVERLAY_FS) += overlay.o\n");
    dir.write("fs/overlayfs/namei.c", "old\n");
    test::TempDir work;
    auto tree = open(dir);
    const auto built = flow::compile_modules(*tree, dir.path(), {{"fs/overlayfs/namei.c", nullptr}},
                                             work.path(), 1);
    ASSERT_FALSE(built);
    EXPECT_EQ(built.error().kind(), ErrorKind::Usage);
    EXPECT_TRUE(fs::is_empty(work.path()));
}
