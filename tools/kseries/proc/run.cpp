#include <future>
#include <istream>
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

class SystemRunner final : public Runner {
public:
    Expected<Result> run(const Command& command) override { return proc::run(command); }
    Expected<Result> run_streaming(const Command& command,
                                   const std::function<void(std::string_view)>& on_line) override {
        return proc::run_streaming(command, on_line);
    }
    bool on_path(const std::string& name) override { return proc::on_path(name); }
};

} // namespace

Runner& system_runner() {
    static SystemRunner runner;
    return runner;
}

} // namespace kseries::proc
