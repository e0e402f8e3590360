#include <kseries/kernel/spec.hpp>

#include <gtest/gtest.h>

using kseries::kernel::policy_from_spec;
using kseries::kernel::PolicyId;

TEST(KernelSpec, reads_the_patch_command_of_applypatch) {
    EXPECT_EQ(policy_from_spec("%prep\npatch_command='patch -p1 -F1 -s'\nApplyPatch()\n"),
              PolicyId::KernelSpec);
    EXPECT_EQ(policy_from_spec("  patch_command='git --work-tree=. apply'\n"),
              PolicyId::GitApply);
    EXPECT_EQ(policy_from_spec("patch_command='git apply'\n"), PolicyId::GitApply);
    EXPECT_EQ(policy_from_spec("patch_command='patch -p1 --fuzz=0 -s'\n"), PolicyId::RpmPatch);
    EXPECT_EQ(policy_from_spec("patch_command='patch -p1 -s'\n"), PolicyId::GnuPatch);
}

TEST(KernelSpec, says_nothing_without_a_patch_command) {
    EXPECT_FALSE(policy_from_spec("Name: kernel\n%prep\n%setup -q\n").has_value());
    EXPECT_FALSE(policy_from_spec("# patch_command='git apply'\n").has_value())
        << "a comment is not the command";
}

TEST(KernelSpec, a_patch_command_of_50000_spaces_after_f_is_read_without_recursion) {
    // std::regex recursed once per space here and overflowed the stack.
    const std::string spec = "patch_command='patch -p1 -F" + std::string(50000, ' ') + "1 -s'\n";
    EXPECT_EQ(policy_from_spec(spec), PolicyId::KernelSpec);
    EXPECT_EQ(policy_from_spec("patch_command='patch -F" + std::string(50000, ' ') + "'\n"),
              PolicyId::GnuPatch)
        << "-F with no number is no fuzz setting";
}
