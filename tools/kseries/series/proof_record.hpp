// What one `verify --boot` showed, kept for the maintainer and for the
// matrix: per scenario of a store version, the symptom on the stock and on
// the patched kernel, with the evidence and the serial logs. Records live
// beside the store's versions, in their own directory, each written in one
// rename, so they never touch what the store's atomic writes change
// (index.toml, vN/):
//
//   STORE/proofs/<version>/<kernel release>/proof.json
//   STORE/proofs/<version>/<kernel release>/<scenario>.<stock|patched>.log
//
// A newer proof of the same version and kernel replaces the older one
// whole (docs/formats/proofs.md).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <kseries/series/scenario.hpp>
#include <kseries/util/error.hpp>

namespace kseries::series {

// What the two boots of a scenario say about its patch.
enum class ProofVerdict {
    Proved,          // expected fixed: the symptom on stock, none on patched
    NotProved,       // expected fixed: the symptom is still there on patched
    NotShownOnStock, // expected fixed, but stock shows no symptom: the scenario proves nothing here
    NotReproducible, // expected not reproducible ([[dropped]]): stock shows none, as recorded
    Reproduced,      // expected not reproducible, yet stock shows the symptom: the record is wrong
    NoVerdict,       // a boot gave no verdict (hang, timeout, setup failed, module did not load)
};

// "proved", "not-proved", "not-shown-on-stock", "not-reproducible",
// "reproduced", "no-verdict": the words JSON and the matrix use.
[[nodiscard]] std::string_view verdict_key(ProofVerdict verdict);
[[nodiscard]] std::optional<ProofVerdict> parse_verdict_key(std::string_view key);

// Whether the verdict fails the proof (exit 1): NotProved, Reproduced,
// NoVerdict. NotShownOnStock fails too: a fix that cannot be shown is not
// proved.
[[nodiscard]] bool verdict_fails(ProofVerdict verdict);

// One boot of one scenario.
struct BootRecord {
    Symptom symptom = Symptom::NoVerdict;
    std::string detail;                // the SYMPTOM line's words
    std::vector<std::string> evidence; // EVIDENCE lines, or the log's tail for NoVerdict
    std::string
        problem; // NoVerdict: why ("timed out after 180 s", "module overlay did not load: ...")
    double seconds = 0; // qemu's start to its end
    std::string accel;  // "kvm" or "tcg"
    std::string log;    // the serial log's file name in the record's directory
};

struct ScenarioRecord {
    std::string scenario; // its name
    std::string patch;    // the patch it proves, as the version names it
    Expect expect = Expect::Fixed;
    std::optional<BootRecord> stock;
    std::optional<BootRecord> patched; // none when expect is NotReproducible
    ProofVerdict verdict = ProofVerdict::NoVerdict;
};

// The verdict the boots give for what was expected (the table in
// docs/formats/proofs.md). A missing or NoVerdict boot that is needed
// gives NoVerdict.
[[nodiscard]] ProofVerdict judge(Expect expect, const std::optional<BootRecord>& stock,
                                 const std::optional<BootRecord>& patched);

struct ProofRecord {
    std::string store;           // the store's name: "overlayfs-nfsroot"
    std::string version;         // "v2"
    std::string kernel_release;  // "6.12.117+deb12-amd64"
    std::string date;            // UTC, "2026-12-01T12:00:00Z"
    std::string kseries_version; // the kseries that made the proof (kseries --version)
    std::string module_vermagic; // the patched module's
    std::string kvm_note;        // why KVM was given up on, "" when it was not tried or worked
    double build_seconds = 0;    // the patched modules' build
    double seconds = 0;          // the whole proof
    std::vector<ScenarioRecord> scenarios;

    // No scenario's verdict fails.
    [[nodiscard]] bool proved() const;
};

// The record as proof.json (a JSON object; docs/formats/proofs.md), and
// back. Parse errors name `origin` and what is wrong.
[[nodiscard]] std::string to_json(const ProofRecord& record);
[[nodiscard]] Expected<ProofRecord> proof_from_json(std::string_view json,
                                                    const std::string& origin);

// Writes the record and its logs (file name -> text; plain names, no
// '/') as STORE/proofs/<version>/<kernel release>/, replacing an older
// record of the same version and kernel in one rename; returns that
// directory. Nothing is written elsewhere in the store, and a failure
// leaves the older record as it was.
[[nodiscard]] Expected<std::filesystem::path>
save_proof(const std::filesystem::path& store_dir, const ProofRecord& record,
           const std::map<std::string, std::string>& logs);

// Every record of the store, by version then kernel release; a store
// without proofs/ has none. A record that does not parse is an error
// naming its proof.json; links in proofs/ are refused (Unsafe).
[[nodiscard]] Expected<std::vector<ProofRecord>>
load_proofs(const std::filesystem::path& store_dir);

} // namespace kseries::series
