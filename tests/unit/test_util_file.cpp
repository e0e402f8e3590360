#include <csignal>
#include <filesystem>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

#include <kseries/util/file.hpp>

#include "temp_dir.hpp"

using namespace kseries;
namespace fs = std::filesystem;

TEST(WriteFileAtomic, creates_and_replaces_whole_files) {
    test::TempDir dir;
    const auto path = dir.path() / "report.html";
    ASSERT_TRUE(write_file_atomic(path, "first"));
    EXPECT_EQ(dir.read("report.html"), "first");
    ASSERT_TRUE(write_file_atomic(path, "second, longer"));
    EXPECT_EQ(dir.read("report.html"), "second, longer");
    // Nothing else is left in the directory: no temporary files.
    EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST(WriteFileAtomic, honours_the_umask) {
    test::TempDir dir;
    const mode_t old = ::umask(027);
    const auto written = write_file_atomic(dir.path() / "f", "x");
    ::umask(old);
    ASSERT_TRUE(written);
    EXPECT_EQ(fs::status(dir.path() / "f").permissions(),
              fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
}

TEST(WriteFileAtomic, replaces_a_symlink_instead_of_following_it) {
    test::TempDir dir;
    dir.write("target", "keep me");
    fs::create_symlink(dir.path() / "target", dir.path() / "link");
    ASSERT_TRUE(write_file_atomic(dir.path() / "link", "new"));
    EXPECT_EQ(dir.read("target"), "keep me");
    EXPECT_FALSE(fs::is_symlink(dir.path() / "link"));
    EXPECT_EQ(dir.read("link"), "new");
}

TEST(WriteFileAtomic, a_missing_directory_is_an_io_error_naming_it) {
    test::TempDir dir;
    const auto written = write_file_atomic(dir.path() / "no" / "f", "x");
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().kind(), ErrorKind::Io);
    EXPECT_NE(written.error().message().find((dir.path() / "no").string()), std::string::npos);
}

TEST(ReadRegularFile, refuses_a_fifo_without_blocking_naming_it) {
    test::TempDir dir;
    const auto fifo = dir.path() / "series";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    const auto text = read_regular_file(fifo); // a blocking open would hang here
    ASSERT_FALSE(text);
    EXPECT_EQ(text.error().kind(), ErrorKind::Unsafe);
    EXPECT_NE(text.error().to_string().find(fifo.string()), std::string::npos);
    EXPECT_NE(text.error().to_string().find("not a regular file"), std::string::npos);
}

TEST(WriteOutputFile, refuses_an_input_of_the_run_and_a_fifo) {
    test::TempDir dir;
    const auto input = dir.path() / "0001.patch";
    ASSERT_TRUE(write_file_atomic(input, "the patch"));
    ASSERT_TRUE(read_regular_file(input));
    const auto over_input = write_output_file(input, "the report");
    ASSERT_FALSE(over_input);
    EXPECT_NE(over_input.error().to_string().find("reads it as an input"), std::string::npos);
    EXPECT_EQ(dir.read("0001.patch"), "the patch");

    const auto fifo = dir.path() / "report";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    ASSERT_FALSE(write_output_file(fifo, "the report"));
    EXPECT_TRUE(fs::is_fifo(fs::symlink_status(fifo)));

    ASSERT_TRUE(write_output_file(dir.path() / "new.json", "{}"));
    EXPECT_EQ(dir.read("new.json"), "{}");
}

TEST(WriteFileAtomic, an_interrupt_mid_write_removes_the_temporary) {
    for (const int sig : {SIGINT, SIGTERM}) {
        test::TempDir dir;
        const pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            ::signal(sig, SIG_DFL);
            remove_temporaries_on_signal();
            // Large enough that the write is still going when the parent
            // sees the temporary and signals.
            const std::string big(std::size_t{256} << 20, 'x');
            (void)write_file_atomic(dir.path() / "report.html", big);
            ::_exit(0);
        }
        bool seen = false;
        for (int i = 0; i < 200000 && !seen; ++i) {
            for (const auto& e : fs::directory_iterator(dir.path())) {
                seen = seen || e.path().filename().string().starts_with(".report.html.kseries-");
            }
            if (!seen) {
                std::this_thread::sleep_for(std::chrono::microseconds(50));
            }
        }
        ASSERT_TRUE(seen) << "the temporary never appeared";
        ASSERT_EQ(::kill(child, sig), 0);
        int status = 0;
        ASSERT_EQ(::waitpid(child, &status, 0), child);
        ASSERT_TRUE(WIFSIGNALED(status)) << "the write finished before the signal came";
        EXPECT_EQ(WTERMSIG(status), sig) << "the handler re-raises the same signal";
        EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 0)
            << "a temporary was left behind";
    }
}
