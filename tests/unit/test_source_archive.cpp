#include "temp_dir.hpp"

#include <kseries/proc/run.hpp>
#include <kseries/source/archive.hpp>

#include <gtest/gtest.h>

#include <filesystem>

using namespace kseries;
using kseries::test::TempDir;

namespace {

// tar -czf of `top` inside `dir`, with the real tar.
std::filesystem::path make_tarball(const TempDir& dir, const std::string& name,
                                   const std::string& top, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{"tar"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.insert(argv.end(), {"-czf", name, top});
    auto r = proc::run({argv, dir.path(), {}});
    EXPECT_TRUE(r && r->ok()) << (r ? r->err : r.error().to_string());
    return dir.path() / name;
}

const source::WantedPaths wanted{"Makefile", "fs/overlayfs/super.c", "fs/overlayfs/gone.c"};

} // namespace

TEST(SourceArchive, keeps_only_the_wanted_files_under_the_top_directory) {
    TempDir t;
    t.write("linux-4.18.0-193.el8/Makefile", "VERSION = 4\n");
    t.write("linux-4.18.0-193.el8/fs/overlayfs/super.c", "super\n");
    t.write("linux-4.18.0-193.el8/fs/overlayfs/util.c", "util\n");
    const auto file = make_tarball(t, "linux.tar.gz", "linux-4.18.0-193.el8");
    auto tree = source::open_tarball(file, wanted);
    ASSERT_TRUE(tree) << tree.error().to_string();
    auto super = (*tree)->read("fs/overlayfs/super.c");
    ASSERT_TRUE(super && *super);
    EXPECT_EQ(**super, "super\n");
    auto gone = (*tree)->read("fs/overlayfs/gone.c");
    ASSERT_TRUE(gone);
    EXPECT_FALSE(gone->has_value()) << "wanted and absent: the file does not exist";
    auto util = (*tree)->read("fs/overlayfs/util.c");
    ASSERT_FALSE(util) << "not wanted: never loaded, never claimed missing";
    EXPECT_EQ(util.error().kind(), ErrorKind::Internal);
}

TEST(SourceArchive, refuses_members_that_leave_the_tree) {
    TempDir t;
    t.write("top/x", "x\n");
    const auto file = make_tarball(t, "evil.tar.gz", "top",
                                   {"-P", "--transform", "s,^top/x,top/../../x,"});
    auto tree = source::open_tarball(file, wanted);
    ASSERT_FALSE(tree);
    EXPECT_EQ(tree.error().kind(), ErrorKind::Unsafe);
    EXPECT_NE(tree.error().message().find("that leaves the tree"), std::string::npos)
        << tree.error().to_string();
}

TEST(SourceArchive, refuses_links_out_and_links_on_the_way) {
    TempDir t;
    std::filesystem::create_directories(t.path() / "top/fs");
    std::filesystem::create_symlink("/etc", t.path() / "top/fs/overlayfs");
    auto out = source::open_tarball(make_tarball(t, "out.tar.gz", "top"), wanted);
    ASSERT_FALSE(out);
    EXPECT_NE(out.error().message().find("pointing outside the tree"), std::string::npos);

    TempDir u;
    std::filesystem::create_directories(u.path() / "top/fs/real");
    u.write("top/fs/real/super.c", "via link\n");
    std::filesystem::create_symlink("real", u.path() / "top/fs/overlayfs");
    auto in = source::open_tarball(make_tarball(u, "in.tar.gz", "top"), wanted);
    ASSERT_TRUE(in) << in.error().to_string();
    auto r = (*in)->read("fs/overlayfs/super.c");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), ErrorKind::Unsafe);
}

TEST(SourceArchive, says_what_is_wrong_with_a_bad_file) {
    TempDir t;
    t.write("junk.tar.gz", "this is not an archive at all");
    auto junk = source::open_tarball(t.path() / "junk.tar.gz", wanted);
    ASSERT_FALSE(junk);
    EXPECT_EQ(junk.error().kind(), ErrorKind::Parse);
    auto missing = source::open_srpm(t.path() / "none.src.rpm", wanted);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().kind(), ErrorKind::NotFound);
}

// extract_srpm's rules are those of any archive libarchive reads; a real
// RPM cannot carry these members (rpmbuild copies what a link points to),
// so cpio and tar archives, made by the real tools, stand in for payloads.

TEST(SourceArchive, extract_srpm_unpacks_plain_files) {
    TempDir t;
    t.write("in/kernel.spec", "Name: kernel\n");
    t.write("in/linux.tar.xz", "tarball");
    auto r = proc::run({{"sh", "-c", "printf 'kernel.spec\\nlinux.tar.xz\\n' | cpio -o -H newc --quiet > ../ok.cpio"},
                        t.path() / "in",
                        {}});
    ASSERT_TRUE(r && r->ok());
    std::filesystem::create_directory(t.path() / "out");
    auto names = source::extract_srpm(t.path() / "ok.cpio", t.path() / "out", {1 << 20, 1 << 20});
    ASSERT_TRUE(names) << names.error().to_string();
    EXPECT_EQ(*names, (std::vector<std::string>{"kernel.spec", "linux.tar.xz"}));
    EXPECT_EQ(t.read("out/linux.tar.xz"), "tarball");
    // Too big for the budget: refused, naming the member.
    std::filesystem::remove_all(t.path() / "out");
    std::filesystem::create_directory(t.path() / "out");
    auto big = source::extract_srpm(t.path() / "ok.cpio", t.path() / "out", {15, 1 << 20});
    ASSERT_FALSE(big);
    EXPECT_EQ(big.error().kind(), ErrorKind::Unsafe);
    EXPECT_NE(big.error().message().find("member 'linux.tar.xz' claims 7 bytes, past the 15 bytes "
                                         "cap on the whole payload (--max-expanded-size"),
              std::string::npos)
        << big.error().to_string();
    // One member past the per-member cap: refused, naming the member and the option.
    std::filesystem::remove_all(t.path() / "out");
    std::filesystem::create_directory(t.path() / "out");
    auto member = source::extract_srpm(t.path() / "ok.cpio", t.path() / "out", {1 << 20, 10});
    ASSERT_FALSE(member);
    EXPECT_EQ(member.error().kind(), ErrorKind::Unsafe);
    EXPECT_NE(member.error().message().find("member 'kernel.spec' claims 13 bytes, past the 10 "
                                            "bytes per-member cap (--max-member-size"),
              std::string::npos)
        << member.error().to_string();
}

TEST(SourceArchive, extract_srpm_refuses_links_directories_and_dotdot) {
    TempDir t;
    t.write("in/sub/file", "x");
    std::filesystem::create_symlink("/etc/passwd", t.path() / "in" / "evil");
    std::filesystem::create_directory(t.path() / "out");
    for (const auto& [members, expect] :
         std::vector<std::pair<std::string, std::string>>{
             {"evil\\n", "not a regular file (a symbolic link to '/etc/passwd')"},
             {"sub/file\\n", "holds a member named 'sub/file'"},
             {"../in/sub/file\\n", "holds a member named '../in/sub/file'"}}) {
        auto r = proc::run({{"sh", "-c", "printf '" + members + "' | cpio -o -H newc --quiet > ../x.cpio"},
                            t.path() / "in",
                            {}});
        ASSERT_TRUE(r && r->ok()) << r->err;
        auto names = source::extract_srpm(t.path() / "x.cpio", t.path() / "out", {1 << 20, 1 << 20});
        ASSERT_FALSE(names) << members;
        EXPECT_EQ(names.error().kind(), ErrorKind::Unsafe);
        EXPECT_NE(names.error().message().find(expect), std::string::npos)
            << names.error().to_string();
        EXPECT_TRUE(std::filesystem::is_empty(t.path() / "out")) << members;
    }
    EXPECT_EQ(t.read("in/sub/file"), "x");
}
