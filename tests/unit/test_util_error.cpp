#include <gtest/gtest.h>

#include <string>

#include <kseries/util/error.hpp>

namespace kseries {
namespace {

Expected<int> number(bool ok) {
    if (!ok) {
        return fail(ErrorKind::Parse, "not a number", {"series", 3});
    }
    return 41;
}

Expected<void> nothing(bool ok) {
    if (!ok) {
        return fail(ErrorKind::Io, "no disk");
    }
    return {};
}

int steps = 0;

Expected<int> add_one(bool ok) {
    const int n = KSERIES_TRY(number(ok));
    ++steps;
    return n + 1;
}

Expected<std::string> both(bool first, bool second) {
    KSERIES_TRY(nothing(first));
    ++steps;
    const int n = KSERIES_TRY(add_one(second));
    return std::to_string(n);
}

TEST(UtilError, TryGivesTheValue) {
    steps = 0;
    auto r = both(true, true);
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(*r, "42");
    EXPECT_EQ(steps, 2);
}

TEST(UtilError, TryReturnsTheFirstErrorAndRunsNothingAfterIt) {
    steps = 0;
    auto r = both(false, true);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().kind(), ErrorKind::Io);
    EXPECT_EQ(steps, 0);

    steps = 0;
    r = both(true, false);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().to_string(), "series:3: not a number");
    EXPECT_EQ(steps, 1);
}

TEST(UtilError, WithContextKeepsKindAndLocation) {
    const Error e(ErrorKind::Parse, "bad hunk", {"p.patch", 7});
    const Error c = e.with_context("check");
    EXPECT_EQ(c.kind(), ErrorKind::Parse);
    EXPECT_EQ(c.location().line, 7U);
    EXPECT_NE(c.to_string().find("check: bad hunk"), std::string::npos) << c.to_string();
}

} // namespace
} // namespace kseries
