#include <gtest/gtest.h>

#include <kseries/kernel/policy.hpp>

using namespace kseries;
using kernel::PolicyId;

TEST(KernelPolicy, EveryPolicyIsFoundByItsKeyAndIndexedByItsId) {
    const auto all = kernel::all_policies();
    ASSERT_EQ(all.size(), 4U);
    for (std::size_t i = 0; i < all.size(); ++i) {
        // Reports index verdict arrays by PolicyId: the table must be in id order.
        EXPECT_EQ(static_cast<std::size_t>(all[i].id), i);
        const auto* found = kernel::find_policy(all[i].key);
        ASSERT_NE(found, nullptr) << all[i].key;
        EXPECT_EQ(found->id, all[i].id);
        EXPECT_EQ(&kernel::policy(all[i].id), found);
    }
}

TEST(KernelPolicy, TheBuildsFactsFromDesign) {
    const auto& rpm = kernel::policy(PolicyId::RpmPatch);
    EXPECT_EQ(rpm.engine, patch::Engine::GnuPatch);
    EXPECT_EQ(rpm.fuzz, 0);
    EXPECT_FALSE(rpm.optional_patch_rule);

    const auto& spec = kernel::policy(PolicyId::KernelSpec);
    EXPECT_EQ(spec.key, "kernel-spec");
    EXPECT_EQ(spec.engine, patch::Engine::GnuPatch);
    EXPECT_EQ(spec.fuzz, 1);
    EXPECT_TRUE(spec.optional_patch_rule); // ApplyOptionalPatch

    const auto& git = kernel::policy(PolicyId::GitApply);
    EXPECT_EQ(git.engine, patch::Engine::GitApply);
    EXPECT_EQ(git.fuzz, 0);
    EXPECT_TRUE(git.optional_patch_rule);

    const auto& gnu = kernel::policy(PolicyId::GnuPatch);
    EXPECT_EQ(gnu.engine, patch::Engine::GnuPatch);
    EXPECT_EQ(gnu.fuzz, 2);
    EXPECT_FALSE(gnu.optional_patch_rule);
}

TEST(KernelPolicy, UnknownKeysAreNotFound) {
    EXPECT_EQ(kernel::find_policy("kernel_spec"), nullptr);
    EXPECT_EQ(kernel::find_policy(""), nullptr);
    EXPECT_EQ(kernel::find_policy("Kernel-Spec"), nullptr);
}

TEST(KernelPolicy, KeysListedInIdOrderForMessages) {
    EXPECT_EQ(kernel::policy_keys(), "rpm-patch, kernel-spec, git-apply, gnu-patch");
}
