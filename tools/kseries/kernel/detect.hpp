// Which kernel a source tree holds, from its top-level Makefile (VERSION,
// PATCHLEVEL, SUBLEVEL, EXTRAVERSION) and the RHEL release numbers: in the
// top Makefile itself on el7 (RHEL_MAJOR, RHEL_MINOR, RHEL_RELEASE after
// NAME), in Makefile.rhelver from el8 on.
#pragma once

#include <optional>
#include <string_view>

#include <kseries/kernel/release.hpp>
#include <kseries/source/tree.hpp>
#include <kseries/util/error.hpp>

namespace kseries::kernel {

// Where a release name came from, best evidence first. A name the source
// states (the user, a git ref, an SRPM's or tarball's file name) is the
// package's own; one built from a tree's Makefiles is a best guess: the
// numbers can lag the package (an 8.10 tree's Makefile.rhelver says 552
// for the 553 kernel) and the dist of a real name is not a function of them
// (4.18.0-553.el8_10 but 4.18.0-372.9.1.el8; 3.10.0-1160.59.1.el7).
enum class ReleaseOrigin {
    Given,           // --release, --tree RELEASE=DIR, --onto RELEASE=DIR
    GitRef,          // the git tag's or branch's name
    SrpmName,        // kernel-<release>.src.rpm
    TarballName,     // linux-<release>.tar.*
    Catalog,         // a release of the catalog (matrix --releases)
    MakefileCatalog, // the tree's RHEL_* numbers, named as the catalog's release of that build
    MakefileRhelver, // Makefile.rhelver's RHEL_MAJOR/RHEL_MINOR/RHEL_RELEASE (el8 on)
    MakefileRhel,    // the top Makefile's RHEL_MAJOR/RHEL_MINOR/RHEL_RELEASE (el7)
    MakefileVersion, // the top Makefile's VERSION/PATCHLEVEL/SUBLEVEL only
};

// "given", "git-ref", "srpm-name", "tarball-name", "catalog", "makefile-catalog",
// "makefile-rhelver", "makefile-rhel", "makefile-version": the JSON spelling.
[[nodiscard]] std::string_view origin_key(ReleaseOrigin origin);
// In words for people: "from Makefile.rhelver (RHEL_* numbers: a best guess)".
[[nodiscard]] std::string_view origin_words(ReleaseOrigin origin);
// The name was built from a tree's Makefiles rather than stated by the source.
[[nodiscard]] bool is_guess(ReleaseOrigin origin);

struct Detected {
    Release release;
    ReleaseOrigin origin = ReleaseOrigin::MakefileVersion;
};

// nullopt when the tree has no kernel Makefile (one with VERSION and
// PATCHLEVEL).
[[nodiscard]] Expected<std::optional<Detected>> detect(source::SourceTree& tree);

// detect(), the release only.
[[nodiscard]] Expected<std::optional<Release>> detect_release(source::SourceTree& tree);

} // namespace kseries::kernel
