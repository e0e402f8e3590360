// The one place that starts other programs. Commands are argv vectors, never
// shell strings; each is logged at debug level before it runs.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include <kseries/util/error.hpp>

namespace kseries::proc {

struct Command {
    std::vector<std::string> argv;    // argv[0] is looked up on PATH unless it has a '/'
    std::filesystem::path cwd;        // empty: the current directory
    std::optional<std::string> input; // written to stdin; stdin is closed when absent
};

struct Result {
    int exit_code = 0; // meaningful when signal == 0
    int signal = 0;    // the signal that ended the program, or 0
    std::string out;
    std::string err;

    [[nodiscard]] bool ok() const { return signal == 0 && exit_code == 0; }
    // "exit code 1" or "signal 9".
    [[nodiscard]] std::string status() const;
};

// Runs the command to completion. An Error only when it could not be
// started; a program that fails is a Result with its exit code.
[[nodiscard]] Expected<Result> run(const Command& command);

// Runs the command to completion with its standard output and standard
// error merged into one stream, in the order the program wrote them, and
// calls `on_line` with each line (without its newline) as it arrives: for
// logs of long builds. stdin is closed, so `command.input` must be empty.
// The Result's `out` and `err` stay empty; the lines went to `on_line`.
[[nodiscard]] Expected<Result> run_streaming(const Command& command,
                                             const std::function<void(std::string_view)>& on_line);

// How a watched program ended.
enum class Ending {
    Exited,    // by itself
    Stopped,   // `on_line` returned false
    TimedOut,  // the timeout passed
    Cancelled, // `stop` was requested
};

struct Watched {
    Result result; // exit code or signal; `out` and `err` stay empty
    Ending ending = Ending::Exited;
};

// run_streaming for a program that may have to be stopped (a VM): its
// output and errors merged, each line (without "\n") handed to `on_line`
// as it arrives; when `on_line` returns false, or `timeout` after the
// start, or within 0.2 s of `stop` being requested (from another thread),
// the program's process group gets SIGTERM and, 2 s later, SIGKILL.
// Returns when the program has ended; an Error only when it could not be
// started. stdin is /dev/null.
[[nodiscard]] Expected<Watched> run_watched(const Command& command,
                                            const std::function<bool(std::string_view)>& on_line,
                                            std::chrono::milliseconds timeout,
                                            std::stop_token stop = {});

// Whether `name` is an executable on PATH (or, with a '/', at that path).
[[nodiscard]] bool on_path(const std::string& name);

// Who runs the programs a flow starts (ninja's CommandRunner): the
// system's (the functions above) in the tool, a fake in unit tests, so that
// what rpm/ and fetch/ do around rpmbuild, createrepo_c or curl is tested
// without them. Flows take one as `proc::Runner&` and default to
// system_runner().
class Runner {
public:
    Runner() = default;
    Runner(const Runner&) = delete;
    Runner& operator=(const Runner&) = delete;
    Runner(Runner&&) = delete;
    Runner& operator=(Runner&&) = delete;
    virtual ~Runner() = default;

    [[nodiscard]] virtual Expected<Result> run(const Command& command) = 0;
    [[nodiscard]] virtual Expected<Result>
    run_streaming(const Command& command, const std::function<void(std::string_view)>& on_line) = 0;
    [[nodiscard]] virtual Expected<Watched>
    run_watched(const Command& command, const std::function<bool(std::string_view)>& on_line,
                std::chrono::milliseconds timeout, std::stop_token stop) = 0;
    [[nodiscard]] virtual bool on_path(const std::string& name) = 0;
};

// The runner that starts real programs through run, run_streaming and
// on_path.
[[nodiscard]] Runner& system_runner();

// "argv[0] arg1 'arg with space'", for logs and messages.
[[nodiscard]] std::string describe(const std::vector<std::string>& argv);

} // namespace kseries::proc
