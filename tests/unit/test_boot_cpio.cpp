// The initramfs writer, read back by the real GNU cpio: its listing (names,
// modes, link targets, device numbers) and its extraction (file bytes).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include <kseries/boot/cpio.hpp>
#include <kseries/proc/run.hpp>

#include "temp_dir.hpp"

using namespace kseries;
namespace fs = std::filesystem;

namespace {

std::string read_bytes(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// A binary over 64 KiB, every byte value, no run of padding-like zeros.
std::string big_binary() {
    std::string s;
    for (std::size_t i = 0; i < 70001; ++i) {
        s += static_cast<char>((i * 131 + i / 256) % 256);
    }
    return s;
}

const std::string script = "#!/bin/sh\necho hello\n";
const std::string data = "key=value\n";

// The image of the test, its entries added in `forward` or reverse order.
boot::CpioImage sample_image(bool forward) {
    boot::CpioImage img;
    std::vector<std::function<Expected<void>()>> steps = {
        [&] { return img.add_directory("/bin"); },
        [&] { return img.add_directory("proc", 0555); },
        [&] { return img.add_file("/init", script, 0755); },
        [&] { return img.add_file("etc/exports", data, 0644); },
        [&] { return img.add_file("etc/empty", "", 0600); },
        [&] { return img.add_file("lib/modules/big.ko", big_binary(), 0644); },
        [&] { return img.add_symlink("bin/sh", "busybox"); },
        [&] { return img.add_char_device("dev/console", 5, 1); },
        [&] { return img.add_char_device("dev/null", 1, 3, 0666); },
    };
    if (!forward) {
        std::reverse(steps.begin(), steps.end());
    }
    for (const auto& step : steps) {
        const auto r = step();
        EXPECT_TRUE(r.has_value()) << r.error().to_string();
    }
    return img;
}

// `cpio -itv`'s lines, by the name at their end ("bin/sh -> busybox" by
// "bin/sh").
std::map<std::string, std::string> listing(const fs::path& archive) {
    const auto r = proc::run({{"cpio", "-itv", "-F", archive.string()}, {}, {}});
    EXPECT_TRUE(r.has_value());
    EXPECT_TRUE(r->ok()) << r->err;
    std::map<std::string, std::string> out;
    std::istringstream lines(r->out);
    for (std::string line; std::getline(lines, line);) {
        std::string name = line.substr(line.find(" 1970 ") + 6);
        if (const auto arrow = name.find(" -> "); arrow != std::string::npos) {
            name.resize(arrow);
        }
        out[name] = line;
    }
    return out;
}

} // namespace

TEST(BootCpio, real_cpio_lists_names_modes_links_and_devices) {
    test::TempDir tmp;
    const auto file = tmp.path() / "initramfs.cpio";
    const auto img = sample_image(true);
    ASSERT_TRUE(img.write(file).has_value());
    const auto l = listing(file);

    const std::vector<std::string> names = {
        "bin",         "bin/sh", "dev", "dev/console", "dev/null",           "etc", "etc/empty",
        "etc/exports", "init",   "lib", "lib/modules", "lib/modules/big.ko", "proc"};
    ASSERT_EQ(l.size(), names.size());
    for (const auto& n : names) {
        ASSERT_TRUE(l.contains(n)) << n;
    }
    EXPECT_TRUE(l.at("bin").starts_with("drwxr-xr-x   2 root     root ")) << l.at("bin");
    EXPECT_TRUE(l.at("lib/modules").starts_with("drwxr-xr-x   2 ")) << l.at("lib/modules");
    EXPECT_TRUE(l.at("proc").starts_with("dr-xr-xr-x   2 ")) << l.at("proc");
    EXPECT_TRUE(l.at("init").starts_with("-rwxr-xr-x   1 root     root ")) << l.at("init");
    EXPECT_TRUE(l.at("etc/exports").starts_with("-rw-r--r--   1 ")) << l.at("etc/exports");
    EXPECT_TRUE(l.at("etc/empty").starts_with("-rw-------   1 ")) << l.at("etc/empty");
    EXPECT_NE(l.at("lib/modules/big.ko").find(" 70001 "), std::string::npos);
    EXPECT_TRUE(l.at("bin/sh").starts_with("lrwxrwxrwx   1 ")) << l.at("bin/sh");
    EXPECT_TRUE(l.at("bin/sh").ends_with("bin/sh -> busybox")) << l.at("bin/sh");
    EXPECT_TRUE(l.at("dev/console").starts_with("crw-------   1 ")) << l.at("dev/console");
    EXPECT_NE(l.at("dev/console").find(" 5,   1 "), std::string::npos) << l.at("dev/console");
    EXPECT_TRUE(l.at("dev/null").starts_with("crw-rw-rw-   1 ")) << l.at("dev/null");
    EXPECT_NE(l.at("dev/null").find(" 1,   3 "), std::string::npos) << l.at("dev/null");
}

TEST(BootCpio, real_cpio_extracts_the_same_bytes) {
    test::TempDir tmp;
    const auto file = tmp.path() / "initramfs.cpio";
    ASSERT_TRUE(sample_image(true).write(file).has_value());
    const auto out = tmp.path() / "x";
    fs::create_directory(out);
    // Making device nodes needs CAP_MKNOD: as root they are extracted and
    // checked, otherwise left out (-f 'dev/*'; the listing checks them).
    const bool root = ::geteuid() == 0;
    std::vector<std::string> argv = {"cpio", "-idm", "--no-absolute-filenames", "-F",
                                     file.string()};
    if (!root) {
        argv.insert(argv.end(), {"-f", "dev/*"});
    }
    const auto r = proc::run({argv, out, {}});
    ASSERT_TRUE(r.has_value());
    ASSERT_TRUE(r->ok()) << r->err;
    EXPECT_EQ(read_bytes(out / "init"), script);
    EXPECT_EQ(read_bytes(out / "etc/exports"), data);
    EXPECT_EQ(read_bytes(out / "etc/empty"), "");
    EXPECT_EQ(read_bytes(out / "lib/modules/big.ko"), big_binary());
    EXPECT_EQ(fs::read_symlink(out / "bin/sh"), "busybox");
    EXPECT_EQ(fs::status(out / "init").permissions() & fs::perms::all,
              static_cast<fs::perms>(0755));
    EXPECT_EQ(fs::status(out / "proc").permissions() & fs::perms::all,
              static_cast<fs::perms>(0555));
    if (root) {
        struct stat st {};
        ASSERT_EQ(::lstat((out / "dev/console").c_str(), &st), 0);
        EXPECT_TRUE(S_ISCHR(st.st_mode));
        EXPECT_EQ(major(st.st_rdev), 5u);
        EXPECT_EQ(minor(st.st_rdev), 1u);
        ASSERT_EQ(::lstat((out / "dev/null").c_str(), &st), 0);
        EXPECT_EQ(major(st.st_rdev), 1u);
        EXPECT_EQ(minor(st.st_rdev), 3u);
    } else {
        EXPECT_FALSE(fs::exists(out / "dev/console"));
    }
}

TEST(BootCpio, same_entries_in_another_order_give_the_same_bytes) {
    const auto a = sample_image(true).bytes();
    const auto b = sample_image(false).bytes();
    EXPECT_EQ(a, b);
    // The layout the kernel reads: the first header, the trailer last, and
    // every header and data start on a 4-byte boundary (total too).
    EXPECT_TRUE(a.starts_with("070701"));
    EXPECT_EQ(a.size() % 4, 0u);
    const auto trailer = a.rfind("TRAILER!!!");
    ASSERT_NE(trailer, std::string::npos);
    EXPECT_EQ(a.substr(trailer - 110, 6), "070701");
    EXPECT_EQ(a.substr(trailer - 110 + 94, 8), "0000000B"); // namesize with the NUL
}

TEST(BootCpio, refuses_paths_that_are_not_plain) {
    boot::CpioImage img;
    for (const std::string bad : {"../x", "a/../b", "", "/", "a//b", "a/./b", "a/", "//a", "."}) {
        const auto r = img.add_file(bad, "x");
        ASSERT_FALSE(r.has_value()) << bad;
        EXPECT_EQ(r.error().kind(), ErrorKind::Usage) << bad;
    }
    EXPECT_EQ(img.entries(), 0u);
    const auto nul = img.add_file(std::string("a\0b", 3), "x");
    ASSERT_FALSE(nul.has_value());
    EXPECT_FALSE(img.add_symlink("l", "").has_value());
    EXPECT_FALSE(img.add_file("f", "x", 0100644).has_value()); // type bits are ours
    EXPECT_EQ(img.entries(), 0u);
}

TEST(BootCpio, refuses_a_path_added_twice_but_merges_directories) {
    boot::CpioImage img;
    ASSERT_TRUE(img.add_file("etc/passwd", "root:x:0:0::/:/bin/sh\n").has_value());
    const auto again = img.add_file("/etc/passwd", "other");
    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().kind(), ErrorKind::Usage);
    EXPECT_NE(again.error().message().find("etc/passwd is added twice"), std::string::npos)
        << again.error().message();
    EXPECT_FALSE(img.add_symlink("etc/passwd", "x").has_value());
    EXPECT_FALSE(img.add_directory("etc/passwd").has_value());
    // Under a file nothing can go.
    const auto under = img.add_file("etc/passwd/x", "");
    ASSERT_FALSE(under.has_value());
    EXPECT_EQ(under.error().kind(), ErrorKind::Usage);
    // "etc" was made as a parent; adding it again keeps the first.
    EXPECT_TRUE(img.add_directory("etc", 0700).has_value());
    EXPECT_TRUE(img.contains("/etc"));
    EXPECT_TRUE(img.contains("etc/passwd"));
    EXPECT_EQ(img.entries(), 2u);
    const auto bytes = img.bytes();
    EXPECT_NE(bytes.find("000041ED"), std::string::npos); // etc stays 040755
    EXPECT_EQ(bytes.find("000041C0"), std::string::npos); // not 040700
}
