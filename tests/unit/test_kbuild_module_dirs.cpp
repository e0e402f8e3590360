// The module directories a patched tree changes, gathered from a real
// directory tree on disk.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include <kseries/kbuild/module_dirs.hpp>
#include <kseries/source/directory_tree.hpp>

#include "temp_dir.hpp"

using namespace kseries;
namespace fs = std::filesystem;

namespace {

// A kernel-shaped tree: fs/overlayfs builds a module, fs/ itself does not.
void write_tree(const test::TempDir& dir) {
    dir.write("fs/Makefile", "obj-y += open.o\n");
    dir.write("fs/open.c", "open\n");
    dir.write("fs/overlayfs/Makefile", "obj-$(CONFIG_OVERLAY_FS) += overlay.o\n");
    dir.write("fs/overlayfs/super.c", "old super\n");
    dir.write("fs/overlayfs/namei.c", "namei\n");
    dir.write("fs/overlayfs/.hidden", "dot files are files too\n");
}

TEST(KbuildModuleDirs, TheDirectoryWithTheChangesInPlace) {
    const test::TempDir dir;
    write_tree(dir);
    fs::create_symlink("/etc/passwd", dir.path() / "fs/overlayfs/link.c");
    auto tree = source::DirectoryTree::open(dir.path());
    ASSERT_TRUE(tree);
    auto dirs = kbuild::patched_module_dirs(
        **tree, dir.path(), {{"fs/overlayfs/super.c", source::make_content("new super\n")}});
    ASSERT_TRUE(dirs) << dirs.error().message();
    ASSERT_EQ(dirs->size(), 1U);
    const auto& files = dirs->at("fs/overlayfs");
    EXPECT_EQ(files.at("super.c"), "new super\n");
    EXPECT_EQ(files.at("namei.c"), "namei\n");
    EXPECT_FALSE(files.contains("link.c")) << "a symbolic link was followed";
    EXPECT_EQ(files.at("Makefile"),
              "obj-$(CONFIG_OVERLAY_FS) += overlay.o\n"
              "\n# kseries: the original directory, for relative includes\nccflags-y += -I" +
                  (fs::absolute(dir.path()) / "fs/overlayfs").string() + "\n");
    EXPECT_EQ(kbuild::module_options(*dirs), (std::vector<std::string>{"OVERLAY_FS"}));
}

TEST(KbuildModuleDirs, AChangeOutsideAModuleDirectoryIsRefused) {
    const test::TempDir dir;
    write_tree(dir);
    auto tree = source::DirectoryTree::open(dir.path());
    ASSERT_TRUE(tree);
    for (const std::string path : {"fs/open.c", "fs/none/x.c"}) {
        auto dirs =
            kbuild::patched_module_dirs(**tree, dir.path(), {{path, source::make_content("x\n")}});
        ASSERT_FALSE(dirs) << path;
        EXPECT_EQ(dirs.error().kind(), ErrorKind::Usage);
        EXPECT_NE(dirs.error().message().find(path + " is not a file of one"), std::string::npos);
    }
    // A deletion cannot be built either.
    auto deleted =
        kbuild::patched_module_dirs(**tree, dir.path(), {{"fs/overlayfs/namei.c", nullptr}});
    ASSERT_FALSE(deleted);
    EXPECT_EQ(deleted.error().kind(), ErrorKind::Usage);
}

TEST(KbuildModuleDirs, TwoDirectoriesAreTwoEntries) {
    const test::TempDir dir;
    write_tree(dir);
    dir.write("fs/fuse/Makefile", "obj-$(CONFIG_FUSE_FS) += fuse.o\n");
    dir.write("fs/fuse/dev.c", "dev\n");
    auto tree = source::DirectoryTree::open(dir.path());
    ASSERT_TRUE(tree);
    auto dirs = kbuild::patched_module_dirs(**tree, dir.path(),
                                            {{"fs/overlayfs/super.c", source::make_content("a\n")},
                                             {"fs/fuse/dev.c", source::make_content("b\n")}});
    ASSERT_TRUE(dirs);
    EXPECT_EQ(dirs->size(), 2U);
    EXPECT_EQ(kbuild::module_options(*dirs), (std::vector<std::string>{"FUSE_FS", "OVERLAY_FS"}));
}

} // namespace
