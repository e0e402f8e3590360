#include <kseries/git/merge.hpp>

#include <kseries/git/libgit2.hpp>

#include <fmt/format.h>

namespace kseries::git {

using namespace detail;

namespace {

git_merge_file_input input_of(std::string_view text, const std::string& label) {
    git_merge_file_input in = GIT_MERGE_FILE_INPUT_INIT;
    in.ptr = text.data();
    in.size = text.size();
    in.path = label.c_str();
    in.mode = 0100644;
    return in;
}

struct ResultGuard {
    explicit ResultGuard(git_merge_file_result* r) : result(r) {}
    git_merge_file_result* result;
    ~ResultGuard() { git_merge_file_result_free(result); }
    ResultGuard(const ResultGuard&) = delete;
    ResultGuard& operator=(const ResultGuard&) = delete;
    ResultGuard(ResultGuard&&) = delete;
    ResultGuard& operator=(ResultGuard&&) = delete;
};

} // namespace

Expected<Merged> merge_file(const MergeInput& input, const MergeLabels& labels) {
    init_once();
    const auto ancestor = input_of(input.ancestor, labels.ancestor);
    const auto ours = input_of(input.ours, labels.ours);
    const auto theirs = input_of(input.theirs, labels.theirs);
    git_merge_file_options options = GIT_MERGE_FILE_OPTIONS_INIT;
    options.ancestor_label = labels.ancestor.c_str();
    options.our_label = labels.ours.c_str();
    options.their_label = labels.theirs.c_str();
    options.favor = GIT_MERGE_FILE_FAVOR_NORMAL;
    options.flags = GIT_MERGE_FILE_STYLE_DIFF3;
    git_merge_file_result result{};
    if (git_merge_file(&result, &ancestor, &ours, &theirs, &options) != 0) {
        return fail(ErrorKind::Io, fmt::format("three-way merge failed: {}", last_error()));
    }
    const ResultGuard guard(&result);
    Merged out;
    out.clean = result.automergeable != 0;
    if (result.ptr != nullptr) {
        out.text.assign(result.ptr, result.len);
    }
    return out;
}

} // namespace kseries::git
