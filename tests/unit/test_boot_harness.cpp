#include <filesystem>
#include <regex>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include <kseries/boot/harness.hpp>
#include <kseries/proc/run.hpp>
#include <kseries/util/file.hpp>

using namespace kseries;

namespace {

const std::filesystem::path source_root = KSERIES_SOURCE_ROOT;

// A serial log kept from a real boot (tests/data/boot/README.md).
std::string boot_log(const std::string& name) {
    auto bytes = read_regular_file(source_root / "tests/data/boot" / name);
    EXPECT_TRUE(bytes) << bytes.error().to_string();
    return bytes ? *bytes : std::string();
}

// busybox-static's own parser, in check-only mode (the script never runs
// on the host: it mounts and powers off).
proc::Result syntax_check(std::string_view script) {
    auto r = proc::run({{"/bin/busybox", "sh", "-n"}, {}, std::string(script)});
    EXPECT_TRUE(r) << r.error().to_string();
    if (!r) {
        proc::Result failed;
        failed.exit_code = -1;
        return failed;
    }
    return *r;
}

} // namespace

TEST(Harness, the_init_script_is_valid_busybox_sh) {
    const auto script = boot::init_script();
    EXPECT_TRUE(script.starts_with("#!/bin/busybox sh\n"));
    const auto r = syntax_check(script);
    EXPECT_TRUE(r.ok()) << r.status() << ": " << r.err;
    // The check itself rejects a broken script.
    EXPECT_FALSE(syntax_check(std::string(script) + "if true; then\n").ok());
}

// Every marker the header promises (harness.hpp's comment) is echoed by the
// script, and it echoes no other KSERIES- marker of its own.
TEST(Harness, the_script_prints_every_marker_the_header_lists) {
    auto header = read_regular_file(source_root / "tools/kseries/boot/harness.hpp");
    ASSERT_TRUE(header) << header.error().to_string();
    const std::regex marker("KSERIES-[A-Z]+:");
    std::set<std::string> listed;
    for (auto it = std::sregex_iterator(header->begin(), header->end(), marker);
         it != std::sregex_iterator(); ++it) {
        listed.insert(it->str());
    }
    EXPECT_EQ(listed, (std::set<std::string>{"KSERIES-INIT:", "KSERIES-ERROR:", "KSERIES-DMESG:",
                                             "KSERIES-RUN:", "KSERIES-EXIT:", "KSERIES-DONE:"}));
    const std::string script(boot::init_script());
    std::set<std::string> echoed;
    const std::regex echo("echo \"(KSERIES-[A-Z]+:)");
    for (auto it = std::sregex_iterator(script.begin(), script.end(), echo);
         it != std::sregex_iterator(); ++it) {
        echoed.insert((*it)[1].str());
    }
    EXPECT_EQ(echoed, listed);
}

TEST(Harness, the_script_keeps_to_the_image_layout_of_the_header) {
    const std::string script(boot::init_script());
    for (const auto path : {boot::modules_path, boot::module_list_path, boot::scenario_name_path,
                            boot::script_path}) {
        EXPECT_NE(script.find("/" + std::string(path)), std::string::npos) << path;
    }
    EXPECT_NE(script.find("/bin/busybox sh /kseries/run.sh"), std::string::npos);
}

// Real serial logs of the harness above booting Debian's 6.12 under TCG.
TEST(Harness, reads_a_real_boot_that_ran_its_script) {
    const auto r = boot::parse_harness(boot_log("estale-stock.log"));
    EXPECT_TRUE(r.started);
    EXPECT_EQ(r.kernel_release, "6.12.117+deb12-amd64");
    EXPECT_FALSE(r.error);
    EXPECT_TRUE(r.dmesg.empty());
    EXPECT_EQ(r.script_exit, 0);
    EXPECT_TRUE(r.done);
    for (const auto* name : {"estale-patched.log", "copyup-acl-stock.log"}) {
        const auto p = boot::parse_harness(boot_log(name));
        EXPECT_TRUE(p.started && p.done) << name;
        EXPECT_EQ(p.script_exit, 0) << name;
        EXPECT_FALSE(p.error) << name;
    }
}

TEST(Harness, reads_a_real_boot_whose_module_did_not_load) {
    const auto r = boot::parse_harness(boot_log("insmod-error.log"));
    EXPECT_TRUE(r.started);
    ASSERT_TRUE(r.error);
    EXPECT_EQ(*r.error,
              "insmod overlay: can't insert '/lib/modules/overlay.ko': invalid module format");
    EXPECT_FALSE(r.dmesg.empty());
    EXPECT_LE(r.dmesg.size(), 8U);
    EXPECT_FALSE(r.script_exit);
    EXPECT_TRUE(r.done);
}

TEST(Harness, a_boot_that_stopped_early_is_not_done) {
    // Issue 16's prototype log began so: SeaBIOS's words before the escapes.
    const auto r = boot::parse_harness("Booting from ROM..\x1b"
                                       "c\x1b[?7l\x1b[2JKSERIES-INIT: 5.98 6.12.0-test\r\n"
                                       "KSERIES-RUN: estale\r\n"
                                       "[   30.000000] Kernel panic - not syncing\r\n");
    EXPECT_TRUE(r.started);
    EXPECT_EQ(r.kernel_release, "6.12.0-test");
    EXPECT_FALSE(r.script_exit);
    EXPECT_FALSE(r.done);
    EXPECT_FALSE(boot::parse_harness("").started);
}

TEST(Harness, line_rules_are_those_of_the_symptom_protocol) {
    const auto r = boot::parse_harness(
        "KSERIES-INIT: 6.1 6.12.0\n"
        "+ echo 'KSERIES-EXIT: 9'\r\n"                           // a shell trace does not count
        "[   12.5] nfsd: last server stoppedKSERIES-EXIT: 3\r\n" // printk cut in
        "progress\rKSERIES-DONE: 13.0\r\n"                       // a bare \r starts a piece
        "KSERIES-ERROR: first\nKSERIES-ERROR: second\n"
        "KSERIES-EXIT: x\n"); // not a status: ignored
    EXPECT_EQ(r.script_exit, 3);
    EXPECT_TRUE(r.done);
    EXPECT_EQ(r.error, "first");
}
