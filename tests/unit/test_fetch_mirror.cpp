#include <gtest/gtest.h>

#include <kseries/fetch/mirror.hpp>

using namespace kseries;
using fetch::mirrored;
using fetch::parse_mirrors;

namespace {
const char* alma = "https://vault.almalinux.org/8.10/BaseOS/Source/Packages/"
                   "kernel-4.18.0-553.el8_10.src.rpm";
}

TEST(FetchMirror, replaces_the_published_prefix) {
    auto m = parse_mirrors({"https://vault.almalinux.org=http://127.0.0.1:8080/alma/"}, "--mirror");
    ASSERT_TRUE(m) << m.error().to_string();
    EXPECT_EQ(mirrored(alma, *m), "http://127.0.0.1:8080/alma/8.10/BaseOS/Source/Packages/"
                                  "kernel-4.18.0-553.el8_10.src.rpm");
    EXPECT_EQ(mirrored("https://vault.centos.org/8.2.2004/x.src.rpm", *m),
              "https://vault.centos.org/8.2.2004/x.src.rpm")
        << "a URL no rule names is unchanged";
}

TEST(FetchMirror, matches_whole_components_and_the_longest_prefix) {
    auto m = parse_mirrors(
        {"https://vault.almalinux.org=http://a", "https://vault.almalinux.org/8.10/=http://b"},
        "--mirror");
    ASSERT_TRUE(m);
    EXPECT_EQ(mirrored(alma, *m),
              "http://b/BaseOS/Source/Packages/kernel-4.18.0-553.el8_10.src.rpm");
    EXPECT_EQ(mirrored("https://vault.almalinux.org/8.9/x", *m), "http://a/8.9/x");
    EXPECT_EQ(mirrored("https://vault.almalinux.org.evil/x", *m),
              "https://vault.almalinux.org.evil/x");
}

TEST(FetchMirror, rejects_rules_that_are_not_two_urls) {
    for (const char* bad : {"https://vault.almalinux.org", "=http://a",
                            "https://a=", "https://a=file:///etc", "ftp://a=http://b"}) {
        auto m = parse_mirrors({bad}, "$KSERIES_MIRROR");
        ASSERT_FALSE(m) << bad;
        EXPECT_EQ(m.error().kind(), ErrorKind::Usage);
        EXPECT_NE(m.error().message().find(std::string("$KSERIES_MIRROR '") + bad + "'"),
                  std::string::npos)
            << m.error().message();
    }
}

TEST(FetchMirror, the_environment_lists_rules_separated_by_spaces) {
    EXPECT_EQ(fetch::split_mirror_list("  https://a=http://b \n https://c=http://d "),
              (std::vector<std::string>{"https://a=http://b", "https://c=http://d"}));
    EXPECT_TRUE(fetch::split_mirror_list("   ").empty());
}
