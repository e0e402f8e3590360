// Named cases kept from the differential generator and from bug hunts: each
// directory under regressions/ holds a target file, a patch and what it
// pins down. Each is run against the real GNU patch at -F0..-F2 and the
// real git apply, and must agree.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "harness.hpp"

namespace {

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

class Regression : public ::testing::TestWithParam<std::string> {};

} // namespace

TEST_P(Regression, agrees_with_the_real_tools) {
    using namespace kseries::difftest;
    const std::filesystem::path dir = std::filesystem::path(KSERIES_REGRESSION_DIR) / GetParam();
    Case c;
    c.path = "fs/overlayfs/file.c";
    c.patch = slurp(dir / "case.patch");
    c.target = slurp(dir / "target");
    c.notes.push_back(slurp(dir / "notes"));
    ASSERT_FALSE(c.patch.empty());
    for (long fuzz = 0; fuzz <= 2; ++fuzz) {
        const auto problem = compare(c, fuzz);
        EXPECT_FALSE(problem.has_value()) << *problem;
    }
    const auto problem = compare_git(c);
    EXPECT_FALSE(problem.has_value()) << *problem;
}

INSTANTIATE_TEST_SUITE_P(Differential, Regression, ::testing::ValuesIn([] {
                             std::vector<std::string> names;
                             for (const auto& e :
                                  std::filesystem::directory_iterator(KSERIES_REGRESSION_DIR)) {
                                 names.push_back(e.path().filename().string());
                             }
                             std::sort(names.begin(), names.end());
                             return names;
                         }()),
                         [](const auto& param_info) {
                             std::string name = param_info.param;
                             for (auto& ch : name) {
                                 ch = std::isalnum(static_cast<unsigned char>(ch)) != 0 ? ch : '_';
                             }
                             return name;
                         });
