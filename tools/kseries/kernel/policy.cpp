#include <array>

#include <kseries/kernel/policy.hpp>

namespace kseries::kernel {

namespace {

constexpr std::array<Policy, 4> policies{{
    {PolicyId::RpmPatch, "rpm-patch", "rpm %patch", "patch -p1 --fuzz=0", patch::Engine::GnuPatch,
     0, false},
    {PolicyId::KernelSpec, "kernel-spec", "kernel.spec", "ApplyOptionalPatch: patch -p1 -F1 -s",
     patch::Engine::GnuPatch, 1, true},
    {PolicyId::GitApply, "git-apply", "git apply", "ApplyOptionalPatch: git apply -p1",
     patch::Engine::GitApply, 0, true},
    {PolicyId::GnuPatch, "gnu-patch", "GNU patch", "patch -p1 (fuzz 2)", patch::Engine::GnuPatch, 2,
     false},
}};

} // namespace

std::span<const Policy> all_policies() {
    return policies;
}

const Policy& policy(PolicyId id) {
    return policies[static_cast<std::size_t>(id)];
}

const Policy* find_policy(std::string_view key) {
    for (const auto& p : policies) {
        if (p.key == key) {
            return &p;
        }
    }
    return nullptr;
}

std::string policy_keys() {
    std::string out;
    for (const auto& p : policies) {
        if (!out.empty()) {
            out += ", ";
        }
        out += p.key;
    }
    return out;
}

} // namespace kseries::kernel
