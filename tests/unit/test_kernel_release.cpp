#include <kseries/kernel/release.hpp>

#include <gtest/gtest.h>

using namespace kseries::kernel;

TEST(KernelRelease, reads_release_names_in_their_usual_wrappers) {
    for (const char* text : {"4.18.0-147.5.1.el8_1", "kernel-4.18.0-147.5.1.el8_1",
                             "kernel-4.18.0-147.5.1.el8_1.src.rpm",
                             "/vault/kernel-4.18.0-147.5.1.el8_1.src.rpm",
                             "linux-4.18.0-147.5.1.el8_1.tar.xz", "4.18.0-147.5.1.el8_1.x86_64"}) {
        const auto r = parse_release(text);
        ASSERT_TRUE(r) << text;
        EXPECT_EQ(r->version, "4.18.0") << text;
        EXPECT_EQ(r->release, "147.5.1.el8_1") << text;
    }
    EXPECT_FALSE(parse_release("kernel").has_value());
    EXPECT_FALSE(parse_release("linux-source-6.1").has_value());
    EXPECT_FALSE(parse_release("main").has_value());
}

TEST(KernelRelease, knows_its_rhel_major_and_build) {
    const auto r = parse_release("5.14.0-284.30.1.el9_2");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->rhel_major(), 9);
    EXPECT_EQ(r->build(), 284);
    EXPECT_EQ(r->name(), "5.14.0-284.30.1.el9_2");
    EXPECT_EQ((Release{"6.12.57", ""}).name(), "6.12.57");
    EXPECT_EQ((Release{"6.12.57", ""}).rhel_major(), 0);
}

TEST(KernelRelease, orders_by_rpm_version_comparison_not_strings) {
    auto lt = [](const char* a, const char* b) {
        return compare(*parse_release(a), *parse_release(b)) < 0;
    };
    EXPECT_TRUE(lt("4.18.0-80.el8", "4.18.0-147.el8"));     // "80" > "147" as strings
    EXPECT_TRUE(lt("4.18.0-147.el8", "4.18.0-147.5.1.el8_1")); // an update follows its GA
    EXPECT_TRUE(lt("4.18.0-147.5.1.el8_1", "4.18.0-193.el8"));
    EXPECT_TRUE(lt("3.10.0-1160.el7", "4.18.0-80.el8"));
    EXPECT_TRUE(lt("5.14.0-284.11.1.el9_2", "5.14.0-284.30.1.el9_2"));
    EXPECT_EQ(compare(*parse_release("5.14.0-427.el9"), *parse_release("kernel-5.14.0-427.el9")),
              0);
    EXPECT_LT(rpm_vercmp("1.0a", "1.0.1"), 0); // rpm: letters sort before digits
}
