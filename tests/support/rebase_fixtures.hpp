// What the placement tests share: a patch text parsed in one call, and a
// fixture edited in one call that fails the test when the text to edit is
// not there (else it would silently test the unedited fixture).
#pragma once

#include <string>

#include <gtest/gtest.h>

#include <kseries/patch/parser.hpp>

namespace kseries::test {

// The first file of a patch text.
inline patch::FilePatch file_patch(const std::string& text) {
    auto p = patch::parse(text, "t.patch");
    EXPECT_TRUE(p) << p.error().message();
    return p->files.at(0);
}

// `s` with the first `from` replaced by `to`.
inline std::string replaced(std::string s, const std::string& from, const std::string& to) {
    const auto at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return s.replace(at, from.size(), to);
}

} // namespace kseries::test
