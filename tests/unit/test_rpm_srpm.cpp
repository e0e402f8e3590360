// rpm::make_srpm and rpm::query_package around the tools they start. The
// FakeRunner stands in for rpmkeys, rpm, rpmspec and rpmbuild here (its
// rule writes the .src.rpm rpmbuild -bs would have written, or fails a
// step); tests/cli/test_srpm*.sh run the real rpmbuild on real SRPMs. A cpio
// archive, made by the real cpio, stands in for the SRPM's payload.
#include <fstream>
#include <iterator>
#include <regex>
#include <string>

#include <gtest/gtest.h>

#include <kseries/rpm/srpm.hpp>

#include "fake_runner.hpp"
#include "temp_dir.hpp"

using namespace kseries;
using kseries::test::FakeRunner;
using kseries::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::string el8_spec() {
    std::ifstream in(std::string(KSERIES_SOURCE_ROOT) + "/tests/data/kernel-spec/el8.spec.in");
    std::string text((std::istreambuf_iterator<char>(in)), {});
    text = std::regex_replace(text, std::regex("@PKGRELEASE@"), "193.el8");
    text = std::regex_replace(text, std::regex("@DISTRO_BUILD@"), "193");
    return std::regex_replace(text, std::regex("@PATCH_COMMAND@"), "patch -p1 -F1 -s");
}

// The payload of a stock SRPM: kernel.spec alone.
fs::path make_payload(const TempDir& t) {
    t.write("in/kernel.spec", el8_spec());
    auto r = proc::run({{"sh", "-c", "echo kernel.spec | cpio -o -H newc --quiet > ../k.src.rpm"},
                        t.path() / "in",
                        {}});
    EXPECT_TRUE(r && r->ok());
    return t.path() / "k.src.rpm";
}

// The value of `--define NAME VALUE` in argv.
std::string define_of(const proc::Command& c, const std::string& name) {
    for (std::size_t i = 0; i + 1 < c.argv.size(); ++i) {
        if (c.argv[i] == "--define" && c.argv[i + 1].starts_with(name + " ")) {
            return c.argv[i + 1].substr(name.size() + 1);
        }
    }
    return {};
}

// rpmspec and rpmbuild as far as make_srpm sees them: the release the
// SRPM has, the spec as parsed (the spec itself), and an SRPM written.
FakeRunner::Rule rpm_tools(bool build_fails) {
    return [build_fails](const proc::Command& c) -> Expected<proc::Result> {
        const auto has = [&](const char* a) {
            return std::find(c.argv.begin(), c.argv.end(), a) != c.argv.end();
        };
        if (c.argv[0] == "rpmspec" && has("-q")) {
            return proc::Result{0, 0, "4.18.0-193.el8\n", ""};
        }
        if (c.argv[0] == "rpmspec" && has("-P")) {
            std::ifstream in(c.argv.back());
            return proc::Result{0, 0, std::string((std::istreambuf_iterator<char>(in)), {}), ""};
        }
        if (c.argv[0] == "rpmbuild" && has("-bs")) {
            if (build_fails) {
                return proc::Result{1, 0, "", "error: Bad source\n"};
            }
            std::ofstream(fs::path(define_of(c, "_srcrpmdir")) / "kernel-4.18.0-193.el8.src.rpm")
                << "rpm";
        }
        return proc::Result{};
    };
}

rpm::SrpmRequest request_for(const fs::path& srpm, const fs::path& out, FakeRunner& fake) {
    rpm::SrpmRequest r{.kernel_srpm = srpm,
                       .original = {"kernel", "4.18.0", "193.el8", true},
                       .out_dir = out,
                       .runner = fake};
    r.patches = {"ovl", "v1", {"0001-short.patch"}};
    r.patch_texts.emplace("0001-short.patch", "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n+b\n");
    r.buildid = ".kseries.v1";
    r.packager = "T <t@example.org>";
    return r;
}

std::vector<std::string> entries(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) {
        out.push_back(e.path().filename().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace

TEST(RpmSrpm, writes_the_srpm_through_the_tools_in_order) {
    TempDir t;
    FakeRunner fake(rpm_tools(false));
    const auto srpm = make_payload(t);
    std::vector<std::string> steps;
    auto made = rpm::make_srpm(request_for(srpm, t.path() / "out", fake),
                               [&](std::string_view s) { steps.emplace_back(s); });
    ASSERT_TRUE(made) << made.error().to_string();
    EXPECT_EQ(made->srpm, t.path() / "out" / "kernel-4.18.0-193.el8.src.rpm");
    EXPECT_TRUE(fs::is_regular_file(made->srpm));
    // The 5-line patch was padded past ApplyOptionalPatch's trap.
    EXPECT_EQ(made->padded, std::vector<std::string>{"0001-short.patch"});
    EXPECT_EQ(made->edit.first_number, 40000U);
    // dist matched the SRPM without a define (%{nil}); edit's evr; -P; -bs.
    EXPECT_EQ(fake.programs(),
              (std::vector<std::string>{"rpmspec", "rpmspec", "rpmspec", "rpmbuild"}));
    EXPECT_EQ(steps.back(), "writing the SRPM with rpmbuild -bs");
    // Only the SRPM and the lock are left in the output directory.
    for (const auto& name : entries(t.path() / "out")) {
        EXPECT_FALSE(name.starts_with(".kseries-srpm-")) << name;
    }
}

TEST(RpmSrpm, a_failing_rpmbuild_stops_and_writes_nothing) {
    TempDir t;
    FakeRunner fake(rpm_tools(true));
    const auto srpm = make_payload(t);
    auto made = rpm::make_srpm(request_for(srpm, t.path() / "out", fake), [](std::string_view) {});
    ASSERT_FALSE(made);
    EXPECT_EQ(made.error().kind(), ErrorKind::Tool);
    EXPECT_NE(made.error().message().find("Bad source"), std::string::npos);
    for (const auto& name : entries(t.path() / "out")) {
        EXPECT_FALSE(name.ends_with(".src.rpm") || name.starts_with(".kseries-srpm-")) << name;
    }
}

TEST(RpmSrpm, query_package_refuses_a_package_whose_digests_fail) {
    TempDir t;
    t.write("bad.rpm", "x");
    FakeRunner fake([](const proc::Command& c) -> Expected<proc::Result> {
        if (c.argv[0] == "rpmkeys") {
            return proc::Result{1, 0, "bad.rpm: DIGESTS NOT OK\n", ""};
        }
        return proc::Result{};
    });
    auto id = rpm::query_package(t.path() / "bad.rpm", fake);
    ASSERT_FALSE(id);
    EXPECT_EQ(id.error().kind(), ErrorKind::Parse);
    EXPECT_NE(id.error().message().find("not an intact RPM package"), std::string::npos);
    EXPECT_EQ(fake.programs(), std::vector<std::string>{"rpmkeys"});
}

TEST(RpmSrpm, query_package_reads_the_header) {
    TempDir t;
    t.write("k.rpm", "x");
    FakeRunner fake([](const proc::Command& c) -> Expected<proc::Result> {
        if (c.argv[0] == "rpm") {
            return proc::Result{0, 0, "kernel\n4.18.0\n193.el8\nsource\n", ""};
        }
        return proc::Result{};
    });
    auto id = rpm::query_package(t.path() / "k.rpm", fake);
    ASSERT_TRUE(id) << id.error().to_string();
    EXPECT_EQ(id->evr(), "4.18.0-193.el8");
    EXPECT_TRUE(id->source);
}
