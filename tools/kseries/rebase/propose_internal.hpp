// Internal to rebase/'s proposals: what propose.cpp (the hunk, the
// function its lines mention most) and counterpart.cpp (one change's
// counterpart in that function) share.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <kseries/rebase/c_tokens.hpp>
#include <kseries/rebase/guards.hpp>
#include <kseries/rebase/propose.hpp>

namespace kseries::rebase::detail {

// Fewer tokens than this are no evidence that a change is already made.
constexpr std::size_t min_evidence_tokens = 6;

struct Span {
    std::string name;
    std::size_t begin = 0;
    std::size_t end = 0;
};
// The lines [first, first + count), numbered, for a proposal's evidence.
[[nodiscard]] std::string evidence(const Lines& lines, std::size_t first, std::size_t count);

// "line N" or "lines N-M", 1-based.
[[nodiscard]] std::string range(std::size_t first, std::size_t count);

struct Context {
    const Lines& lines;
    const std::vector<Tokens>& per_line;
    const Span* fn; // the function the hunk's lines mention most, or null
    std::string_view path;
    std::string_view target;
};

// One separable change: its counterpart in `ctx.fn` proposed, or why not.
[[nodiscard]] ChangeProposal propose_change(const Change& c, const Context& ctx);

} // namespace kseries::rebase::detail
