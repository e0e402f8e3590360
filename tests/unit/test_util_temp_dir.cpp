// The library's TempDir: where it is made, when it goes, and who owns it
// after a move.
#include <filesystem>
#include <fstream>
#include <utility>

#include <gtest/gtest.h>

#include <kseries/util/temp_dir.hpp>

#include "temp_dir.hpp"

namespace fs = std::filesystem;
using kseries::ErrorKind;
using LibTempDir = kseries::TempDir;

namespace {

void fill(const fs::path& dir) {
    fs::create_directories(dir / "sub");
    std::ofstream(dir / "sub" / "file") << "x\n";
}

} // namespace

TEST(UtilTempDir, IsMadeUnderTheParentWithThePrefix) {
    kseries::test::TempDir parent;
    auto t = LibTempDir::create(parent.path(), ".v3.tmp-");
    ASSERT_TRUE(t) << t.error().to_string();
    EXPECT_EQ(t->path().parent_path(), parent.path());
    const std::string name = t->path().filename().string();
    EXPECT_TRUE(name.starts_with(".v3.tmp-")) << name;
    EXPECT_EQ(name.size(), std::string(".v3.tmp-").size() + 6);
    EXPECT_TRUE(fs::is_directory(t->path()));
    EXPECT_FALSE(t->kept());
}

TEST(UtilTempDir, AnEmptyParentIsTheSystemTemporaryDirectory) {
    auto t = LibTempDir::create({}, "kseries-unit-");
    ASSERT_TRUE(t) << t.error().to_string();
    EXPECT_EQ(t->path().parent_path(), fs::temp_directory_path());
    EXPECT_TRUE(fs::is_directory(t->path()));
}

TEST(UtilTempDir, IsRemovedWithItsContentOnDestruction) {
    kseries::test::TempDir parent;
    fs::path made;
    {
        auto t = LibTempDir::create(parent.path(), "w-");
        ASSERT_TRUE(t);
        made = t->path();
        fill(made);
    }
    EXPECT_FALSE(fs::exists(made));
    EXPECT_TRUE(fs::is_empty(parent.path()));
}

TEST(UtilTempDir, AKeptOneStays) {
    kseries::test::TempDir parent;
    fs::path made;
    {
        auto t = LibTempDir::create(parent.path(), "w-");
        ASSERT_TRUE(t);
        made = t->path();
        fill(made);
        t->keep();
        EXPECT_TRUE(t->kept());
        EXPECT_EQ(t->path(), made);
    }
    EXPECT_TRUE(fs::is_regular_file(made / "sub" / "file"));
}

TEST(UtilTempDir, AReleasedOneIsTheCallers) {
    kseries::test::TempDir parent;
    fs::path handed;
    {
        auto t = LibTempDir::create(parent.path(), "w-");
        ASSERT_TRUE(t);
        handed = t->release();
        EXPECT_EQ(handed, t->path());
    }
    EXPECT_TRUE(fs::is_directory(handed));
}

TEST(UtilTempDir, AStagingDirectoryRenamedAndKeptIsNotTouched) {
    // The store's and the workspace's pattern: staged, renamed into place,
    // kept; a directory made later at the old name is not the stage's.
    kseries::test::TempDir parent;
    fs::path stage;
    {
        auto t = LibTempDir::create(parent.path(), ".v1.tmp-");
        ASSERT_TRUE(t);
        stage = t->path();
        fill(stage);
        fs::rename(stage, parent.path() / "v1");
        t->keep();
        fs::create_directory(stage);
    }
    EXPECT_TRUE(fs::is_regular_file(parent.path() / "v1" / "sub" / "file"));
    EXPECT_TRUE(fs::is_directory(stage));
}

TEST(UtilTempDir, AMoveLeavesOneOwner) {
    kseries::test::TempDir parent;
    fs::path made;
    {
        auto t = LibTempDir::create(parent.path(), "w-");
        ASSERT_TRUE(t);
        made = t->path();
        {
            LibTempDir moved(std::move(*t));
            EXPECT_EQ(moved.path(), made);
            EXPECT_FALSE(moved.kept());
            EXPECT_TRUE(t->kept()); // the moved-from one owns nothing
        }
        EXPECT_FALSE(fs::exists(made)); // removed by the new owner, once
    }
    EXPECT_TRUE(fs::is_empty(parent.path()));
}

TEST(UtilTempDir, AMoveAssignmentRemovesWhatTheTargetHeld) {
    kseries::test::TempDir parent;
    auto a = LibTempDir::create(parent.path(), "a-");
    auto b = LibTempDir::create(parent.path(), "b-");
    ASSERT_TRUE(a && b);
    const fs::path first = a->path();
    const fs::path second = b->path();
    *a = std::move(*b);
    EXPECT_FALSE(fs::exists(first));
    EXPECT_EQ(a->path(), second);
    EXPECT_TRUE(fs::is_directory(second));
    EXPECT_TRUE(b->kept());
}

TEST(UtilTempDir, AMissingParentIsAnIoErrorNamingIt) {
    kseries::test::TempDir parent;
    const fs::path missing = parent.path() / "no" / "such";
    auto t = LibTempDir::create(missing, "w-");
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().kind(), ErrorKind::Io);
    EXPECT_EQ(t.error().message(), "cannot create a temporary directory in " + missing.string() +
                                       ": No such file or directory");
    EXPECT_FALSE(fs::exists(parent.path() / "no"));
}
