// `kseries matrix` as a use case: the rows a request names (trees in the one
// target grammar, refs of git repositories, SRPMs, tarballs, catalog
// releases and the SRPMs `kseries fetch` cached for them), each checked by
// matrix::run.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <kseries/flow/inputs.hpp>
#include <kseries/kernel/catalog.hpp>
#include <kseries/matrix/matrix.hpp>
#include <kseries/series/selection.hpp>
#include <kseries/util/error.hpp>

namespace kseries::flow {

struct MatrixRequest {
    SeriesSpec source;
    // --tree: DIR, RELEASE=DIR, REPO@REF, SRPM or tarball (flow/target.hpp).
    std::vector<std::string> trees;
    std::vector<std::string> repos;    // --git: one row per ref `refs` matches
    std::vector<std::string> refs;     // glob patterns on tag and branch names, or commits
    std::vector<std::string> srpms;    // --srpm
    std::vector<std::string> tarballs; // --tarball
    std::vector<std::string> catalogs; // release catalog paths; none: the default one
    std::vector<std::string> releases; // catalog releases that are rows: globs, or "all"
    std::string cache;                 // where `kseries fetch` keeps SRPMs; "": the default
    unsigned jobs = 1;
    bool closest = true; // find where each failed hunk comes closest
    // Called after each row, with (done, total), from worker threads.
    std::function<void(std::size_t, std::size_t)> progress;
};

struct MatrixResult {
    // The series and catalog the matrix was made from: its reports and rows
    // point into them.
    std::unique_ptr<series::Selection> selection;
    std::unique_ptr<kernel::Catalog> catalog;
    matrix::Matrix matrix;
    std::string series; // the series as given
};

[[nodiscard]] Expected<MatrixResult> matrix(const MatrixRequest& request);

// The row a --tree spec gives, in the one target grammar: its release as
// the spec names it (RELEASE=, the ref, the file name), else as the tree's
// Makefiles tell; `wanted` is what is kept of an SRPM or tarball.
[[nodiscard]] Expected<matrix::RowSource> tree_row(const std::string& spec,
                                                   const source::WantedPaths& wanted);

} // namespace kseries::flow
