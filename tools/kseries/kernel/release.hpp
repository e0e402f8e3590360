// Kernel release names as RHEL writes them: "<version>-<release>", e.g.
// 4.18.0-147.5.1.el8_1, ordered by rpm's own version comparison
// (rpmvercmp, from librpm) and not by string order.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kseries::kernel {

struct Release {
    std::string version; // "4.18.0"
    std::string release; // "147.5.1.el8_1"

    // "4.18.0-147.5.1.el8_1"; just the version when there is no release
    // part (an upstream or Debian tree: "6.12.57").
    [[nodiscard]] std::string name() const {
        return release.empty() ? version : version + "-" + release;
    }
    // The RHEL major release from the dist tag ("el8_1" -> 8); 0 if none.
    [[nodiscard]] int rhel_major() const;
    // The y of "<base>-<y>[.<z>.<w>].el<N>": the minor release's build.
    [[nodiscard]] long build() const;

    friend bool operator==(const Release&, const Release&) = default;
};

// Reads a release out of the names it appears in: "4.18.0-147.5.1.el8_1",
// "kernel-4.18.0-147.el8", "kernel-4.18.0-193.el8.src.rpm",
// "linux-4.18.0-193.el8.tar.xz", "4.18.0-147.5.1.el8_1.x86_64". nullopt when
// the text holds no "<digits.dots>-<something>" release.
[[nodiscard]] std::optional<Release> parse_release(std::string_view text);

// rpm's comparison of two version strings: <0, 0 or >0.
[[nodiscard]] int rpm_vercmp(std::string_view a, std::string_view b);

// Orders releases by version, then release, with rpm_vercmp.
[[nodiscard]] int compare(const Release& a, const Release& b);

} // namespace kseries::kernel
