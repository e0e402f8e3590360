// A proc::Runner that starts nothing: it records each command and answers
// with what the test's rule returns. It stands in for rpmbuild, rpmkeys,
// createrepo_c, mock, koji, copr-cli, osc and curl in the unit tests of the
// flows around them; the CLI tests run the real programs where they exist.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
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
    // run_watched, before it answers, waits for its stop to be requested
    // (at most 30 s), as a VM that runs long would; then it answers
    // Cancelled and counts it in `cancelled`.
    bool hold_watched = false;
    std::atomic<int> holding{0}; // run_watched calls now waiting
    int cancelled = 0;

    Expected<proc::Result> run(const proc::Command& command) override {
        {
            // Flows run commands from two threads (verify --boot's stock boots).
            const std::lock_guard lock(m_mutex);
            calls.push_back(command);
        }
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
                                        std::chrono::milliseconds timeout,
                                        std::stop_token stop) override {
        {
            const std::lock_guard lock(m_mutex);
            timeouts.push_back(timeout);
        }
        if (hold_watched) {
            ++holding;
            for (int i = 0; i < 3000 && !stop.stop_requested(); ++i) {
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            }
            --holding;
            if (stop.stop_requested()) {
                const std::lock_guard lock(m_mutex);
                ++cancelled;
                proc::Watched watched;
                watched.ending = proc::Ending::Cancelled;
                watched.result.signal = 15;
                return watched;
            }
        }
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
    std::mutex m_mutex;
};

} // namespace kseries::test
