#include <algorithm>
#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>

#include <kseries/series/scenario.hpp>
#include <kseries/util/file.hpp>

#include "temp_dir.hpp"

using namespace kseries;
using kseries::test::TempDir;

namespace {

const std::string real_store = std::string(KSERIES_SOURCE_ROOT) + "/series/overlayfs-nfsroot";

// A store of one version carrying a.patch, the smallest a scenario can prove.
void write_store(const TempDir& d) {
    d.write("index.toml", "[[map]]\nversion = \"v1\"\n");
    d.write("v1/series", "a.patch\n");
    d.write("v1/a.patch", "--- a/f.c\n+++ b/f.c\n@@ -1 +1 @@\n-x\n+y\n");
}

const std::string good_toml = "name = \"s\"\n"
                              "proves = \"a.patch\"\n"
                              "modules = [\"nfsd\", \"overlay\"]\n"
                              "tools = [\"rpcbind\", \"/usr/sbin/rpc.nfsd\"]\n"
                              "files = [\"/etc/services\"]\n"
                              "memory_mib = 512\n"
                              "timeout_seconds = 60\n";

// The store with scenario `s` of `toml` and a run.sh; the error of loading it.
Error refusal(const TempDir& d, const std::string& toml) {
    write_store(d);
    d.write("scenarios/s/scenario.toml", toml);
    d.write("scenarios/s/run.sh", "echo KSERIES-SYMPTOM: no\n");
    auto loaded = series::load_scenarios(d.path());
    EXPECT_FALSE(loaded) << "accepted:\n" << toml;
    return loaded ? Error(ErrorKind::Internal, "accepted") : loaded.error();
}

series::Scenario named(const std::string& name) {
    series::Scenario s;
    s.name = name;
    return s;
}

} // namespace

TEST(Scenario, loads_the_real_overlayfs_nfsroot_scenarios) {
    auto loaded = series::load_scenarios(real_store);
    ASSERT_TRUE(loaded) << loaded.error().to_string();
    ASSERT_EQ(loaded->size(), 2U);
    const auto& acl = (*loaded)[0];
    const auto& estale = (*loaded)[1];
    EXPECT_EQ(acl.name, "copyup-acl");
    EXPECT_EQ(estale.name, "estale");
    EXPECT_EQ(estale.proves,
              std::vector<std::string>{"0001-ovl-super.c-let-the-lower-layer-change.patch"});
    EXPECT_EQ(acl.proves, std::vector<std::string>{
                              "0002-ovl-copy_up.c-ignore-EOPNOTSUPP-on-xattr-copy-up.patch"});
    EXPECT_EQ(estale.modules.front(), "sunrpc");
    EXPECT_EQ(estale.modules.back(), "overlay");
    EXPECT_EQ(estale.files.size(), 3U);
    EXPECT_EQ(estale.memory_mib, 1024U);
    EXPECT_EQ(estale.script_name, "run.sh");
    EXPECT_NE(estale.script.find("KSERIES-SYMPTOM: yes"), std::string::npos);
    EXPECT_NE(acl.script.find("KSERIES-SYMPTOM: no"), std::string::npos);
    // Both source the store's NFS server set-up instead of repeating it.
    for (const auto* s : {&acl, &estale}) {
        ASSERT_EQ(s->uses.size(), 1U) << s->name;
        EXPECT_EQ(s->uses[0].first, "nfs-server.sh");
        EXPECT_NE(s->uses[0].second.find("nfs_server_start()"), std::string::npos);
        EXPECT_NE(s->script.find(". /kseries/lib/nfs-server.sh"), std::string::npos) << s->name;
        EXPECT_EQ(std::count(s->tools.begin(), s->tools.end(), "/usr/sbin/rpcbind"), 0);
    }
}

// busybox sh runs its own applet for a bare command name even when PATH
// holds the real program: the scripts call every declared tool by its path.
TEST(Scenario, the_real_scripts_call_their_tools_by_path) {
    auto loaded = series::load_scenarios(real_store);
    ASSERT_TRUE(loaded) << loaded.error().to_string();
    for (const auto& s : *loaded) {
        std::string code = s.script;
        for (const auto& u : s.uses) {
            code += u.second;
        }
        std::size_t calls = 0;
        for (const auto& tool : s.tools) {
            ASSERT_TRUE(tool.starts_with('/')) << tool;
            const std::string base = tool.substr(tool.rfind('/') + 1);
            std::istringstream lines(code);
            for (std::string line; std::getline(lines, line);) {
                line = line.substr(0, line.find('#')); // a comment may name it
                for (auto at = line.find(base); at != std::string::npos;
                     at = line.find(base, at + 1)) {
                    // In a command's place: first on the line or after
                    // | & ; ( (a word after another is an argument).
                    const auto before = line.find_last_not_of(" \t", at == 0 ? 0 : at - 1);
                    const bool command =
                        at == 0 || before == std::string::npos ||
                        std::string_view("|&;(").find(line[before]) != std::string_view::npos;
                    EXPECT_FALSE(command) << s.name << ": " << line;
                    calls += !command && line[before] == '/' ? 1U : 0U;
                }
            }
        }
        EXPECT_GE(calls, s.tools.size()) << s.name;
    }
}

// v1 carries both patches: both scenarios prove a fix. v2 carries 0001 and
// records 0002 as dropped: copyup-acl must show no symptom on stock.
TEST(Scenario, maps_each_version_of_the_real_store_to_its_proofs) {
    auto store = series::Store::open(real_store);
    ASSERT_TRUE(store) << store.error().to_string();
    auto loaded = series::load_scenarios(real_store);
    ASSERT_TRUE(loaded);
    auto v1 = series::proofs_for(*store->find("v1"), *loaded);
    auto v2 = series::proofs_for(*store->find("v2"), *loaded);
    ASSERT_TRUE(v1 && v2);
    ASSERT_EQ(v1->size(), 2U);
    EXPECT_EQ((*v1)[0].expect, series::Expect::Fixed);
    EXPECT_EQ((*v1)[1].expect, series::Expect::Fixed);
    ASSERT_EQ(v2->size(), 2U);
    EXPECT_EQ((*v2)[0].scenario->name, "copyup-acl");
    EXPECT_EQ((*v2)[0].expect, series::Expect::NotReproducible);
    EXPECT_EQ((*v2)[1].scenario->name, "estale");
    EXPECT_EQ((*v2)[1].expect, series::Expect::Fixed);
}

TEST(Scenario, a_store_without_scenarios_has_none) {
    TempDir d;
    write_store(d);
    auto loaded = series::load_scenarios(d.path());
    ASSERT_TRUE(loaded) << loaded.error().to_string();
    EXPECT_TRUE(loaded->empty());
}

TEST(Scenario, a_store_with_scenarios_still_opens) {
    TempDir d;
    write_store(d);
    d.write("scenarios/s/scenario.toml", good_toml);
    d.write("scenarios/s/run.sh", "true\n");
    auto store = series::Store::open(d.path());
    ASSERT_TRUE(store) << store.error().to_string();
    EXPECT_EQ(store->versions().size(), 1U);
    auto loaded = series::load_scenarios(d.path());
    ASSERT_TRUE(loaded) << loaded.error().to_string();
    ASSERT_EQ(loaded->size(), 1U);
    EXPECT_EQ((*loaded)[0].tools[1], "/usr/sbin/rpc.nfsd");
    EXPECT_EQ((*loaded)[0].timeout_seconds, 60U);
    EXPECT_EQ((*loaded)[0].script, "true\n");
}

TEST(Scenario, loads_the_shared_files_a_scenario_uses_in_order) {
    TempDir d;
    write_store(d);
    d.write("scenarios/lib/b.sh", "b() { :; }\n");
    d.write("scenarios/lib/a.sh", "a() { :; }\n");
    d.write("scenarios/lib/unused.sh", "x\n");
    d.write("scenarios/s/scenario.toml", good_toml + "uses = [\"b.sh\", \"a.sh\"]\n");
    d.write("scenarios/s/run.sh", ". /kseries/lib/b.sh\n");
    d.write("scenarios/t/scenario.toml", "proves = \"a.patch\"\n");
    d.write("scenarios/t/run.sh", "true\n");
    auto loaded = series::load_scenarios(d.path());
    ASSERT_TRUE(loaded) << loaded.error().to_string();
    ASSERT_EQ(loaded->size(), 2U); // lib/ is no scenario
    using Uses = std::vector<std::pair<std::string, std::string>>;
    EXPECT_EQ((*loaded)[0].uses, (Uses{{"b.sh", "b() { :; }\n"}, {"a.sh", "a() { :; }\n"}}));
    EXPECT_TRUE((*loaded)[1].uses.empty());
}

TEST(Scenario, refuses_uses_of_a_missing_file_a_link_or_an_unsafe_name) {
    {
        TempDir d;
        const Error e = refusal(d, good_toml + "uses = [\"nfs-server.sh\"]\n");
        EXPECT_EQ(e.kind(), ErrorKind::NotFound) << e.to_string();
        EXPECT_NE(e.to_string().find("scenario.toml:8: uses nfs-server.sh"), std::string::npos)
            << e.to_string();
    }
    {
        TempDir d;
        d.write("elsewhere.sh", "reboot\n");
        std::filesystem::create_directories(d.path() / "scenarios/lib");
        std::filesystem::create_symlink(d.path() / "elsewhere.sh",
                                        d.path() / "scenarios/lib/nfs-server.sh");
        const Error e = refusal(d, good_toml + "uses = [\"nfs-server.sh\"]\n");
        EXPECT_EQ(e.kind(), ErrorKind::Unsafe) << e.to_string();
        EXPECT_NE(e.to_string().find("uses nfs-server.sh"), std::string::npos) << e.to_string();
    }
    for (const std::string bad : {"../x", "lib/a.sh", ".hidden", "-x", "a b"}) {
        TempDir d;
        d.write("scenarios/lib/a.sh", "a\n");
        d.write("x", "x\n");
        const Error e = refusal(d, good_toml + "uses = [\"" + bad + "\"]\n");
        EXPECT_EQ(e.kind(), ErrorKind::Unsafe) << bad << ": " << e.to_string();
        EXPECT_EQ(e.location().line, 8U) << e.to_string();
        EXPECT_NE(e.message().find("uses '" + bad + "'"), std::string::npos) << e.to_string();
    }
    {
        TempDir d;
        d.write("scenarios/lib/a.sh", "a\n");
        const Error e = refusal(d, good_toml + "uses = [\"a.sh\", \"a.sh\"]\n");
        EXPECT_NE(e.message().find("uses 'a.sh' twice"), std::string::npos) << e.to_string();
    }
}

TEST(Scenario, refuses_a_lib_that_is_a_file_or_a_link) {
    {
        TempDir d;
        d.write("scenarios/lib", "not a directory\n");
        const Error e = refusal(d, good_toml);
        EXPECT_EQ(e.kind(), ErrorKind::Unsafe);
        EXPECT_NE(e.to_string().find("scenarios/lib holds the scenarios' shared files"),
                  std::string::npos)
            << e.to_string();
    }
    {
        TempDir d;
        d.write("elsewhere/a.sh", "a\n");
        std::filesystem::create_directories(d.path() / "scenarios");
        std::filesystem::create_directory_symlink(d.path() / "elsewhere",
                                                  d.path() / "scenarios/lib");
        const Error e = refusal(d, good_toml + "uses = [\"a.sh\"]\n");
        EXPECT_EQ(e.kind(), ErrorKind::Unsafe);
        EXPECT_NE(e.to_string().find("scenarios/lib"), std::string::npos) << e.to_string();
    }
}

TEST(Scenario, refuses_bad_fields_naming_file_and_line) {
    struct Case {
        std::string toml;
        std::size_t line;
        std::string message;
    };
    const std::vector<Case> cases = {
        {good_toml + "colour = \"red\"\n", 8, "unknown key 'colour'"},
        {"proves = \"a.patch\"\nmodules = [\"nfsd\", \"../evil\"]\n", 2, "modules '../evil'"},
        {"proves = \"a.patch\"\nmodules = [\"-f\"]\n", 2, "modules '-f'"},
        {"proves = \"a.patch\"\ntools = [\"sbin/rpcbind\"]\n", 2, "tools 'sbin/rpcbind'"},
        {"proves = \"a.patch\"\ntools = [\"/usr/../bin/sh\"]\n", 2, "tools '/usr/../bin/sh'"},
        {"proves = \"a.patch\"\nfiles = [\"etc/services\"]\n", 2, "files 'etc/services'"},
        {"proves = \"a.patch\"\ntimeout_seconds = 0\n", 2, "'timeout_seconds' must be"},
        {"proves = \"a.patch\"\ntimeout_seconds = 100000\n", 2, "'timeout_seconds' must be"},
        {"proves = \"a.patch\"\nmemory_mib = \"1G\"\n", 2, "'memory_mib' must be"},
        {"proves = \"a.patch\"\nmemory_mib = 64\n", 2, "'memory_mib' must be"},
        {"\nproves = \"b.patch\"\n", 2, "proves 'b.patch': no version of the store"},
        {"name = \"other\"\nproves = \"a.patch\"\n", 1, "'name' says \"other\""},
        {"proves = \"a.patch\"\nscript = \"../run.sh\"\n", 2, "script '../run.sh'"},
        {"proves = \"a.patch\"\nmodules = 3\n", 2, "modules"},
    };
    for (const auto& c : cases) {
        TempDir d;
        const Error e = refusal(d, c.toml);
        EXPECT_EQ(e.location().file, (d.path() / "scenarios/s/scenario.toml").string()) << c.toml;
        EXPECT_EQ(e.location().line, c.line) << c.toml << e.to_string();
        EXPECT_NE(e.message().find(c.message), std::string::npos) << e.to_string();
    }
}

TEST(Scenario, refuses_a_scenario_without_proves) {
    TempDir d;
    const Error e = refusal(d, "summary = \"nothing\"\n");
    EXPECT_NE(e.to_string().find("scenario.toml: a scenario needs 'proves'"), std::string::npos)
        << e.to_string();
}

TEST(Scenario, refuses_a_script_that_is_a_symlink_or_missing) {
    {
        TempDir d;
        write_store(d);
        d.write("scenarios/s/scenario.toml", good_toml);
        d.write("elsewhere.sh", "reboot\n");
        std::filesystem::create_symlink(d.path() / "elsewhere.sh", d.path() / "scenarios/s/run.sh");
        auto loaded = series::load_scenarios(d.path());
        ASSERT_FALSE(loaded);
        EXPECT_EQ(loaded.error().kind(), ErrorKind::Unsafe) << loaded.error().to_string();
        EXPECT_NE(loaded.error().to_string().find("scenario.toml: script run.sh"),
                  std::string::npos)
            << loaded.error().to_string();
    }
    {
        TempDir d;
        write_store(d);
        d.write("scenarios/s/scenario.toml", good_toml);
        auto loaded = series::load_scenarios(d.path());
        ASSERT_FALSE(loaded);
        EXPECT_EQ(loaded.error().kind(), ErrorKind::NotFound) << loaded.error().to_string();
        EXPECT_NE(loaded.error().to_string().find("script run.sh"), std::string::npos)
            << loaded.error().to_string();
    }
}

TEST(Scenario, refuses_links_and_stray_files_in_scenarios) {
    TempDir d;
    write_store(d);
    d.write("scenarios/README", "notes\n");
    auto loaded = series::load_scenarios(d.path());
    ASSERT_FALSE(loaded);
    EXPECT_NE(loaded.error().to_string().find("scenarios/README"), std::string::npos);

    TempDir e;
    write_store(e);
    e.write("elsewhere/scenario.toml", good_toml);
    std::filesystem::create_directories(e.path() / "scenarios");
    std::filesystem::create_directory_symlink(e.path() / "elsewhere", e.path() / "scenarios/s");
    auto linked = series::load_scenarios(e.path());
    ASSERT_FALSE(linked);
    EXPECT_EQ(linked.error().kind(), ErrorKind::Unsafe);
}

// The stock 6.12 boot of issue 16's notes, as the serial console gave it:
// terminal escapes before the first line, \r\n, kernel messages between.
TEST(SerialLog, reads_the_verdict_and_evidence_among_printk_noise) {
    const std::string log =
        "SeaBIOS (version 1.16.2-debian-1.16.2-1)\r\n"
        "[    0.000000] Linux version 6.12.117+deb12-amd64\r\n"
        "\x1b"
        "c\x1b[?7l\x1b[2JKSERIES-EVIDENCE: before: file=[old] dir=[a ]\r\n"
        "[    9.881220] overlay: loading out-of-tree module taints kernel.\r\n"
        "[   10.240000] NFSD: Using nfsdcld client tracking operations.\r\n"
        "KSERIES-EVIDENCE: after, access 1: file=[cat: can't open '/merged/file': Stale file "
        "handle] dir=[ls: /merged/dir: Stale file handle ]\r\n"
        "[   10.612345] nfs: server 127.0.0.1 OK KSERIES-EVIDENCE: after, access 2: file=[x]\r\n"
        "+ echo 'KSERIES-SYMPTOM: no traced'\r\n"
        "KSERIES-SYMPTOM: yes Stale file handle through the overlay after the lower changed\r\n"
        "[   11.145926] reboot: Power down\r\n";
    auto r = series::parse_serial_log(log, named("estale"));
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->symptom, series::Symptom::Yes);
    EXPECT_EQ(r->detail, "Stale file handle through the overlay after the lower changed");
    ASSERT_EQ(r->evidence.size(), 3U);
    EXPECT_EQ(r->evidence[0], "before: file=[old] dir=[a ]");
    EXPECT_EQ(r->evidence[2], "after, access 2: file=[x]");
}

// Issue 16's prototype log: SeaBIOS's last words, the console's escapes and
// the first output on one line, without a line break between.
TEST(SerialLog, reads_a_marker_after_the_bioss_escapes_on_its_line) {
    auto r = series::parse_serial_log("Booting from ROM..\x1b"
                                      "c\x1b[?7l\x1b[2JKSERIES-EVIDENCE: first\r\n"
                                      "Booting KSERIES-SYMPTOM: yes not at a line's start\r\n"
                                      "KSERIES-SYMPTOM: no real\r\n",
                                      named("s"));
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->evidence, std::vector<std::string>{"first"});
    EXPECT_EQ(r->symptom, series::Symptom::No);
}

// Real boots of Debian's 6.12 under TCG with these scenarios
// (tests/data/boot/README.md): the verdicts issue 16 asks for.
TEST(SerialLog, reads_the_verdicts_of_real_boots_of_the_real_scenarios) {
    const auto verdict = [](const std::string& log, const std::string& scenario) {
        auto bytes =
            read_regular_file(std::string(KSERIES_SOURCE_ROOT) + "/tests/data/boot/" + log);
        EXPECT_TRUE(bytes) << bytes.error().to_string();
        auto r = series::parse_serial_log(bytes ? *bytes : "", named(scenario));
        EXPECT_TRUE(r) << r.error().to_string();
        return r ? *r : series::SymptomReport{};
    };
    const auto stock = verdict("estale-stock.log", "estale");
    EXPECT_EQ(stock.symptom, series::Symptom::Yes);
    ASSERT_EQ(stock.evidence.size(), 3U);
    EXPECT_NE(stock.evidence[2].find("Stale file handle"), std::string::npos);
    const auto patched = verdict("estale-patched.log", "estale");
    EXPECT_EQ(patched.symptom, series::Symptom::No);
    EXPECT_EQ(patched.detail, "file=[new] dir=[b ]");
    const auto acl = verdict("copyup-acl-stock.log", "copyup-acl");
    EXPECT_EQ(acl.symptom, series::Symptom::No);
    ASSERT_EQ(acl.evidence.size(), 2U);
    EXPECT_EQ(acl.evidence[0], "lower xattrs: [system.nfs4_acl  ]");
    EXPECT_NE(acl.evidence[1].find("upper xattrs: [trusted.overlay.origin  ]"), std::string::npos);
    // The script never ran: no verdict, the console's last lines instead.
    const auto broken = verdict("insmod-error.log", "estale");
    EXPECT_EQ(broken.symptom, series::Symptom::NoVerdict);
    EXPECT_FALSE(broken.evidence.empty());
}

TEST(SerialLog, reads_a_no_with_lf_only_and_a_bare_cr) {
    auto r = series::parse_serial_log("boot\nprogress 10%\rKSERIES-SYMPTOM: no  all fine  \n",
                                      named("s"));
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->symptom, series::Symptom::No);
    EXPECT_EQ(r->detail, "all fine");
    EXPECT_TRUE(r->evidence.empty());
}

TEST(SerialLog, a_log_without_a_verdict_keeps_its_last_20_lines) {
    std::string log;
    for (int i = 1; i <= 30; ++i) {
        log += "[   " + std::to_string(i) + ".000000] line " + std::to_string(i) + "\r\n\r\n";
    }
    log += "KSERIES-EVIDENCE: setup failed: rpc.nfsd\r\n";
    auto r = series::parse_serial_log(log, named("s"));
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->symptom, series::Symptom::NoVerdict);
    EXPECT_TRUE(r->detail.empty());
    ASSERT_EQ(r->evidence.size(), 20U);
    EXPECT_EQ(r->evidence.front(), "[   12.000000] line 12");
    EXPECT_EQ(r->evidence.back(), "KSERIES-EVIDENCE: setup failed: rpc.nfsd");
}

TEST(SerialLog, refuses_two_verdicts_and_a_word_other_than_yes_or_no) {
    auto two = series::parse_serial_log(
        "KSERIES-SYMPTOM: yes a\r\nnoise\r\nKSERIES-SYMPTOM: no b\r\n", named("estale"));
    ASSERT_FALSE(two);
    EXPECT_EQ(two.error().to_string(),
              "serial log of scenario estale:3: a second KSERIES-SYMPTOM line (the first is "
              "line 1): a scenario gives one verdict");
    auto maybe = series::parse_serial_log("x\nKSERIES-SYMPTOM: maybe\n", named("s"));
    ASSERT_FALSE(maybe);
    EXPECT_EQ(maybe.error().location().line, 2U);
    EXPECT_NE(maybe.error().message().find("not \"maybe\""), std::string::npos);
}
