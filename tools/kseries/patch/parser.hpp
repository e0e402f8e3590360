// Parses unified diffs: `diff -u`/`diff -ru` output, `git diff` and
// `git format-patch` mails, quilt patches with free text before the diff.
// Malformed input is an Error of kind Parse naming the patch file and line.
#pragma once

#include <string>
#include <string_view>

#include <kseries/patch/model.hpp>
#include <kseries/util/error.hpp>

namespace kseries::patch {

// `name` is used in messages and kept as Patch::name.
[[nodiscard]] Expected<Patch> parse(std::string_view data, std::string name);

} // namespace kseries::patch
