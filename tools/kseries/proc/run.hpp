// The one place that starts other programs. Commands are argv vectors, never
// shell strings; each is logged at debug level before it runs.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
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

// "argv[0] arg1 'arg with space'", for logs and messages.
[[nodiscard]] std::string describe(const std::vector<std::string>& argv);

} // namespace kseries::proc
