#include <kseries/kernel/spec.hpp>

#include <kseries/util/text.hpp>

#include <charconv>
#include <regex>
#include <string>

namespace kseries::kernel {

std::optional<check::PolicyId> policy_from_spec(std::string_view spec) {
    static const std::regex fuzz_re(R"((?:-F\s*|--fuzz[= ])(\d+))");
    for (const auto raw : text::split_lines(spec)) {
        const std::string_view line = text::trim(text::chomp(raw));
        const auto at = line.find("patch_command=");
        if (at == std::string_view::npos || line.starts_with('#')) {
            continue;
        }
        const std::string command(line.substr(at + 14));
        if (command.find("git") != std::string::npos && command.find("apply") != std::string::npos) {
            return check::PolicyId::GitApply;
        }
        if (command.find("patch") == std::string::npos) {
            continue;
        }
        std::smatch m;
        long fuzz = 2;
        if (std::regex_search(command, m, fuzz_re)) {
            // A fuzz too large for a long is as good as unlimited.
            const std::string digits = m[1].str();
            if (std::from_chars(digits.data(), digits.data() + digits.size(), fuzz).ec != std::errc{}) {
                fuzz = 2;
            }
        }
        return fuzz == 0 ? check::PolicyId::RpmPatch
               : fuzz == 1 ? check::PolicyId::KernelSpec
                           : check::PolicyId::GnuPatch;
    }
    return std::nullopt;
}

} // namespace kseries::kernel
