#include <cctype>

#include <gtest/gtest.h>

#include <kseries/report/proof_report.hpp>

using namespace kseries;
using series::BootRecord;
using series::ProofVerdict;
using series::Symptom;

namespace {

BootRecord boot(Symptom symptom, std::string detail, double seconds,
                std::vector<std::string> evidence = {}) {
    BootRecord b;
    b.symptom = symptom;
    b.detail = std::move(detail);
    b.seconds = seconds;
    b.accel = "tcg";
    b.evidence = std::move(evidence);
    return b;
}

// The overlayfs-nfsroot store's v2 on Debian's 6.12, as research-16 saw it.
series::ProofRecord proved() {
    series::ProofRecord r;
    r.store = "overlayfs-nfsroot";
    r.version = "v2";
    r.kernel_release = "6.12.117+deb12-amd64";
    r.seconds = 47;
    series::ScenarioRecord estale;
    estale.scenario = "estale";
    estale.patch = "0001-ovl-super.c-let-the-lower-layer-change.patch";
    estale.stock =
        boot(Symptom::Yes, "Stale file handle through the overlay after the lower changed", 12.1,
             {"after, access 1: file=[cat: can't open '/merged/file': Stale file "
              "handle]"});
    estale.patched = boot(Symptom::No, "file=[new] dir=[b ]", 14.3);
    estale.verdict = ProofVerdict::Proved;
    series::ScenarioRecord acl;
    acl.scenario = "copyup-acl";
    acl.patch = "0002-ovl-copy_up.c-ignore-EOPNOTSUPP-on-xattr-copy-up.patch";
    acl.expect = series::Expect::NotReproducible;
    acl.stock = boot(Symptom::No, "copy-up kept the file", 11.0);
    acl.verdict = ProofVerdict::NotReproducible;
    r.scenarios = {estale, acl};
    return r;
}

} // namespace

TEST(ProofReport, a_proved_record_reads_as_designed) {
    const auto text = report::render_proof_text(
        proved(), "series/overlayfs-nfsroot/proofs/v2/6.12.117+deb12-amd64", {false});
    EXPECT_EQ(text,
              "overlayfs-nfsroot v2 on 6.12.117+deb12-amd64: PROVED (1 fix proved, 1 not "
              "reproducible as recorded) in 47 s\n"
              "  estale      0001-ovl-super.c-let-the-lower-layer-change.patch            proved\n"
              "    stock    symptom     Stale file handle through the overlay after the lower "
              "changed (12.1 s, tcg)\n"
              "    patched  no symptom  file=[new] dir=[b ] (14.3 s, tcg)\n"
              "    evidence (stock):\n"
              "      after, access 1: file=[cat: can't open '/merged/file': Stale file handle]\n"
              "  copyup-acl  0002-ovl-copy_up.c-ignore-EOPNOTSUPP-on-xattr-copy-up.patch  not "
              "reproducible (recorded as dropped)\n"
              "    stock    no symptom  copy-up kept the file (11.0 s, tcg)\n"
              "  serial logs: series/overlayfs-nfsroot/proofs/v2/6.12.117+deb12-amd64/\n");
}

TEST(ProofReport, a_failed_proof_says_why_and_shows_the_console_of_a_silent_boot) {
    auto r = proved();
    r.kvm_note = "/dev/kvm: nested virtualisation is off";
    auto& estale = r.scenarios[0];
    estale.patched = boot(Symptom::NoVerdict, "", 180.0, {"[  179.9] rcu: INFO: stall\x1b[2J"});
    estale.patched->problem = "timed out after 180 s";
    estale.verdict = ProofVerdict::NoVerdict;
    r.scenarios[1].stock->symptom = Symptom::Yes;
    r.scenarios[1].verdict = ProofVerdict::Reproduced;
    const auto text = report::render_proof_text(r, "S/proofs/v2/x", {false});
    EXPECT_NE(text.find(": NOT PROVED (1 reproduced against the record, 1 without a verdict) in "
                        "47 s\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("NO VERDICT: a boot did not say\n"), std::string::npos) << text;
    EXPECT_NE(text.find("    patched  no verdict  timed out after 180 s (180.0 s, tcg)\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("    evidence (patched), the console's last lines:\n      [  179.9] rcu: "
                        "INFO: stall\\x1b[2J\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("REPRODUCED: the stock kernel shows the symptom"), std::string::npos);
    EXPECT_NE(text.find("  booted without KVM: /dev/kvm: nested virtualisation is off\n"),
              std::string::npos);
    EXPECT_EQ(text.find('\x1b'), std::string::npos) << "the VM's escape reached the terminal";
}

TEST(ProofReport, a_fix_without_its_patched_boot_says_so_and_colour_marks_the_verdict) {
    auto r = proved();
    r.scenarios[0].patched.reset();
    r.scenarios[0].verdict = ProofVerdict::NoVerdict;
    const auto plain = report::render_proof_text(r, "d", {false});
    EXPECT_NE(plain.find("    patched  not booted\n"), std::string::npos) << plain;
    const auto coloured = report::render_proof_text(r, "d", {true});
    EXPECT_NE(coloured.find(report::paint({true}, report::Tone::Bad, "NOT PROVED")),
              std::string::npos);
}

TEST(ProofReport, json_is_exactly_proof_json) {
    const auto r = proved();
    EXPECT_EQ(report::render_proof_json(r), series::to_json(r));
    auto back = series::proof_from_json(report::render_proof_json(r), "out");
    ASSERT_TRUE(back) << back.error().to_string();
    EXPECT_EQ(series::to_json(*back), series::to_json(r));
}

TEST(ProofReport, every_verdict_has_its_words) {
    for (const auto v :
         {ProofVerdict::Proved, ProofVerdict::NotProved, ProofVerdict::NotShownOnStock,
          ProofVerdict::NotReproducible, ProofVerdict::Reproduced, ProofVerdict::NoVerdict}) {
        const auto words = report::proof_verdict_text(v);
        // A failing verdict shouts, as the other reports' FAILS does.
        EXPECT_EQ(series::verdict_fails(v), std::isupper(static_cast<unsigned char>(words[0])) != 0)
            << words;
    }
}
