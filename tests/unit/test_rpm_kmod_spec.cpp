#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <kseries/rpm/kmod_spec.hpp>

using kseries::ErrorKind;
using kseries::rpm::depmod_conf;
using kseries::rpm::kernel_requires;
using kseries::rpm::kmod_spec;
using kseries::rpm::KmodSpecInput;

namespace {

KmodSpecInput debian_input() {
    KmodSpecInput in;
    in.name = "overlayfs-nfsroot";
    in.module = "overlay";
    in.kver = "6.12.117+deb12-amd64";
    in.version = "2";
    in.release = "1.6.12.117+deb12_amd64";
    in.date = "2026-11-24";
    in.series = "overlayfs-nfsroot v2";
    in.changelog = "0001 rewritten for ovl_revalidate_real()";
    in.patches = {"0001-ovl-super.c-let-the-lower-layer-change.patch"};
    return in;
}

bool has_line(const std::string& text, const std::string& line) {
    return text.find('\n' + line + '\n') != std::string::npos;
}

} // namespace

TEST(RpmKmodSpec, rhel_kver_tracks_the_kabi_of_its_minor_release) {
    EXPECT_EQ(kernel_requires("5.14.0-427.13.1.el9_4.x86_64"),
              (std::vector<std::string>{"kernel >= 5.14.0-427.13.1.el9_4", "kernel < 5.14.0-428"}));
    EXPECT_EQ(kernel_requires("4.18.0-193.el8.x86_64"),
              (std::vector<std::string>{"kernel >= 4.18.0-193.el8", "kernel < 4.18.0-194"}));
    EXPECT_EQ(kernel_requires("6.12.0-55.9.1.el10_0.aarch64"),
              (std::vector<std::string>{"kernel >= 6.12.0-55.9.1.el10_0", "kernel < 6.12.0-56"}));
}

TEST(RpmKmodSpec, other_kvers_require_exactly_that_kernel) {
    EXPECT_EQ(kernel_requires("6.12.117+deb12-amd64"),
              (std::vector<std::string>{"kernel-uname-r = 6.12.117+deb12-amd64"}));
    // No arch suffix, or a debug flavour: not the plain V-R.elN.arch shape.
    // rpm refuses "Invalid version (double separator '-')": no Requires.
    EXPECT_EQ(kernel_requires("6.1.0-57-amd64"), std::vector<std::string>{});
    EXPECT_EQ(kernel_requires("5.14.0-427.el9"),
              (std::vector<std::string>{"kernel-uname-r = 5.14.0-427.el9"}));
    EXPECT_EQ(kernel_requires("5.14.0-427.el9.x86_64+debug"),
              (std::vector<std::string>{"kernel-uname-r = 5.14.0-427.el9.x86_64+debug"}));
}

TEST(RpmKmodSpec, spec_of_a_rhel_kver_carries_the_range) {
    auto in = debian_input();
    in.kver = "5.14.0-427.13.1.el9_4.x86_64";
    in.release = "1.el9_4";
    const auto spec = kmod_spec(in);
    ASSERT_TRUE(spec) << spec.error().to_string();
    EXPECT_TRUE(has_line(*spec, "Requires:       kernel >= 5.14.0-427.13.1.el9_4"));
    EXPECT_TRUE(has_line(*spec, "Requires:       kernel < 5.14.0-428"));
    EXPECT_EQ(spec->find("kernel-uname-r"), std::string::npos);
}

TEST(RpmKmodSpec, spec_of_a_debian_kver_has_the_elrepo_parts) {
    const auto spec = kmod_spec(debian_input());
    ASSERT_TRUE(spec) << spec.error().to_string();
    for (const std::string line : {
             "Name:           kmod-overlayfs-nfsroot",
             "Version:        2",
             "Release:        1.6.12.117+deb12_amd64",
             "Provides:       kmod(overlay.ko) = %{version}-%{release}",
             "Requires:       kernel-uname-r = 6.12.117+deb12-amd64",
             "AutoReqProv:    no",
             "%global debug_package %{nil}",
             "%global __spec_install_post %{nil}",
             "install -D -m 0644 %{SOURCE0} "
             "%{buildroot}/lib/modules/6.12.117+deb12-amd64/extra/overlayfs-nfsroot/overlay.ko",
             "/lib/modules/6.12.117+deb12-amd64/extra/overlayfs-nfsroot/",
             "%config /etc/depmod.d/kmod-overlayfs-nfsroot.conf",
             "    printf '%%s\\n' /lib/modules/6.12.117+deb12-amd64/extra/overlayfs-nfsroot/"
             "overlay.ko | /usr/sbin/weak-modules --add-modules",
             "    /usr/sbin/weak-modules --remove-modules < "
             "/var/run/rpm-kmod-overlayfs-nfsroot-modules",
             "    depmod -a 6.12.117+deb12-amd64 >/dev/null 2>&1 || :",
             "* Tue Nov 24 2026 kseries <kseries@localhost> - 2-1.6.12.117+deb12_amd64",
             "- overlay.ko for 6.12.117+deb12-amd64 from overlayfs-nfsroot v2: 0001 rewritten "
             "for ovl_revalidate_real()",
             "- 0001-ovl-super.c-let-the-lower-layer-change.patch",
             "  0001-ovl-super.c-let-the-lower-layer-change.patch",
         }) {
        EXPECT_TRUE(has_line(*spec, line)) << "missing: " << line << "\n" << *spec;
    }
    for (const std::string section :
         {"%post", "%preun", "%postun", "%install", "%files", "%changelog", "%description"}) {
        EXPECT_TRUE(has_line(*spec, section)) << section;
    }
}

TEST(RpmKmodSpec, depmod_conf_prefers_extra_then_weak_updates) {
    EXPECT_EQ(depmod_conf(debian_input()),
              "# kmod-overlayfs-nfsroot: prefer the patched overlay.ko to the kernel's own.\n"
              "override overlay 6.12.117+deb12-amd64 extra/overlayfs-nfsroot\n"
              "override overlay * weak-updates/overlayfs-nfsroot\n");
}

TEST(RpmKmodSpec, refuses_names_and_kvers_that_would_inject_spec_text) {
    struct Case {
        std::string KmodSpecInput::*field;
        std::string value;
        std::string named;
    };
    const std::vector<Case> cases{
        {&KmodSpecInput::name, "evil %{lua: os.execute('id')}", "name"},
        {&KmodSpecInput::name, "two words", "name"},
        {&KmodSpecInput::name, "x\n%post\nrm -rf /", "name"},
        {&KmodSpecInput::name, "-dash-first", "name"},
        {&KmodSpecInput::name, "", "name"},
        {&KmodSpecInput::kver, "6.12 %(id)", "kernel release"},
        {&KmodSpecInput::kver, "6.12\nRequires: evil", "kernel release"},
        {&KmodSpecInput::kver, "6.12;reboot", "kernel release"},
        {&KmodSpecInput::version, "2-1", "version"},
        {&KmodSpecInput::release, "1%{?dist}", "release"},
        {&KmodSpecInput::module, "overlay ko", "module"},
        {&KmodSpecInput::date, "2026-02-30", "date"},
        {&KmodSpecInput::date, "yesterday", "date"},
    };
    for (const auto& c : cases) {
        auto in = debian_input();
        in.*c.field = c.value;
        const auto spec = kmod_spec(in);
        ASSERT_FALSE(spec) << "accepted " << c.named << " '" << c.value << "'";
        EXPECT_EQ(spec.error().kind(), ErrorKind::Usage);
        EXPECT_NE(spec.error().message().find(c.named), std::string::npos)
            << spec.error().message();
        EXPECT_EQ(spec.error().message().find('\n'), std::string::npos)
            << "the message shows the value escaped: " << spec.error().message();
    }
}

// Every field is refused by its length (over 255, more than rpm takes for
// a name or release) before a pattern is matched against it: std::regex
// recurses once per character. 255 itself is taken.
TEST(RpmKmodSpec, refuses_overlong_fields_by_their_length) {
    struct Case {
        std::string KmodSpecInput::*field;
        std::string named;
    };
    const std::vector<Case> cases{{&KmodSpecInput::name, "name"},
                                  {&KmodSpecInput::kver, "kernel release"},
                                  {&KmodSpecInput::version, "version"},
                                  {&KmodSpecInput::release, "release"}};
    for (const auto& c : cases) {
        auto in = debian_input();
        in.*c.field = std::string(255, '1');
        EXPECT_TRUE(kmod_spec(in)) << c.named << " of 255";
        for (const std::size_t size : {std::size_t{256}, std::size_t{100000}}) {
            in.*c.field = std::string(size, '1');
            const auto spec = kmod_spec(in);
            ASSERT_FALSE(spec) << c.named << " of " << size;
            EXPECT_EQ(spec.error().kind(), ErrorKind::Usage);
            EXPECT_NE(spec.error().message().find(fmt::format(
                          "kmod: {} of {} characters cannot go into a spec file (at most 255)",
                          c.named, size)),
                      std::string::npos)
                << spec.error().message();
        }
    }
    // A kernel release too long to match is required exactly, not matched.
    EXPECT_EQ(kernel_requires(std::string(100000, '1')).size(), 1U);
}

TEST(RpmKmodSpec, free_text_is_escaped_not_expanded) {
    auto in = debian_input();
    in.changelog = "100% done\n%post\nrm -rf /";
    in.series = "store %{_bindir}";
    in.patches = {"0001-fix-50%-of-it.patch"};
    const auto spec = kmod_spec(in);
    ASSERT_TRUE(spec) << spec.error().to_string();
    EXPECT_TRUE(has_line(*spec, "- overlay.ko for 6.12.117+deb12-amd64 from store %%{_bindir}: "
                                "100%% done %%post rm -rf /"))
        << *spec;
    EXPECT_TRUE(has_line(*spec, "- 0001-fix-50%%-of-it.patch"));
    EXPECT_EQ(spec->find("\n%post\nrm"), std::string::npos);
    EXPECT_EQ(spec->find("%{_bindir}"), spec->find("%%{_bindir}") + 1)
        << "every %{_bindir} is an escaped one";
}
