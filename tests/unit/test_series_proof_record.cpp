#include <algorithm>
#include <filesystem>

#include <gtest/gtest.h>

#include <kseries/series/proof_record.hpp>

#include "temp_dir.hpp"

using namespace kseries;
using kseries::series::BootRecord;
using kseries::series::Expect;
using kseries::series::ProofRecord;
using kseries::series::ProofVerdict;
using kseries::series::Symptom;
using kseries::test::TempDir;

namespace fs = std::filesystem;

namespace {

BootRecord boot(Symptom symptom, const std::string& log) {
    BootRecord b;
    b.symptom = symptom;
    b.detail = symptom == Symptom::Yes ? "Stale file handle through the overlay" : "";
    b.evidence = {"after, access 1: file=[cat: can't open '/merged/file': Stale file handle]"};
    b.seconds = 12.5;
    b.accel = "tcg";
    b.log = log;
    return b;
}

// The shape verify --boot writes: one fix proved, one drop confirmed.
ProofRecord record(const std::string& version = "v2",
                   const std::string& release = "6.12.117+deb12-amd64") {
    ProofRecord r;
    r.store = "overlayfs-nfsroot";
    r.version = version;
    r.kernel_release = release;
    r.date = "2026-12-01T12:00:00Z";
    r.module_vermagic = "6.12.117+deb12-amd64 SMP preempt mod_unload modversions";
    r.kvm_note = "KVM: /dev/kvm cannot run a nested guest here";
    r.build_seconds = 31.5;
    r.seconds = 47;
    series::ScenarioRecord estale;
    estale.scenario = "estale";
    estale.patch = "0001-ovl-super.c-let-the-lower-layer-change.patch";
    estale.expect = Expect::Fixed;
    estale.stock = boot(Symptom::Yes, "estale.stock.log");
    estale.patched = boot(Symptom::No, "estale.patched.log");
    estale.verdict = ProofVerdict::Proved;
    series::ScenarioRecord acl;
    acl.scenario = "copyup-acl";
    acl.patch = "0002-ovl-copy_up.c-ignore-EOPNOTSUPP-on-xattr-copy-up.patch";
    acl.expect = Expect::NotReproducible;
    acl.stock = boot(Symptom::No, "copyup-acl.stock.log");
    acl.stock->problem = "";
    acl.verdict = ProofVerdict::NotReproducible;
    r.scenarios = {estale, acl};
    return r;
}

const std::map<std::string, std::string> logs = {{"estale.stock.log", "stock console\n"},
                                                 {"estale.patched.log", "patched console\n"}};

// The entries of a directory, dot-names included.
std::vector<std::string> entries(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) {
        out.push_back(e.path().filename().string());
    }
    std::ranges::sort(out);
    return out;
}

} // namespace

TEST(ProofRecord, json_round_trip_keeps_every_field) {
    const ProofRecord r = record();
    const std::string json = series::to_json(r);
    auto back = series::proof_from_json(json, "proof.json");
    ASSERT_TRUE(back) << back.error().to_string();
    EXPECT_EQ(series::to_json(*back), json);
    EXPECT_EQ(back->scenarios.size(), 2U);
    EXPECT_EQ(back->scenarios[0].stock->evidence, r.scenarios[0].stock->evidence);
    EXPECT_FALSE(back->scenarios[1].patched);
    EXPECT_EQ(back->kvm_note, r.kvm_note);
    EXPECT_NE(json.find("\"verdict\": \"proved\""), std::string::npos);
}

TEST(ProofRecord, save_then_load_round_trips_with_the_logs) {
    const TempDir d;
    auto dir = series::save_proof(d.path(), record(), logs);
    ASSERT_TRUE(dir) << dir.error().to_string();
    EXPECT_EQ(*dir, d.path() / "proofs/v2/6.12.117+deb12-amd64");
    EXPECT_EQ(d.read("proofs/v2/6.12.117+deb12-amd64/estale.stock.log"), "stock console\n");
    EXPECT_EQ(d.read("proofs/v2/6.12.117+deb12-amd64/proof.json"), series::to_json(record()));
    auto loaded = series::load_proofs(d.path());
    ASSERT_TRUE(loaded) << loaded.error().to_string();
    ASSERT_EQ(loaded->size(), 1U);
    EXPECT_EQ(series::to_json(loaded->front()), series::to_json(record()));
}

TEST(ProofRecord, a_store_without_proofs_has_none) {
    const TempDir d;
    auto loaded = series::load_proofs(d.path());
    ASSERT_TRUE(loaded);
    EXPECT_TRUE(loaded->empty());
}

TEST(ProofRecord, replacing_keeps_exactly_one_record_and_only_the_new_logs) {
    const TempDir d;
    ASSERT_TRUE(series::save_proof(d.path(), record(), logs));
    ProofRecord newer = record();
    newer.date = "2026-12-02T08:00:00Z";
    ASSERT_TRUE(series::save_proof(d.path(), newer, {{"estale.stock.log", "second\n"}}));
    EXPECT_EQ(entries(d.path() / "proofs/v2"),
              (std::vector<std::string>{".lock", "6.12.117+deb12-amd64"}));
    EXPECT_EQ(entries(d.path() / "proofs/v2/6.12.117+deb12-amd64"),
              (std::vector<std::string>{"estale.stock.log", "proof.json"}));
    auto loaded = series::load_proofs(d.path());
    ASSERT_TRUE(loaded);
    ASSERT_EQ(loaded->size(), 1U);
    EXPECT_EQ(loaded->front().date, "2026-12-02T08:00:00Z");
}

TEST(ProofRecord, a_failing_write_leaves_the_old_record) {
    const TempDir d;
    ASSERT_TRUE(series::save_proof(d.path(), record(), logs));
    const std::string before = d.read("proofs/v2/6.12.117+deb12-amd64/proof.json");
    ProofRecord newer = record();
    newer.date = "2026-12-02T08:00:00Z";
    auto saved = series::save_proof(d.path(), newer, {{"../escape.log", "x"}});
    ASSERT_FALSE(saved);
    EXPECT_EQ(saved.error().kind(), ErrorKind::Unsafe);
    EXPECT_NE(saved.error().message().find("../escape.log"), std::string::npos);
    EXPECT_EQ(d.read("proofs/v2/6.12.117+deb12-amd64/proof.json"), before);
    EXPECT_FALSE(fs::exists(d.path() / "proofs/escape.log"));
    // Nor does an empty log name leave a temporary behind.
    auto empty_name = series::save_proof(d.path(), newer, {{"", "x"}});
    ASSERT_FALSE(empty_name);
    EXPECT_EQ(d.read("proofs/v2/6.12.117+deb12-amd64/proof.json"), before);
    EXPECT_EQ(entries(d.path() / "proofs/v2"),
              (std::vector<std::string>{".lock", "6.12.117+deb12-amd64"}));
}

TEST(ProofRecord, refuses_unsafe_version_and_release_names) {
    const TempDir d;
    for (const auto& [version, release] :
         std::vector<std::pair<std::string, std::string>>{{"../v2", "6.12"},
                                                          {"v2/x", "6.12"},
                                                          {".v2", "6.12"},
                                                          {"2", "6.12"},
                                                          {"v2", "../6.12"},
                                                          {"v2", ".6.12"},
                                                          {"v2", "6.12 x"},
                                                          {"v2", ""}}) {
        auto saved = series::save_proof(d.path(), record(version, release), logs);
        ASSERT_FALSE(saved) << version << " " << release;
        EXPECT_EQ(saved.error().kind(), ErrorKind::Unsafe) << version << " " << release;
    }
    EXPECT_FALSE(fs::exists(d.path() / "proofs"));
}

TEST(ProofRecord, refuses_a_symlinked_proofs_or_version_directory) {
    const TempDir d;
    const TempDir elsewhere;
    fs::create_directory_symlink(elsewhere.path(), d.path() / "proofs");
    auto saved = series::save_proof(d.path(), record(), logs);
    ASSERT_FALSE(saved);
    EXPECT_EQ(saved.error().kind(), ErrorKind::Unsafe);
    auto loaded = series::load_proofs(d.path());
    ASSERT_FALSE(loaded);
    EXPECT_EQ(loaded.error().kind(), ErrorKind::Unsafe);
    EXPECT_TRUE(fs::is_empty(elsewhere.path()));

    fs::remove(d.path() / "proofs");
    fs::create_directory(d.path() / "proofs");
    fs::create_directory_symlink(elsewhere.path(), d.path() / "proofs/v2");
    saved = series::save_proof(d.path(), record(), logs);
    ASSERT_FALSE(saved);
    EXPECT_EQ(saved.error().kind(), ErrorKind::Unsafe);
    EXPECT_NE(saved.error().message().find("proofs/v2"), std::string::npos);
    loaded = series::load_proofs(d.path());
    ASSERT_FALSE(loaded);
    EXPECT_EQ(loaded.error().kind(), ErrorKind::Unsafe);
    EXPECT_TRUE(fs::is_empty(elsewhere.path()));
}

TEST(ProofRecord, load_refuses_a_symlinked_record_directory) {
    const TempDir d;
    ASSERT_TRUE(series::save_proof(d.path(), record(), logs));
    fs::create_directory_symlink(d.path() / "proofs/v2/6.12.117+deb12-amd64",
                                 d.path() / "proofs/v2/6.1");
    auto loaded = series::load_proofs(d.path());
    ASSERT_FALSE(loaded);
    EXPECT_EQ(loaded.error().kind(), ErrorKind::Unsafe);
    EXPECT_NE(loaded.error().message().find("proofs/v2/6.1"), std::string::npos);
}

TEST(ProofRecord, bad_json_names_the_file) {
    const TempDir d;
    d.write("proofs/v2/6.12/proof.json", "{\"store\": ");
    auto loaded = series::load_proofs(d.path());
    ASSERT_FALSE(loaded);
    EXPECT_EQ(loaded.error().kind(), ErrorKind::Parse);
    EXPECT_EQ(loaded.error().location().file, (d.path() / "proofs/v2/6.12/proof.json").string());
    EXPECT_NE(loaded.error().to_string().find("proof.json: not valid JSON"), std::string::npos);
}

TEST(ProofRecord, an_unknown_verdict_key_is_a_parse_error) {
    std::string json = series::to_json(record());
    const std::string from = "\"verdict\": \"not-reproducible\"";
    json.replace(json.find(from), from.size(), "\"verdict\": \"maybe\"");
    auto parsed = series::proof_from_json(json, "x/proof.json");
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().kind(), ErrorKind::Parse);
    EXPECT_EQ(parsed.error().to_string(), "x/proof.json: scenarios[1]: unknown verdict 'maybe'");
}

TEST(ProofRecord, a_missing_field_or_a_record_in_the_wrong_place_is_a_parse_error) {
    auto parsed = series::proof_from_json("{\"store\": \"s\"}", "p.json");
    ASSERT_FALSE(parsed);
    EXPECT_EQ(parsed.error().to_string(), "p.json: the record: 'version' is missing");
    const TempDir d;
    d.write("proofs/v3/6.12.117+deb12-amd64/proof.json", series::to_json(record()));
    auto loaded = series::load_proofs(d.path());
    ASSERT_FALSE(loaded);
    EXPECT_EQ(loaded.error().kind(), ErrorKind::Parse);
    EXPECT_NE(loaded.error().message().find("lies in v3/"), std::string::npos);
}

TEST(ProofRecord, load_sorts_by_version_number_then_release_and_ignores_dot_names) {
    const TempDir d;
    ASSERT_TRUE(series::save_proof(d.path(), record("v10", "6.12"), {}));
    ASSERT_TRUE(series::save_proof(d.path(), record("v2", "6.9"), {}));
    ASSERT_TRUE(series::save_proof(d.path(), record("v2", "6.12"), {}));
    d.write("proofs/v2/.6.1.tmp-abc/proof.json", "not json");
    d.write("proofs/v2/.old-6.1.tmp-abc/proof.json", "not json");
    auto loaded = series::load_proofs(d.path());
    ASSERT_TRUE(loaded) << loaded.error().to_string();
    std::vector<std::string> order;
    for (const auto& r : *loaded) {
        order.push_back(r.version + " " + r.kernel_release);
    }
    EXPECT_EQ(order, (std::vector<std::string>{"v2 6.12", "v2 6.9", "v10 6.12"}));
}

TEST(ProofRecord, verdict_keys_round_trip_and_failures_are_exact) {
    for (const auto v :
         {ProofVerdict::Proved, ProofVerdict::NotProved, ProofVerdict::NotShownOnStock,
          ProofVerdict::NotReproducible, ProofVerdict::Reproduced, ProofVerdict::NoVerdict}) {
        EXPECT_EQ(series::parse_verdict_key(series::verdict_key(v)), v);
        EXPECT_EQ(series::verdict_fails(v),
                  v != ProofVerdict::Proved && v != ProofVerdict::NotReproducible);
    }
    EXPECT_FALSE(series::parse_verdict_key("Proved"));
}

// Every combination of what was expected and what the two boots showed
// (a missing boot counted as its own case), against the table of
// docs/formats/proofs.md.
TEST(ProofRecord, judge_table_exhaustively) {
    enum Boot { Missing, Yes, No, None };
    const auto make = [](Boot b) -> std::optional<BootRecord> {
        if (b == Missing) {
            return std::nullopt;
        }
        return boot(b == Yes ? Symptom::Yes : b == No ? Symptom::No : Symptom::NoVerdict, "l");
    };
    const auto expected = [](Expect e, Boot stock, Boot patched) {
        if (stock == Missing || stock == None) {
            return ProofVerdict::NoVerdict;
        }
        if (e == Expect::NotReproducible) {
            return stock == No ? ProofVerdict::NotReproducible : ProofVerdict::Reproduced;
        }
        if (stock == No) {
            return ProofVerdict::NotShownOnStock;
        }
        if (patched == No) {
            return ProofVerdict::Proved;
        }
        return patched == Yes ? ProofVerdict::NotProved : ProofVerdict::NoVerdict;
    };
    int cases = 0;
    for (const auto e : {Expect::Fixed, Expect::NotReproducible}) {
        for (const auto s : {Missing, Yes, No, None}) {
            for (const auto p : {Missing, Yes, No, None}) {
                EXPECT_EQ(series::judge(e, make(s), make(p)), expected(e, s, p))
                    << static_cast<int>(e) << " stock " << s << " patched " << p;
                ++cases;
            }
        }
    }
    EXPECT_EQ(cases, 32);
    // The table's named rows, spelled out.
    EXPECT_EQ(series::judge(Expect::Fixed, make(Yes), make(No)), ProofVerdict::Proved);
    EXPECT_EQ(series::judge(Expect::Fixed, make(Yes), make(Yes)), ProofVerdict::NotProved);
    EXPECT_EQ(series::judge(Expect::Fixed, make(No), make(No)), ProofVerdict::NotShownOnStock);
    EXPECT_EQ(series::judge(Expect::Fixed, make(Yes), make(None)), ProofVerdict::NoVerdict);
    EXPECT_EQ(series::judge(Expect::NotReproducible, make(No), make(Missing)),
              ProofVerdict::NotReproducible);
    EXPECT_EQ(series::judge(Expect::NotReproducible, make(Yes), make(Missing)),
              ProofVerdict::Reproduced);
}
