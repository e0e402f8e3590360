// Where the dist tag sits in the releases of real kernel SRPMs: el7/el8
// (dist inside, buildid after it), el9/el10 (buildid before the dist) and
// rebuilds that append their own string after the dist.
#include <gtest/gtest.h>

#include <kseries/rpm/release_layout.hpp>

namespace {

using kseries::rpm::dist_candidates;
using kseries::rpm::dist_inserted;
using kseries::rpm::release_difference;
using Strings = std::vector<std::string>;

TEST(DistCandidates, EverySegmentThatIsADistTag) {
    EXPECT_EQ(dist_candidates("147.5.1.el8_1"), Strings{".el8_1"});
    EXPECT_EQ(dist_candidates("147.5.1.el8_1.kseries.v1"), Strings{".el8_1"});
    EXPECT_EQ(dist_candidates("284.30.1.kseries.v2.el9_2"), Strings{".el9_2"});
    EXPECT_EQ(dist_candidates("284.30.1.el9_2.92ciq_lts.3.1"), Strings{".el9_2"});
    EXPECT_EQ(dist_candidates("55.el10"), Strings{".el10"});
    EXPECT_EQ(dist_candidates("1160.el7"), Strings{".el7"});
    EXPECT_EQ(dist_candidates("1.el8.x.el9_2.el8"), (Strings{".el8", ".el9_2"}));
}

TEST(DistCandidates, NotPartsOfOtherSegments) {
    EXPECT_TRUE(dist_candidates("el8").empty()); // the first segment is the number
    EXPECT_TRUE(dist_candidates("1.elf.el").empty());
    EXPECT_TRUE(dist_candidates("1.el8x.el8_.el_1.kel8").empty());
    EXPECT_TRUE(dist_candidates("1.92ciq_lts.3").empty());
}

TEST(DistInserted, El7AndEl8DistInsideTheBuildidAfter) {
    // %define specrelease 147.5.1%{?dist}, pkg_release %{specrelease}%{?buildid}
    EXPECT_EQ(dist_inserted("4.18.0-147.5.1.el8_1.kseries.v1", "4.18.0-147.5.1.kseries.v1"),
              ".el8_1");
    EXPECT_EQ(dist_inserted("4.18.0-147.5.1.el8_1", "4.18.0-147.5.1"), ".el8_1");
    EXPECT_EQ(dist_inserted("3.10.0-1160.el7.kseries.v1", "3.10.0-1160.kseries.v1"), ".el7");
}

TEST(DistInserted, El9AndEl10BuildidBeforeTheDist) {
    // %define specrelease 284.30.1%{?buildid}%{?dist}
    EXPECT_EQ(dist_inserted("5.14.0-284.30.1.kseries.v2.el9_2", "5.14.0-284.30.1.kseries.v2"),
              ".el9_2");
    EXPECT_EQ(dist_inserted("6.12.0-55.el10", "6.12.0-55"), ".el10");
}

TEST(DistInserted, RebuildsAppendAfterTheDist) {
    // %{?buildid}%{?dist}%{ciq_patch_build_str}
    EXPECT_EQ(dist_inserted("5.14.0-284.30.1.el9_2.92ciq_lts.3.1", "5.14.0-284.30.1.92ciq_lts.3.1"),
              ".el9_2");
    EXPECT_EQ(dist_inserted("5.14.0-284.30.1.kseries.v2.el9_2.92ciq_lts.3.1",
                            "5.14.0-284.30.1.kseries.v2.92ciq_lts.3.1"),
              ".el9_2");
}

TEST(DistInserted, NothingWhenTheRestDoesNotMatch) {
    // The spec hard-codes the dist: nothing is inserted.
    EXPECT_EQ(dist_inserted("4.18.0-305.el8", "4.18.0-305.el8"), std::nullopt);
    // Another macro is missing, not the dist.
    EXPECT_EQ(dist_inserted("5.14.0-284.30.1.el9_2.92ciq_lts.3.1", "5.14.0-284.30.1"),
              std::nullopt);
    // No dist segment at all.
    EXPECT_EQ(dist_inserted("6.12.0-55.local", "6.12.0-55"), std::nullopt);
    // A dist tag that occurs twice cannot be removed once.
    EXPECT_EQ(dist_inserted("4.18.0-1.el8.el8", "4.18.0-1.el8"), std::nullopt);
    // ".el9" is not found inside ".el9_2".
    EXPECT_EQ(dist_inserted("5.14.0-1.el9_2.el9", "5.14.0-1.el9_2"), ".el9");
}

TEST(ReleaseDifference, TheDifferingMiddle) {
    const auto d =
        release_difference("5.14.0-284.30.1.el9_2.92ciq_lts.3.1", "5.14.0-284.30.1.el9_2");
    EXPECT_EQ(d.in_release, ".92ciq_lts.3.1");
    EXPECT_EQ(d.in_evaluated, "");
    const auto w = release_difference("5.14.0-284.11.1.el9_2", "5.14.0-284.11.1.el9");
    EXPECT_EQ(w.in_release, "_2");
    EXPECT_EQ(w.in_evaluated, "");
    const auto same = release_difference("1-1", "1-1");
    EXPECT_EQ(same.in_release, "");
    EXPECT_EQ(same.in_evaluated, "");
    const auto swapped = release_difference("1-1.a.b", "1-1.c.b");
    EXPECT_EQ(swapped.in_release, "a");
    EXPECT_EQ(swapped.in_evaluated, "c");
}

} // namespace
