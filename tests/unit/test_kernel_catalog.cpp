#include "temp_dir.hpp"

#include <kseries/kernel/catalog.hpp>

#include <gtest/gtest.h>

using namespace kseries;
using kseries::check::PolicyId;
using kseries::kernel::Catalog;
using kseries::kernel::parse_release;
using kseries::test::TempDir;

namespace {

const kernel::CatalogEntry* entry(const Catalog& c, const char* name) {
    return c.find(*parse_release(name));
}

} // namespace

TEST(KernelCatalog, the_shipped_catalog_has_every_minor_with_its_policy) {
    auto c = Catalog::load({KSERIES_SOURCE_ROOT "/kernels"});
    ASSERT_TRUE(c) << c.error().to_string();
    // 7.0-7.9, 8.0-8.10 and the 8.1 update, 9.0-9.6, 10.0.
    EXPECT_EQ(c->entries().size(), 10u + 11u + 1u + 7u + 1u);
    for (std::size_t i = 1; i < c->entries().size(); ++i) {
        EXPECT_LT(kernel::compare(c->entries()[i - 1].release, c->entries()[i].release), 0);
    }
    const auto* r82 = entry(*c, "4.18.0-193.el8");
    ASSERT_NE(r82, nullptr);
    EXPECT_EQ(*r82->policy, PolicyId::KernelSpec);
    EXPECT_TRUE(r82->verified("policy"));
    EXPECT_EQ(r82->url,
              "https://vault.centos.org/8.2.2004/BaseOS/Source/SPackages/kernel-4.18.0-193.el8.src.rpm");
    const auto* r83 = entry(*c, "4.18.0-240.el8");
    ASSERT_NE(r83, nullptr);
    EXPECT_FALSE(r83->verified("policy"));
    EXPECT_EQ(*entry(*c, "5.14.0-162.el9")->policy, PolicyId::KernelSpec);
    EXPECT_EQ(*entry(*c, "5.14.0-284.el9")->policy, PolicyId::GitApply);
    EXPECT_EQ(entry(*c, "5.14.0-427.el9")->git_tag, "kernel-5.14.0-427.el9");
    EXPECT_EQ(entry(*c, "3.10.0-1160.el7")->minor, "7.9");
}

TEST(KernelCatalog, z_streams_follow_the_policy_of_their_minor) {
    auto c = Catalog::load({KSERIES_SOURCE_ROOT "/kernels"});
    ASSERT_TRUE(c);
    const auto* p = c->policy_source(*parse_release("5.14.0-284.30.1.el9_2"));
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->release.name(), "5.14.0-284.el9");
    const auto* q = c->policy_source(*parse_release("5.14.0-163.1.1.el9_1"));
    ASSERT_NE(q, nullptr);
    EXPECT_EQ(q->release.name(), "5.14.0-162.el9") << "nearest earlier release of the major";
    EXPECT_EQ(c->policy_source(*parse_release("6.1.192-1")), nullptr);
}

TEST(KernelCatalog, users_add_their_own_files) {
    TempDir t;
    t.write("site.toml", "lineage = \"RHEL 8\"\n[[release]]\nname = \"4.18.0-193.28.1.el8_2\"\n"
                         "minor = \"8.2\"\npolicy = \"kernel-spec\"\n");
    auto c = Catalog::load({KSERIES_SOURCE_ROOT "/kernels", t.path() / "site.toml"});
    ASSERT_TRUE(c) << c.error().to_string();
    ASSERT_NE(entry(*c, "4.18.0-193.28.1.el8_2"), nullptr);
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

    t.write("bad.toml", "[[release]]\nname = \"4.18.0-80.el8\"\n[[release]]\nname = \"4.18.0-80.el8\"\n");
    c = Catalog::load({t.path()});
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message().find("already listed"), std::string::npos);

    t.write("bad.toml", "[[release]\nname = 1\n");
    c = Catalog::load({t.path()});
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().location().line, 1u);
    EXPECT_EQ(c.error().kind(), ErrorKind::Parse);
}
