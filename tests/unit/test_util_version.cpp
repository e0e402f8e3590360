#include <regex>
#include <string>

#include <gtest/gtest.h>

#include <kseries/util/version.hpp>

namespace kseries {
namespace {

TEST(Version, is_the_projects_dotted_version) {
    const std::string v(version());
    EXPECT_TRUE(std::regex_match(v, std::regex(R"([0-9]+\.[0-9]+\.[0-9]+)"))) << v;
}

} // namespace
} // namespace kseries
