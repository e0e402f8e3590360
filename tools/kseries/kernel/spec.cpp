#include <kseries/kernel/spec.hpp>

#include <kseries/util/text.hpp>

#include <charconv>
#include <optional>
#include <string>

namespace kseries::kernel {

namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The digits of the first "-F N", "-FN", "--fuzz=N" or "--fuzz N" in a
// patch command. Scanned by hand, in one pass: std::regex recurses once per
// character, and a spec line of 50,000 spaces after -F overflowed the stack.
std::optional<std::string_view> fuzz_digits(std::string_view command) {
    for (std::size_t i = 0; i < command.size(); ++i) {
        std::size_t j = 0;
        if (command.substr(i).starts_with("-F")) {
            j = i + 2;
            while (j < command.size() && is_space(command[j])) {
                ++j;
            }
        } else if (command.substr(i).starts_with("--fuzz") && i + 6 < command.size() &&
                   (command[i + 6] == '=' || command[i + 6] == ' ')) {
            j = i + 7;
        } else {
            continue;
        }
        std::size_t end = j;
        while (end < command.size() && is_digit(command[end])) {
            ++end;
        }
        if (end > j) {
            return command.substr(j, end - j);
        }
    }
    return std::nullopt;
}

} // namespace

std::optional<PolicyId> policy_from_spec(std::string_view spec) {
    for (const auto raw : text::split_lines(spec)) {
        const std::string_view line = text::trim(text::chomp(raw));
        const auto at = line.find("patch_command=");
        if (at == std::string_view::npos || line.starts_with('#')) {
            continue;
        }
        const std::string_view command = line.substr(at + 14);
        if (command.find("git") != std::string_view::npos &&
            command.find("apply") != std::string_view::npos) {
            return PolicyId::GitApply;
        }
        if (command.find("patch") == std::string_view::npos) {
            continue;
        }
        long fuzz = 2;
        if (const auto digits = fuzz_digits(command)) {
            // A fuzz too large for a long is as good as unlimited.
            if (std::from_chars(digits->data(), digits->data() + digits->size(), fuzz).ec !=
                std::errc{}) {
                fuzz = 2;
            }
        }
        return fuzz == 0   ? PolicyId::RpmPatch
               : fuzz == 1 ? PolicyId::KernelSpec
                           : PolicyId::GnuPatch;
    }
    return std::nullopt;
}

} // namespace kseries::kernel
