// util/lock.cpp: one holder at a time, whether the other is another
// descriptor of this process or another process; a dead holder's lock is
// free again; waiting is announced once.
#include <atomic>
#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <signal.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include <gtest/gtest.h>

#include <kseries/util/lock.hpp>

#include "temp_dir.hpp"

using namespace kseries;
using kseries::test::TempDir;

namespace {

UniqueFd open_dir(const std::filesystem::path& dir) {
    return UniqueFd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
}

// Runs `body` in a child process; its exit status (or -signal).
template <typename F>
int in_child(F body) {
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::_exit(body());
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

} // namespace

TEST(UtilLock, a_second_lock_on_another_descriptor_fails_with_who_holds_it) {
    TempDir t;
    const auto dir = open_dir(t.path());
    auto first = lock_in(dir.get(), ".lock", LockWait::Fail, "the series store s");
    ASSERT_TRUE(first) << first.error().to_string();
    EXPECT_TRUE(std::filesystem::is_regular_file(t.path() / ".lock"));
    auto second = lock_in(dir.get(), ".lock", LockWait::Fail, "the series store s");
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().kind(), ErrorKind::Io);
    EXPECT_EQ(second.error().message(),
              "the series store s is locked by another kseries run (.lock)");
    // Closing the holder frees it; the lock file stays.
    *first = UniqueFd();
    EXPECT_TRUE(lock_in(dir.get(), ".lock", LockWait::Fail, "s"));
    EXPECT_TRUE(std::filesystem::exists(t.path() / ".lock"));
}

TEST(UtilLock, another_process_cannot_take_a_held_lock) {
    TempDir t;
    const auto dir = open_dir(t.path());
    auto held = lock_in(dir.get(), ".lock", LockWait::Fail, "s");
    ASSERT_TRUE(held);
    EXPECT_EQ(in_child([&] {
                  const auto d = open_dir(t.path());
                  auto l = lock_in(d.get(), ".lock", LockWait::Fail, "s");
                  return !l && l.error().message().find("is locked by another") != std::string::npos
                             ? 0
                             : 1;
              }),
              0);
    auto out = lock_directory(t.path(), LockWait::Fail, "the output directory o");
    ASSERT_TRUE(out);
    EXPECT_EQ(in_child([&] {
                  auto l = lock_directory(t.path(), LockWait::Fail, "the output directory o");
                  return l ? 1 : 0;
              }),
              0);
}

TEST(UtilLock, the_lock_of_a_killed_holder_is_free_again) {
    TempDir t;
    int ready[2];
    ASSERT_EQ(::pipe(ready), 0);
    const pid_t pid = ::fork();
    if (pid == 0) {
        const auto d = open_dir(t.path());
        auto l = lock_in(d.get(), ".lock", LockWait::Fail, "s");
        const char c = l ? 'y' : 'n';
        (void)!::write(ready[1], &c, 1);
        ::pause();
        ::_exit(0);
    }
    ::close(ready[1]);
    char c = 0;
    ASSERT_EQ(::read(ready[0], &c, 1), 1);
    ::close(ready[0]);
    ASSERT_EQ(c, 'y');
    const auto dir = open_dir(t.path());
    EXPECT_FALSE(lock_in(dir.get(), ".lock", LockWait::Fail, "s"));
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    EXPECT_TRUE(lock_in(dir.get(), ".lock", LockWait::Fail, "s"));
}

TEST(UtilLock, waiting_is_announced_once_and_ends_when_the_holder_lets_go) {
    TempDir t;
    const auto dir = open_dir(t.path());
    auto held = lock_in(dir.get(), ".lock", LockWait::Wait, "s");
    ASSERT_TRUE(held);
    std::atomic<int> announced = 0;
    std::atomic<bool> got = false;
    std::thread waiter([&] {
        auto l = lock_in(dir.get(), ".lock", LockWait::Wait, "s", [&] { ++announced; });
        got = l.has_value();
    });
    while (announced == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    EXPECT_FALSE(got);
    *held = UniqueFd();
    waiter.join();
    EXPECT_TRUE(got);
    EXPECT_EQ(announced, 1);
    // A free lock is taken without announcing anything.
    TempDir other;
    const auto d2 = open_dir(other.path());
    bool called = false;
    EXPECT_TRUE(lock_in(d2.get(), ".lock", LockWait::Wait, "s", [&] { called = true; }));
    EXPECT_FALSE(called);
}

TEST(UtilLock, a_lock_file_is_never_created_through_a_link) {
    TempDir t;
    std::filesystem::create_directory(t.path() / "elsewhere");
    std::filesystem::create_symlink(t.path() / "elsewhere" / "target", t.path() / ".lock");
    const auto dir = open_dir(t.path());
    auto l = lock_in(dir.get(), ".lock", LockWait::Fail, "the series store s");
    ASSERT_FALSE(l);
    EXPECT_EQ(l.error().kind(), ErrorKind::Io);
    EXPECT_TRUE(
        l.error().message().starts_with("cannot create the lock .lock of the series store s: "))
        << l.error().message();
    EXPECT_FALSE(std::filesystem::exists(t.path() / "elsewhere" / "target"));
}

TEST(UtilLock, a_directory_lock_needs_a_directory) {
    TempDir t;
    t.write("file", "x");
    auto l = lock_directory(t.path() / "file", LockWait::Fail, "o");
    ASSERT_FALSE(l);
    EXPECT_TRUE(l.error().message().starts_with("cannot open " + (t.path() / "file").string() +
                                                " to lock it: "))
        << l.error().message();
}
