#include <future>
#include <sys/wait.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/process.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <kseries/proc/run.hpp>

namespace kseries::proc {

namespace bp = boost::process;

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

Expected<Result> run(const Command& command) {
    if (command.argv.empty()) {
        return fail(ErrorKind::Internal, "run: empty command");
    }
    spdlog::debug("running: {}{}", describe(command.argv),
                  command.cwd.empty() ? "" : fmt::format(" (in {})", command.cwd.string()));

    const std::string& name = command.argv.front();
    const boost::filesystem::path exe =
        name.find('/') != std::string::npos ? boost::filesystem::path(name) : bp::search_path(name);
    if (exe.empty()) {
        return fail(ErrorKind::Tool, fmt::format("cannot run {}: not found on PATH", name));
    }
    const std::vector<std::string> args(command.argv.begin() + 1, command.argv.end());
    const boost::filesystem::path cwd = command.cwd.empty()
                                            ? boost::filesystem::current_path()
                                            : boost::filesystem::path(command.cwd.string());

    boost::asio::io_context io;
    std::future<std::string> out;
    std::future<std::string> err;
    std::error_code ec;
    const std::string input = command.input.value_or(std::string{});
    bp::child child(exe, bp::args(args), bp::start_dir(cwd), bp::std_out > out, bp::std_err > err,
                    bp::std_in < boost::asio::buffer(input), io, ec);
    if (ec) {
        return fail(ErrorKind::Tool, fmt::format("cannot run {}: {}", name, ec.message()));
    }
    io.run();
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
    result.out = out.get();
    result.err = err.get();
    spdlog::debug("{} ended with {}", name, result.status());
    return result;
}

} // namespace kseries::proc
