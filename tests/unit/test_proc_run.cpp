// The system runner starts real programs: /bin/sh, true, false and cat.
#include <csignal>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <kseries/proc/run.hpp>

#include "temp_dir.hpp"

using namespace kseries;

namespace {

proc::Runner& runner() {
    return proc::system_runner();
}

TEST(ProcRun, ExitCodesOfTrueAndFalse) {
    auto ok = runner().run({{"true"}, {}, {}});
    ASSERT_TRUE(ok) << ok.error().message();
    EXPECT_TRUE(ok->ok());
    EXPECT_EQ(ok->status(), "exit code 0");
    auto bad = runner().run({{"false"}, {}, {}});
    ASSERT_TRUE(bad);
    EXPECT_FALSE(bad->ok());
    EXPECT_EQ(bad->exit_code, 1);
    EXPECT_EQ(bad->status(), "exit code 1");
}

TEST(ProcRun, StandardInputOutputAndErrorAreKeptApart) {
    auto r = runner().run({{"cat"}, {}, std::string("line one\nline two\n")});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->out, "line one\nline two\n");
    EXPECT_EQ(r->err, "");
    auto sh = runner().run({{"/bin/sh", "-c", "echo out; echo err >&2; exit 3"}, {}, {}});
    ASSERT_TRUE(sh);
    EXPECT_EQ(sh->out, "out\n");
    EXPECT_EQ(sh->err, "err\n");
    EXPECT_EQ(sh->exit_code, 3);
}

TEST(ProcRun, StdinIsClosedWhenNoInputIsGiven) {
    // cat reads end-of-file at once instead of waiting for a terminal.
    auto r = runner().run({{"cat"}, {}, {}});
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->ok());
    EXPECT_EQ(r->out, "");
}

TEST(ProcRun, RunsInTheGivenDirectory) {
    const test::TempDir dir;
    auto r = runner().run({{"/bin/sh", "-c", "pwd -P"}, dir.path(), {}});
    ASSERT_TRUE(r);
    EXPECT_EQ(r->out, std::filesystem::canonical(dir.path()).string() + "\n");
}

TEST(ProcRun, ASignalIsReportedAsTheSignal) {
    auto r = runner().run({{"/bin/sh", "-c", "kill -TERM $$"}, {}, {}});
    ASSERT_TRUE(r);
    EXPECT_FALSE(r->ok());
    EXPECT_EQ(r->signal, SIGTERM);
    EXPECT_EQ(r->status(), "signal 15");
}

TEST(ProcRun, AMissingProgramIsAToolError) {
    auto r = runner().run({{"kseries-no-such-program"}, {}, {}});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind(), ErrorKind::Tool);
    EXPECT_EQ(r.error().message(), "cannot run kseries-no-such-program: not found on PATH");
    auto empty = runner().run({{}, {}, {}});
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().kind(), ErrorKind::Internal);
}

TEST(ProcRun, StreamingMergesOutputAndErrorInOrder) {
    std::vector<std::string> lines;
    auto r = runner().run_streaming(
        {{"/bin/sh", "-c", "echo one; echo two >&2; echo three; exit 4"}, {}, {}},
        [&](std::string_view line) { lines.emplace_back(line); });
    ASSERT_TRUE(r);
    EXPECT_EQ(r->exit_code, 4);
    EXPECT_EQ(lines, (std::vector<std::string>{"one", "two", "three"}));
    EXPECT_TRUE(r->out.empty());
    auto with_input = runner().run_streaming({{"cat"}, {}, std::string("x")}, [](auto) {});
    ASSERT_FALSE(with_input);
    EXPECT_EQ(with_input.error().kind(), ErrorKind::Internal);
}

TEST(ProcRun, OnPathFindsProgramsByNameAndPath) {
    EXPECT_TRUE(runner().on_path("sh"));
    EXPECT_TRUE(runner().on_path("/bin/sh"));
    EXPECT_FALSE(runner().on_path("kseries-no-such-program"));
    EXPECT_FALSE(runner().on_path("/nonexistent/sh"));
}

TEST(ProcRun, DescribeQuotesWhatAShellWouldSplit) {
    EXPECT_EQ(proc::describe({"rpmbuild", "--define", "_topdir /a b", ""}),
              "rpmbuild --define '_topdir /a b' ''");
}

} // namespace

TEST(ProcRun, WatchedHandsOverEveryLineOfAProgramThatEnds) {
    std::vector<std::string> lines;
    const auto w = runner().run_watched(
        {{"sh", "-c", "echo one; echo two >&2; printf three; exit 3"}, {}, {}},
        [&](std::string_view l) {
            lines.emplace_back(l);
            return true;
        },
        std::chrono::seconds(30), {});
    ASSERT_TRUE(w) << w.error().message();
    EXPECT_EQ(w->ending, proc::Ending::Exited);
    EXPECT_EQ(w->result.exit_code, 3);
    EXPECT_EQ(lines, (std::vector<std::string>{"one", "two", "three"}));
}

TEST(ProcRun, WatchedStopsTheProgramAndWhatItStartedWhenAskedTo) {
    // The shell starts a sleeping child; both are in the program's process
    // group, so the stop reaches the child too and its pipe closes.
    const auto w = runner().run_watched(
        {{"sh", "-c", "echo ready; sleep 600 & wait"}, {}, {}},
        [](std::string_view l) { return l != "ready"; }, std::chrono::seconds(60), {});
    ASSERT_TRUE(w) << w.error().message();
    EXPECT_EQ(w->ending, proc::Ending::Stopped);
    EXPECT_EQ(w->result.signal, SIGTERM);
}

TEST(ProcRun, WatchedStopsAQuietProgramWhenAnotherThreadCancels) {
    // The program prints once and then nothing: only the stop token can end
    // it before the (long) timeout.
    std::stop_source cancel;
    std::jthread canceller;
    const auto w = runner().run_watched(
        {{"sh", "-c", "echo up; sleep 600 & wait"}, {}, {}},
        [&](std::string_view) {
            canceller = std::jthread([&cancel] { cancel.request_stop(); });
            return true;
        },
        std::chrono::seconds(600), cancel.get_token());
    ASSERT_TRUE(w) << w.error().message();
    EXPECT_EQ(w->ending, proc::Ending::Cancelled);
    EXPECT_EQ(w->result.signal, SIGTERM);
}

TEST(ProcRun, WatchedEndsAProgramThatOutlivesItsTimeout) {
    // The program ignores SIGTERM: SIGKILL ends it after the grace period.
    const auto w = runner().run_watched({{"sh", "-c", "trap '' TERM; echo up; sleep 600"}, {}, {}},
                               [](std::string_view) { return true; },
                               std::chrono::milliseconds(300), {});
    ASSERT_TRUE(w) << w.error().message();
    EXPECT_EQ(w->ending, proc::Ending::TimedOut);
    EXPECT_EQ(w->result.signal, SIGKILL);
}

TEST(ProcRun, WatchedRefusesStandardInputAndMissingPrograms) {
    const auto keep = [](std::string_view) { return true; };
    EXPECT_FALSE(
        runner().run_watched({{"cat"}, {}, std::string("x")}, keep, std::chrono::seconds(5), {}));
    const auto missing =
        runner().run_watched({{"kseries-no-such-program"}, {}, {}}, keep, std::chrono::seconds(5), {});
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().kind(), ErrorKind::Tool);
}
