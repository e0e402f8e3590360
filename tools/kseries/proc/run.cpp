#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <future>
#include <istream>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/process.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <kseries/proc/run.hpp>

namespace kseries::proc {

namespace bp = boost::process;

namespace {

// What run and run_streaming share before the program starts: the
// executable looked up on PATH, its arguments and its directory.
struct Launch {
    boost::filesystem::path exe;
    std::vector<std::string> args;
    boost::filesystem::path cwd;
};

Expected<Launch> prepare(const Command& command) {
    if (command.argv.empty()) {
        return fail(ErrorKind::Internal, "run: empty command");
    }
    spdlog::debug("running: {}{}", describe(command.argv),
                  command.cwd.empty() ? "" : fmt::format(" (in {})", command.cwd.string()));
    const std::string& name = command.argv.front();
    Launch launch;
    launch.exe =
        name.find('/') != std::string::npos ? boost::filesystem::path(name) : bp::search_path(name);
    if (launch.exe.empty()) {
        return fail(ErrorKind::Tool, fmt::format("cannot run {}: not found on PATH", name));
    }
    launch.args.assign(command.argv.begin() + 1, command.argv.end());
    launch.cwd = command.cwd.empty() ? boost::filesystem::current_path()
                                     : boost::filesystem::path(command.cwd.string());
    return launch;
}

// Waits for the child and splits its wait status into exit code and signal.
Expected<Result> finish(bp::child& child, const std::string& name) {
    std::error_code ec;
    child.wait(ec);
    if (ec) {
        return fail(ErrorKind::Tool, fmt::format("waiting for {} failed: {}", name, ec.message()));
    }
    Result result;
    const int status = child.native_exit_code();
    if (WIFSIGNALED(status)) {
        result.signal = WTERMSIG(status);
    } else {
        result.exit_code = WEXITSTATUS(status);
    }
    spdlog::debug("{} ended with {}", name, result.status());
    return result;
}

} // namespace

std::string Result::status() const {
    return signal != 0 ? fmt::format("signal {}", signal) : fmt::format("exit code {}", exit_code);
}

std::string describe(const std::vector<std::string>& argv) {
    std::string out;
    for (const auto& arg : argv) {
        if (!out.empty()) {
            out += ' ';
        }
        const bool plain = !arg.empty() && arg.find_first_of(" \t\n'\"\\$`*?") == std::string::npos;
        out += plain ? arg : fmt::format("'{}'", arg);
    }
    return out;
}

bool on_path(const std::string& name) {
    if (name.find('/') != std::string::npos) {
        return ::access(name.c_str(), X_OK) == 0;
    }
    return !bp::search_path(name).empty();
}

Expected<Result> run(const Command& command) {
    const auto launch = KSERIES_TRY(prepare(command));
    const std::string& name = command.argv.front();
    boost::asio::io_context io;
    std::future<std::string> out;
    std::future<std::string> err;
    std::error_code ec;
    const std::string input = command.input.value_or(std::string{});
    bp::child child(launch.exe, bp::args(launch.args), bp::start_dir(launch.cwd),
                    bp::std_out > out, bp::std_err > err, bp::std_in < boost::asio::buffer(input),
                    io, ec);
    if (ec) {
        return fail(ErrorKind::Tool, fmt::format("cannot run {}: {}", name, ec.message()));
    }
    io.run();
    auto result = finish(child, name);
    if (result) {
        result->out = out.get();
        result->err = err.get();
    }
    return result;
}

Expected<Result> run_streaming(const Command& command,
                               const std::function<void(std::string_view)>& on_line) {
    if (command.input) {
        return fail(ErrorKind::Internal, "run_streaming: standard input is not supported");
    }
    const auto launch = KSERIES_TRY(prepare(command));
    const std::string& name = command.argv.front();
    bp::ipstream output;
    std::error_code ec;
    bp::child child(launch.exe, bp::args(launch.args), bp::start_dir(launch.cwd),
                    (bp::std_out & bp::std_err) > output, bp::std_in < bp::null, ec);
    if (ec) {
        return fail(ErrorKind::Tool, fmt::format("cannot run {}: {}", name, ec.message()));
    }
    std::string line;
    while (std::getline(output, line)) {
        on_line(line);
    }
    return finish(child, name);
}

namespace {

using WatchClock = std::chrono::steady_clock;

// Hands each complete line of `pending` to on_line; false when it asked
// to stop.
bool deliver_lines(std::string& pending, const std::function<bool(std::string_view)>& on_line) {
    std::size_t start = 0;
    bool go_on = true;
    for (std::size_t nl = pending.find('\n'); go_on && nl != std::string::npos;
         nl = pending.find('\n', start)) {
        go_on = on_line(std::string_view(pending).substr(start, nl - start));
        start = nl + 1;
    }
    pending.erase(0, start);
    return go_on;
}

// SIGTERM to the program's process group, SIGKILL after 2 s if it is
// still there; returns its wait status.
int stop_group(pid_t pid) {
    ::kill(-pid, SIGTERM);
    int status = 0;
    const auto deadline = WatchClock::now() + std::chrono::seconds(2);
    while (WatchClock::now() < deadline) {
        if (::waitpid(pid, &status, WNOHANG) == pid) {
            return status;
        }
        ::usleep(20'000);
    }
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return status;
}

// The program started in its own process group (so that stopping it stops
// what it started), its output and errors into `sink`, stdin /dev/null.
Expected<pid_t> spawn_grouped(const Launch& launch, const Command& command, int sink) {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    ::posix_spawn_file_actions_init(&actions);
    ::posix_spawnattr_init(&attr);
    ::posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    ::posix_spawn_file_actions_adddup2(&actions, sink, 1);
    ::posix_spawn_file_actions_adddup2(&actions, sink, 2);
    ::posix_spawn_file_actions_addchdir_np(&actions, launch.cwd.c_str());
    ::posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    ::posix_spawnattr_setpgroup(&attr, 0);
    std::vector<std::string> argv{launch.exe.string()};
    argv.insert(argv.end(), launch.args.begin(), launch.args.end());
    std::vector<char*> args;
    for (auto& a : argv) {
        args.push_back(a.data());
    }
    args.push_back(nullptr);
    pid_t pid = 0;
    const int rc = ::posix_spawn(&pid, argv.front().c_str(), &actions, &attr, args.data(), environ);
    ::posix_spawn_file_actions_destroy(&actions);
    ::posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        return fail(ErrorKind::Tool, fmt::format("cannot run {}: {}", command.argv.front(),
                                                 std::strerror(rc)));
    }
    return pid;
}

// Reads the program's output until it ends, on_line says stop, the
// deadline passes or `stop` is requested.
Ending pump(int source, const std::function<bool(std::string_view)>& on_line,
            WatchClock::time_point deadline, const std::stop_token& stop) {
    std::string pending;
    std::array<char, 8192> buffer{};
    // How long one poll may wait: a request to stop is seen within it.
    const long long slice = stop.stop_possible() ? 200 : 1000;
    for (;;) {
        if (stop.stop_requested()) {
            return Ending::Cancelled;
        }
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - WatchClock::now());
        if (left.count() <= 0) {
            return Ending::TimedOut;
        }
        pollfd fd{source, POLLIN, 0};
        const int ready = ::poll(&fd, 1, static_cast<int>(std::min<long long>(left.count(), slice)));
        if (ready < 0 && errno != EINTR) {
            return Ending::Exited;
        }
        if (ready <= 0) {
            continue;
        }
        const ssize_t n = ::read(source, buffer.data(), buffer.size());
        if (n <= 0) {
            if (!pending.empty()) {
                on_line(pending);
            }
            return Ending::Exited; // the program closed its output: it has ended
        }
        pending.append(buffer.data(), static_cast<std::size_t>(n));
        if (!deliver_lines(pending, on_line)) {
            return Ending::Stopped;
        }
    }
}

} // namespace

Expected<Watched> run_watched(const Command& command,
                              const std::function<bool(std::string_view)>& on_line,
                              std::chrono::milliseconds timeout, std::stop_token stop) {
    if (command.input) {
        return fail(ErrorKind::Internal, "run_watched: standard input is not supported");
    }
    const auto launch = KSERIES_TRY(prepare(command));
    const std::string& name = command.argv.front();
    std::array<int, 2> fds{};
    if (::pipe2(fds.data(), O_CLOEXEC) != 0) {
        return fail(ErrorKind::Io, fmt::format("cannot run {}: pipe: {}", name,
                                               std::strerror(errno)));
    }
    const auto pid = spawn_grouped(launch, command, fds[1]);
    ::close(fds[1]);
    if (!pid) {
        ::close(fds[0]);
        return std::unexpected(pid.error());
    }
    Watched watched;
    watched.ending = pump(fds[0], on_line, WatchClock::now() + timeout, stop);
    ::close(fds[0]);
    int status = 0;
    if (watched.ending == Ending::Exited) {
        ::waitpid(*pid, &status, 0);
    } else {
        spdlog::debug("stopping {} ({})", name,
                      watched.ending == Ending::TimedOut    ? "timed out"
                      : watched.ending == Ending::Cancelled ? "cancelled"
                                                            : "asked to");
        status = stop_group(*pid);
    }
    if (WIFSIGNALED(status)) {
        watched.result.signal = WTERMSIG(status);
    } else {
        watched.result.exit_code = WEXITSTATUS(status);
    }
    spdlog::debug("{} ended with {}", name, watched.result.status());
    return watched;
}

namespace {

class SystemRunner final : public Runner {
public:
    Expected<Result> run(const Command& command) override { return proc::run(command); }
    Expected<Result> run_streaming(const Command& command,
                                   const std::function<void(std::string_view)>& on_line) override {
        return proc::run_streaming(command, on_line);
    }
    Expected<Watched> run_watched(const Command& command,
                                  const std::function<bool(std::string_view)>& on_line,
                                  std::chrono::milliseconds timeout,
                                  std::stop_token stop) override {
        return proc::run_watched(command, on_line, timeout, std::move(stop));
    }
    bool on_path(const std::string& name) override { return proc::on_path(name); }
};

} // namespace

Runner& system_runner() {
    static SystemRunner runner;
    return runner;
}

} // namespace kseries::proc
