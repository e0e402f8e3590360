// A proc::Runner that starts nothing: it records each command and answers
// with what the test's rule returns. It stands in for rpmbuild, rpmkeys,
// createrepo_c, mock, koji, copr-cli, osc and curl in the unit tests of the
// flows around them; the CLI tests run the real programs where they exist.
#pragma once

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <kseries/proc/run.hpp>

namespace kseries::test {

class FakeRunner final : public proc::Runner {
public:
    using Rule = std::function<Expected<proc::Result>(const proc::Command&)>;

    // Every command succeeds with empty output unless a rule says otherwise.
    FakeRunner() = default;
    explicit FakeRunner(Rule rule) : m_rule(std::move(rule)) {}

    // The programs on_path reports as present (all of them when empty).
    std::set<std::string> present;
    // The timeouts run_watched was given, in order.
    std::vector<std::chrono::milliseconds> timeouts;
    // Every command run, in order.
    std::vector<proc::Command> calls;

    Expected<proc::Result> run(const proc::Command& command) override {
        calls.push_back(command);
        return m_rule ? m_rule(command) : proc::Result{};
    }
    // Hands the rule's `out` and then `err` to on_line, line by line.
    Expected<proc::Result>
    run_streaming(const proc::Command& command,
                  const std::function<void(std::string_view)>& on_line) override {
        auto result = run(command);
        if (!result) {
            return result;
        }
        for (const std::string* text : {&result->out, &result->err}) {
            std::string_view rest = *text;
            while (!rest.empty()) {
                const auto nl = rest.find('\n');
                on_line(rest.substr(0, nl));
                rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
            }
        }
        result->out.clear();
        result->err.clear();
        return result;
    }
    // Hands the rule's `out` to on_line line by line until it returns
    // false (Ending::Stopped); the timeout is recorded, never waited for.
    Expected<proc::Watched> run_watched(const proc::Command& command,
                                        const std::function<bool(std::string_view)>& on_line,
                                        std::chrono::milliseconds timeout) override {
        timeouts.push_back(timeout);
        auto result = run(command);
        if (!result) {
            return std::unexpected(result.error());
        }
        proc::Watched watched;
        std::string_view rest = result->out;
        while (!rest.empty() && watched.ending == proc::Ending::Exited) {
            const auto nl = rest.find('\n');
            if (!on_line(rest.substr(0, nl))) {
                watched.ending = proc::Ending::Stopped;
            }
            rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
        }
        result->out.clear();
        result->err.clear();
        watched.result = std::move(*result);
        return watched;
    }
    bool on_path(const std::string& name) override {
        return present.empty() || present.contains(name);
    }

    // The argv[0]s run, in order: what a test compares against the steps
    // it expects.
    [[nodiscard]] std::vector<std::string> programs() const {
        std::vector<std::string> out;
        for (const auto& c : calls) {
            out.push_back(c.argv.empty() ? std::string{} : c.argv.front());
        }
        return out;
    }

private:
    Rule m_rule;
};

} // namespace kseries::test
