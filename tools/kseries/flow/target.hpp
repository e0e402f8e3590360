// The one grammar for naming a tree (docs/commands/rebase.md): a
// directory, RELEASE=DIR, REPO@REF (a git repository and a ref or commit),
// a kernel SRPM or a tarball, each opened with the release it holds and how
// that was told. A rebase target must be a kernel tree, as a matrix row
// must.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <kseries/kernel/detect.hpp>
#include <kseries/kernel/policy.hpp>
#include <kseries/series/selection.hpp>
#include <kseries/source/archive.hpp>
#include <kseries/source/tree.hpp>
#include <kseries/util/error.hpp>

namespace kseries::flow {

// One opened source and its release.
struct Target {
    std::unique_ptr<source::SourceTree> tree;
    std::optional<kernel::Detected> release; // which release, and how that was told
    // The policy the source's own kernel.spec states, when it carries one
    // (an SRPM does).
    std::optional<kernel::PolicyId> spec_policy;
};

// Opens one tree as `spec` names it, reading only the `wanted` paths of an
// SRPM or tarball; the release is named by the spec (RELEASE=, the ref, the
// file name) or else told by the tree's Makefiles.
[[nodiscard]] Expected<Target> open_target(const std::string& spec,
                                           const source::WantedPaths& wanted);

// The target and, when given, the base tree of a request.
struct Trees {
    Target target;
    std::optional<Target> base;
    [[nodiscard]] source::SourceTree* base_tree() const {
        return base ? base->tree.get() : nullptr;
    }
};

// Opens --onto (refused unless a kernel tree) and, when given, --base,
// reading only the files the series touches and the Makefiles.
[[nodiscard]] Expected<Trees> open_trees(const series::Selection& selection,
                                         const std::string& onto, const std::string& base);

// A source spec with its path made absolute (a `RELEASE=` prefix and a
// git `@REF` suffix kept), so that a stopped rebase resumes from any
// working directory: the workspace's state.json records the request.
[[nodiscard]] std::string absolute_source(const std::string& spec);

} // namespace kseries::flow
