#include <gtest/gtest.h>

#include <kseries/util/path.hpp>

using kseries::util::path_components;
using V = std::vector<std::string>;

TEST(UtilPath, drops_empty_and_dot_components_and_keeps_dotdot) {
    EXPECT_EQ(path_components("fs/overlayfs/super.c"), (V{"fs", "overlayfs", "super.c"}));
    EXPECT_EQ(path_components("./fs//overlayfs/./super.c/"), (V{"fs", "overlayfs", "super.c"}));
    EXPECT_EQ(path_components("/etc/passwd"), (V{"etc", "passwd"}));
    EXPECT_EQ(path_components("a/../b"), (V{"a", "..", "b"}));
    EXPECT_EQ(path_components(""), V{});
    EXPECT_EQ(path_components("."), V{});
}
