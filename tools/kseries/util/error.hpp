// The one error type of libkseries. Every fallible function returns
// Expected<T> and hands an error on with KSERIES_TRY; the CLI is the single
// place that prints an Error, and cli/exit_codes.hpp maps its kind to an
// exit code.
#pragma once

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace kseries {

enum class ErrorKind {
    Usage,    // a command line or option value that makes no sense
    Parse,    // a malformed input file: patch, series file, ...
    Io,       // the operating system refused a read or a write
    NotFound, // a named file, directory or object does not exist
    Unsafe,   // input that would reach outside the tree it was given
    Tool,     // an external program failed or could not be started
    Internal, // a broken invariant inside kseries itself
};

// Where in an input file the problem is. line 0 means "the whole file".
struct Location {
    std::string file;
    std::size_t line = 0;
};

class Error {
public:
    Error(ErrorKind kind, std::string message, Location location = {})
        : m_kind(kind), m_message(std::move(message)), m_location(std::move(location)) {}

    [[nodiscard]] ErrorKind kind() const { return m_kind; }
    [[nodiscard]] const std::string& message() const { return m_message; }
    [[nodiscard]] const Location& location() const { return m_location; }

    // "file:line: message", "file: message" or "message".
    [[nodiscard]] std::string to_string() const;

    // The same error with "what: " in front of the message, for callers that
    // know which operation failed.
    [[nodiscard]] Error with_context(std::string_view what) const;

private:
    ErrorKind m_kind;
    std::string m_message;
    Location m_location;
};

template <typename T>
using Expected = std::expected<T, Error>;

[[nodiscard]] inline std::unexpected<Error> fail(ErrorKind kind, std::string message,
                                                 Location location = {}) {
    return std::unexpected<Error>(std::in_place, kind, std::move(message), std::move(location));
}

} // namespace kseries

// KSERIES_TRY(expr): the value of the Expected `expr`, or - when it holds an
// error - a return of that error from the enclosing function (ccache's
// TRY, Rust's `?`). For an Expected<void> it is a statement:
//
//     auto tree = KSERIES_TRY(source::DirectoryTree::open(dir));
//     KSERIES_TRY(tree->commit(edits));
//
// A GNU statement expression (GCC and Clang), marked __extension__ because
// the build is -Wpedantic: standard C++ has no expression that can return.
#define KSERIES_TRY(...)                                                                          \
    __extension__({                                                                               \
        auto&& kseries_try_result_ = (__VA_ARGS__);                                               \
        if (!kseries_try_result_) {                                                               \
            return std::unexpected(std::move(kseries_try_result_).error());                       \
        }                                                                                         \
        std::move(kseries_try_result_).value();                                                   \
    })
