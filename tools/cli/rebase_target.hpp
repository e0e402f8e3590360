// The trees a rebase reads (docs/commands/rebase.md): --onto and --base as
// a directory, RELEASE=DIR, REPO@REF, a kernel SRPM or a tarball, each
// with the release it holds and how that was told. A target must be a
// kernel tree, as a matrix row must.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <kseries/kernel/detect.hpp>
#include <kseries/series/selection.hpp>
#include <kseries/source/tree.hpp>
#include <kseries/util/error.hpp>

namespace kseries::cli {

// One opened source and its release.
struct Target {
    std::unique_ptr<source::SourceTree> tree;
    std::optional<kernel::Detected> release; // which release, and how that was told
};

// The target and, when given, the base tree of a request.
struct Trees {
    Target target;
    std::optional<Target> base;
    [[nodiscard]] source::SourceTree* base_tree() const { return base ? base->tree.get() : nullptr; }
};

// Opens --onto (refused unless a kernel tree) and, when given, --base,
// reading only the files the series touches and the Makefiles.
[[nodiscard]] Expected<Trees> open_trees(const series::Selection& selection,
                                         const std::string& onto, const std::string& base);

// A source spec with its path made absolute (a `RELEASE=` prefix and a
// git `@REF` suffix kept), so that a stopped rebase resumes from any
// working directory: the workspace's state.json records the request.
[[nodiscard]] std::string absolute_source(const std::string& spec);

} // namespace kseries::cli
