#include <set>
#include <string>

#include <gtest/gtest.h>

#include <kseries/kernel/catalog.hpp>

#include "temp_dir.hpp"

using namespace kseries;
using kseries::kernel::Catalog;
using kseries::kernel::parse_release;
using kseries::kernel::PolicyId;
using kseries::test::TempDir;

namespace {

const kernel::CatalogEntry* entry(const Catalog& c, const char* name) {
    return c.find(*parse_release(name));
}

} // namespace

TEST(KernelCatalog, the_shipped_catalog_has_every_minor_with_its_policy) {
    auto c = Catalog::load({KSERIES_SOURCE_ROOT "/kernels"});
    ASSERT_TRUE(c) << c.error().to_string();
    // The 158 releases of rhel-kernel-releases.tsv, the RHEL 7 GA kernels
    // and the CentOS Stream 9 and 10 tags (cmake/catalog-from-tsv.py).
    EXPECT_EQ(c->entries().size(), 158u + 10u + 7u + 1u);
    for (std::size_t i = 1; i < c->entries().size(); ++i) {
        EXPECT_LT(kernel::compare(c->entries()[i - 1].release, c->entries()[i].release), 0);
    }
    std::set<std::string> minors;
    for (const auto& e : c->entries()) {
        minors.insert(e.minor);
        EXPECT_TRUE(e.policy) << e.release.name();
    }
    EXPECT_EQ(minors.size(), 10u + 11u + 7u + 1u);
    const auto* r82 = entry(*c, "4.18.0-193.el8");
    ASSERT_NE(r82, nullptr);
    EXPECT_EQ(*r82->policy, PolicyId::KernelSpec);
    EXPECT_TRUE(r82->verified("policy"));
    EXPECT_EQ(
        r82->url,
        "https://vault.centos.org/8.2.2004/BaseOS/Source/SPackages/kernel-4.18.0-193.el8.src.rpm");
    // The real name of 8.10's GA kernel, where AlmaLinux published it.
    const auto* r810 = entry(*c, "4.18.0-553.el8_10");
    ASSERT_NE(r810, nullptr);
    EXPECT_EQ(r810->minor, "8.10");
    EXPECT_EQ(r810->url, "https://vault.almalinux.org/8.10/BaseOS/Source/Packages/"
                         "kernel-4.18.0-553.el8_10.src.rpm");
    EXPECT_EQ(r810->srpm, "kernel-4.18.0-553.el8_10.src.rpm");
    EXPECT_EQ(entry(*c, "4.18.0-553.el8"), nullptr) << "no such kernel was ever shipped";
    // Verified policies: read from the real specs of 7.0, 7.3, 7.9, 8.1,
    // 8.2, 9.1 (patch -F1), 9.2 (git apply), 10.0 (git --work-tree=. apply).
    for (const char* name : {"3.10.0-123.el7", "3.10.0-514.el7", "3.10.0-1160.el7",
                             "4.18.0-147.el8", "4.18.0-193.el8", "5.14.0-162.el9"}) {
        ASSERT_NE(entry(*c, name), nullptr) << name;
        EXPECT_EQ(*entry(*c, name)->policy, PolicyId::KernelSpec) << name;
        EXPECT_TRUE(entry(*c, name)->verified("policy")) << name;
    }
    for (const char* name : {"5.14.0-284.el9", "6.12.0-55.el10", "6.12.0-55.9.1.el10_0"}) {
        ASSERT_NE(entry(*c, name), nullptr) << name;
        EXPECT_EQ(*entry(*c, name)->policy, PolicyId::GitApply) << name;
        EXPECT_TRUE(entry(*c, name)->verified("policy")) << name;
    }
    // Not read from any spec: 8.0, 8.3-8.10, 9.0, 9.3-9.6, other 7.x.
    for (const char* name :
         {"3.10.0-229.el7", "4.18.0-80.el8", "4.18.0-240.el8", "4.18.0-553.el8_10", "5.14.0-70.el9",
          "5.14.0-70.13.1.el9_0", "5.14.0-362.el9", "5.14.0-570.32.1.el9_6"}) {
        ASSERT_NE(entry(*c, name), nullptr) << name;
        EXPECT_FALSE(entry(*c, name)->verified("policy")) << name;
    }
    EXPECT_EQ(entry(*c, "5.14.0-427.el9")->git_tag, "kernel-5.14.0-427.el9");
    EXPECT_EQ(entry(*c, "3.10.0-1160.el7")->minor, "7.9");
    EXPECT_EQ(entry(*c, "4.18.0-147.5.1.el8_1")->minor, "8.1") << "v1's base stays";
}

TEST(KernelCatalog, z_streams_follow_the_policy_of_their_minor) {
    auto c = Catalog::load({KSERIES_SOURCE_ROOT "/kernels"});
    ASSERT_TRUE(c);
    // Z-streams the catalog does not list take the first release of their
    // minor: its GA kernel where the catalog has one.
    const auto* p = c->policy_source(*parse_release("5.14.0-284.99.1.el9_2"));
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->release.name(), "5.14.0-284.el9");
    const auto* g = c->policy_source(*parse_release("4.18.0-553.99.1.el8_10"));
    ASSERT_NE(g, nullptr);
    EXPECT_EQ(g->release.name(), "4.18.0-553.el8_10");
    const auto* k = c->policy_source(*parse_release("4.18.0-477.99.1.el8_8"));
    ASSERT_NE(k, nullptr);
    EXPECT_EQ(k->minor, "8.8");
    const auto* z = c->policy_source(*parse_release("6.12.0-55.99.1.el10_0"));
    ASSERT_NE(z, nullptr);
    EXPECT_EQ(z->release.name(), "6.12.0-55.el10");
    EXPECT_EQ(*z->policy, PolicyId::GitApply);
    const auto* q = c->policy_source(*parse_release("5.14.0-163.1.1.el9_1"));
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(q->minor, "9.1") << "nearest earlier release of the major";
    EXPECT_EQ(c->policy_source(*parse_release("6.1.192-1")), nullptr);
}

TEST(KernelCatalog, users_add_their_own_files) {
    TempDir t;
    t.write("site.toml", "lineage = \"RHEL 8\"\n[[release]]\nname = \"4.18.0-193.13.2.el8_2\"\n"
                         "minor = \"8.2\"\npolicy = \"kernel-spec\"\n");
    auto c = Catalog::load({KSERIES_SOURCE_ROOT "/kernels", t.path() / "site.toml"});
    ASSERT_TRUE(c) << c.error().to_string();
    ASSERT_NE(entry(*c, "4.18.0-193.13.2.el8_2"), nullptr);
}

TEST(KernelCatalog, names_the_file_and_line_of_bad_entries) {
    TempDir t;
    t.write("bad.toml", "lineage = \"X\"\n\n[[release]]\nname = \"4.18.0-80.el8\"\nflavour = 1\n");
    auto c = Catalog::load({t.path()});
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().location().line, 5u);
    EXPECT_NE(c.error().message().find("unknown key 'flavour'"), std::string::npos);

    t.write("bad.toml", "[[release]]\nname = \"4.18.0-80.el8\"\npolicy = \"fuzz-9\"\n");
    c = Catalog::load({t.path()});
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().location().line, 3u);

    t.write("bad.toml",
            "[[release]]\nname = \"4.18.0-80.el8\"\n[[release]]\nname = \"4.18.0-80.el8\"\n");
    c = Catalog::load({t.path()});
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message().find("already listed"), std::string::npos);

    t.write("bad.toml", "[[release]\nname = 1\n");
    c = Catalog::load({t.path()});
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().location().line, 1u);
    EXPECT_EQ(c.error().kind(), ErrorKind::Parse);
}

namespace {

kernel::Detected told(const char* name, kernel::ReleaseOrigin origin) {
    return kernel::Detected{*parse_release(name), origin};
}

} // namespace

TEST(KernelCatalog, names_a_tree_s_rhel_numbers_as_the_release_that_shipped) {
    auto c = Catalog::load({KSERIES_SOURCE_ROOT "/kernels"});
    ASSERT_TRUE(c) << c.error().to_string();
    using kernel::ReleaseOrigin;
    // An 8.10 tree's Makefile.rhelver says 553: the GA kernel shipped as
    // 553.el8_10, which the numbers alone cannot tell.
    auto ga = kernel::name_by_catalog(told("4.18.0-553.el8", ReleaseOrigin::MakefileRhelver), *c);
    EXPECT_EQ(ga.release.name(), "4.18.0-553.el8_10");
    EXPECT_EQ(ga.origin, ReleaseOrigin::MakefileCatalog);
    EXPECT_FALSE(kernel::is_guess(ga.origin));
    // 8.6's GA kernel kept the bare dist; a z-stream names itself the same way.
    EXPECT_EQ(
        kernel::name_by_catalog(told("4.18.0-372.9.1.el8_6", ReleaseOrigin::MakefileRhelver), *c)
            .release.name(),
        "4.18.0-372.9.1.el8");
    // el7's numbers live in the top Makefile.
    EXPECT_EQ(
        kernel::name_by_catalog(told("3.10.0-1160.el7", ReleaseOrigin::MakefileRhel), *c).origin,
        ReleaseOrigin::MakefileCatalog);
}

TEST(KernelCatalog, leaves_lagging_numbers_and_stated_names_as_they_are) {
    auto c = Catalog::load({KSERIES_SOURCE_ROOT "/kernels"});
    ASSERT_TRUE(c) << c.error().to_string();
    using kernel::ReleaseOrigin;
    // 552 for the 553 kernel: no release of that build, still a guess.
    auto lag = kernel::name_by_catalog(told("4.18.0-552.el8", ReleaseOrigin::MakefileRhelver), *c);
    EXPECT_EQ(lag.release.name(), "4.18.0-552.el8");
    EXPECT_EQ(lag.origin, ReleaseOrigin::MakefileRhelver);
    // A name the source states is never replaced, nor a version-only tree.
    auto given = kernel::name_by_catalog(told("4.18.0-553.el8", ReleaseOrigin::GitRef), *c);
    EXPECT_EQ(given.release.name(), "4.18.0-553.el8");
    auto upstream = kernel::name_by_catalog(
        kernel::Detected{kernel::Release{"6.12.57", ""}, ReleaseOrigin::MakefileVersion}, *c);
    EXPECT_EQ(upstream.release.name(), "6.12.57");
    // Two shipped names for one build's numbers: the guess stays a guess.
    TempDir t;
    t.write("two.toml", "lineage = \"RHEL 8\"\n[[release]]\nname = \"4.18.0-999.el8\"\n"
                        "[[release]]\nname = \"4.18.0-999.el8_10\"\n");
    auto two = Catalog::load({t.path()});
    ASSERT_TRUE(two) << two.error().to_string();
    EXPECT_EQ(kernel::name_by_catalog(told("4.18.0-999.el8", ReleaseOrigin::MakefileRhelver), *two)
                  .origin,
              ReleaseOrigin::MakefileRhelver);
}
