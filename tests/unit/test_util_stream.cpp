#include <fcntl.h>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>

#include <kseries/util/stream.hpp>

#include "temp_dir.hpp"

using namespace kseries;

TEST(StreamDescriptor, names_standard_input_and_descriptor_paths_only) {
    EXPECT_EQ(stream_descriptor("-"), 0);
    EXPECT_EQ(stream_descriptor("/dev/stdin"), 0);
    EXPECT_EQ(stream_descriptor("/dev/fd/63"), 63);
    EXPECT_EQ(stream_descriptor("/proc/self/fd/5"), 5);
    EXPECT_EQ(stream_descriptor("/dev/fd/"), std::nullopt);
    EXPECT_EQ(stream_descriptor("/dev/fd/6x"), std::nullopt);
    EXPECT_EQ(stream_descriptor("/dev/fd/-1"), std::nullopt);
    EXPECT_EQ(stream_descriptor("fix.patch"), std::nullopt);
    EXPECT_EQ(stream_descriptor("/dev/fd/99999999999"), std::nullopt);
}

namespace {

// A pipe holding `data`, its writer closed: what bash's <(...) hands over.
struct FilledPipe {
    int read_end = -1;
    explicit FilledPipe(const std::string& data) {
        int fds[2];
        EXPECT_EQ(::pipe(fds), 0);
        EXPECT_EQ(::write(fds[1], data.data(), data.size()), static_cast<ssize_t>(data.size()));
        ::close(fds[1]);
        read_end = fds[0];
    }
    FilledPipe(const FilledPipe&) = delete;
    FilledPipe& operator=(const FilledPipe&) = delete;
    ~FilledPipe() { ::close(read_end); }
    [[nodiscard]] std::string path() const { return "/dev/fd/" + std::to_string(read_end); }
};

} // namespace

TEST(ReadStream, reads_a_pipe_to_its_end) {
    const FilledPipe p("--- a/f\n+++ b/f\n");
    const auto text = read_stream(p.path(), 1024, "test cap");
    ASSERT_TRUE(text) << text.error().to_string();
    EXPECT_EQ(*text, "--- a/f\n+++ b/f\n");
}

TEST(ReadStream, refuses_a_pipe_past_the_cap_naming_it) {
    const FilledPipe p(std::string(100, 'x'));
    const auto text = read_stream(p.path(), 99, "99 bytes cap (--max-member-size to raise it)");
    ASSERT_FALSE(text);
    EXPECT_EQ(text.error().kind(), ErrorKind::Unsafe);
    EXPECT_NE(text.error().message().find(p.path()), std::string::npos) << text.error().message();
    EXPECT_NE(text.error().message().find("--max-member-size"), std::string::npos);
    // Exactly the cap is still read.
    const FilledPipe q(std::string(99, 'x'));
    EXPECT_TRUE(read_stream(q.path(), 99, "cap"));
}

TEST(ReadStream, refuses_a_directory_and_a_closed_descriptor) {
    test::TempDir dir;
    const int fd = ::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    const auto text = read_stream("/dev/fd/" + std::to_string(fd), 1024, "cap");
    ::close(fd);
    ASSERT_FALSE(text);
    EXPECT_EQ(text.error().kind(), ErrorKind::Unsafe);
    EXPECT_NE(text.error().message().find("not a pipe or a regular file"), std::string::npos);
    const auto closed = read_stream("/dev/fd/" + std::to_string(fd), 1024, "cap");
    ASSERT_FALSE(closed);
    EXPECT_EQ(closed.error().kind(), ErrorKind::Io);
}

TEST(ReadStream, reads_a_regular_file_redirected_in) {
    test::TempDir dir;
    dir.write("p.patch", "patch text\n");
    const int fd = ::open((dir.path() / "p.patch").c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    const auto text = read_stream("/proc/self/fd/" + std::to_string(fd), 1024, "cap");
    ::close(fd);
    ASSERT_TRUE(text) << text.error().to_string();
    EXPECT_EQ(*text, "patch text\n");
}
