#include <filesystem>

#include <gtest/gtest.h>

#include <kseries/flow/target.hpp>
#include <kseries/proc/run.hpp>

#include "temp_dir.hpp"

using namespace kseries;
using kseries::test::TempDir;

namespace {

const source::WantedPaths wanted{"Makefile", "Makefile.rhelver", "fs/f.c"};

// A kernel tree at `dir` in `d`: an el8 release by its Makefiles.
void write_tree(const TempDir& d, const std::string& dir) {
    d.write(dir + "/Makefile", "VERSION = 4\nPATCHLEVEL = 18\nSUBLEVEL = 0\n");
    d.write(dir + "/Makefile.rhelver", "RHEL_MAJOR = 8\nRHEL_MINOR = 2\nRHEL_RELEASE = 193\n");
    d.write(dir + "/fs/f.c", "int f;\n");
}

void run(const TempDir& d, std::vector<std::string> args) {
    auto r = proc::run({args, d.path(), {}});
    ASSERT_TRUE(r && r->ok()) << proc::describe(args) << ": " << (r ? r->err : "");
}

std::string read(source::SourceTree& tree, const char* path) {
    auto r = tree.read(path);
    EXPECT_TRUE(r) << r.error().to_string();
    return r && *r ? **r : std::string("<none>");
}

} // namespace

TEST(FlowTarget, a_directory_is_named_by_its_makefiles) {
    TempDir d;
    write_tree(d, "t");
    auto t = flow::open_target((d.path() / "t").string(), wanted);
    ASSERT_TRUE(t) << t.error().to_string();
    ASSERT_TRUE(t->release);
    EXPECT_TRUE(t->release->origin == kernel::ReleaseOrigin::MakefileRhelver ||
                t->release->origin == kernel::ReleaseOrigin::MakefileCatalog);
    EXPECT_TRUE(t->release->release.name().starts_with("4.18.0-193")) << t->release->release.name();
    EXPECT_FALSE(t->spec_policy);
    EXPECT_EQ(read(*t->tree, "fs/f.c"), "int f;\n");
}

TEST(FlowTarget, a_release_given_wins_over_the_makefiles) {
    TempDir d;
    write_tree(d, "t");
    auto t = flow::open_target("4.18.0-193.28.1.el8_2=" + (d.path() / "t").string(), wanted);
    ASSERT_TRUE(t) << t.error().to_string();
    EXPECT_EQ(t->release->origin, kernel::ReleaseOrigin::Given);
    EXPECT_EQ(t->release->release.name(), "4.18.0-193.28.1.el8_2");
}

TEST(FlowTarget, a_git_ref_is_read_without_a_checkout_and_named_by_the_ref) {
    TempDir d;
    write_tree(d, "repo");
    run(d, {"git", "-C", "repo", "init", "-q"});
    run(d, {"git", "-C", "repo", "add", "-A"});
    run(d, {"git", "-C", "repo", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit",
            "-qm", "one"});
    run(d, {"git", "-C", "repo", "tag", "kernel-4.18.0-193.el8"});
    d.write("repo/fs/f.c", "int changed_in_the_worktree;\n");
    auto t = flow::open_target((d.path() / "repo").string() + "@kernel-4.18.0-193.el8", wanted);
    ASSERT_TRUE(t) << t.error().to_string();
    EXPECT_EQ(t->release->origin, kernel::ReleaseOrigin::GitRef);
    EXPECT_EQ(t->release->release.name(), "4.18.0-193.el8");
    EXPECT_EQ(read(*t->tree, "fs/f.c"), "int f;\n");
    // A pattern naming no ref (or many) is refused.
    auto none = flow::open_target((d.path() / "repo").string() + "@kernel-9*", wanted);
    ASSERT_FALSE(none);
    EXPECT_NE(none.error().message().find("kernel-9*"), std::string::npos)
        << none.error().message();
}

TEST(FlowTarget, a_tarball_is_named_by_its_file_name) {
    TempDir d;
    write_tree(d, "linux-4.18.0-193.el8");
    run(d, {"tar", "-cJf", "linux-4.18.0-193.el8.tar.xz", "linux-4.18.0-193.el8"});
    auto t = flow::open_target((d.path() / "linux-4.18.0-193.el8.tar.xz").string(), wanted);
    ASSERT_TRUE(t) << t.error().to_string();
    EXPECT_EQ(t->release->origin, kernel::ReleaseOrigin::TarballName);
    EXPECT_EQ(t->release->release.name(), "4.18.0-193.el8");
    EXPECT_EQ(read(*t->tree, "fs/f.c"), "int f;\n");
}

TEST(FlowTarget, bad_specs_are_refused_with_what_is_wrong) {
    TempDir d;
    auto bad_release = flow::open_target("not-a-release=" + d.path().string(), wanted);
    ASSERT_FALSE(bad_release);
    EXPECT_EQ(bad_release.error().kind(), ErrorKind::Usage);
    EXPECT_NE(bad_release.error().message().find(
                  "'not-a-release' is not a kernel release like 4.18.0-193.el8"),
              std::string::npos);
    auto missing = flow::open_target((d.path() / "no-such-dir").string(), wanted);
    ASSERT_FALSE(missing);
    auto bad_srpm = flow::open_target((d.path() / "kernel.src.rpm").string(), wanted);
    ASSERT_FALSE(bad_srpm);
}

TEST(FlowTarget, absolute_source_keeps_the_release_and_the_ref) {
    TempDir d;
    write_tree(d, "repo");
    const auto cwd = std::filesystem::current_path();
    std::filesystem::current_path(d.path());
    EXPECT_EQ(flow::absolute_source("4.18.0-193.el8=repo/"),
              "4.18.0-193.el8=" + (d.path() / "repo").string());
    EXPECT_EQ(flow::absolute_source("repo@v1"), (d.path() / "repo").string() + "@v1");
    EXPECT_EQ(flow::absolute_source(""), "");
    std::filesystem::current_path(cwd);
}
