// The boot proof's scenarios (docs/formats/scenario.md): the maintainer's own
// tests, kept in the series store beside its versions
// (`STORE/scenarios/<name>/{scenario.toml, run.sh}`). kseries reads and
// checks them here and reads the verdict out of a VM's serial log; it never
// runs a scenario's script on the host.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <kseries/series/store.hpp>
#include <kseries/util/error.hpp>

namespace kseries::series {

struct Scenario {
    std::string name;    // the directory's name: "estale"
    std::string summary; // one line for people
    // The patch this scenario proves, by its file name in a version's
    // `series`; more than one name when the patch was renamed between
    // versions (a version carries at most one of them).
    std::vector<std::string> proves;
    std::vector<std::string> modules; // kernel modules, loaded in this order
    std::vector<std::string> tools;   // host programs (bare names or absolute paths)
    std::vector<std::string> files;   // host files copied to the same path (absolute)
    std::uint32_t memory_mib = 1024;
    std::uint32_t timeout_seconds = 300;
    std::filesystem::path dir; // STORE/scenarios/<name>
    std::string script_name;   // "run.sh": a plain name inside `dir`
    std::string script;        // its bytes, as read (copied into the initramfs)
    // The store's shared shell files it sources (`uses`, from
    // STORE/scenarios/lib/), in the order named: copied to /kseries/lib/NAME.
    std::vector<std::pair<std::string, std::string>> uses; // name, bytes
    Location location;         // scenario.toml
};

// What a store version claims a scenario shows.
enum class Expect {
    Fixed,           // the version carries the patch: stock shows the symptom, patched not
    NotReproducible, // the version records it [[dropped]]: the kernel has the fix already
};

struct Proof {
    const Scenario* scenario;
    std::string patch; // the name `proves` matched in the version
    Expect expect;
};

// Every scenario of the store at `store_dir`, in name order; a store without
// a scenarios/ directory has none. Every field is checked (errors name
// scenario.toml and the line), and each name in `proves` must be a patch
// some version of the store carries or records.
[[nodiscard]] Expected<std::vector<Scenario>>
load_scenarios(const std::filesystem::path& store_dir);

// The scenarios that prove something for `version`, with what each is
// expected to show: a scenario whose patch the version carries proves the
// fix; one whose patch it records as [[dropped]] proves the stock kernel
// has no symptom; a patch the version neither carries nor dropped (absent,
// or [[skipped]]) has nothing to prove there.
[[nodiscard]] Expected<std::vector<Proof>> proofs_for(const Version& version,
                                                      const std::vector<Scenario>& scenarios);

enum class Symptom { Yes, No, NoVerdict };

struct SymptomReport {
    Symptom symptom = Symptom::NoVerdict;
    std::string detail; // the SYMPTOM line's words after yes|no
    // KSERIES-EVIDENCE lines in order; for NoVerdict, the log's last 20
    // non-empty lines instead (what the console showed when it stopped).
    std::vector<std::string> evidence;
};

// Reads the protocol out of a boot's serial log: `KSERIES-SYMPTOM: yes|no
// <detail>` (exactly one) and `KSERIES-EVIDENCE: <line>`, each at the start
// of a console line or after kernel printk output on the same line; \r is a
// line break. A log without a SYMPTOM line is NoVerdict (the scenario hung
// or the VM died: an error, not a verdict); two SYMPTOM lines or a word
// other than yes|no is a Parse error naming the scenario and the log line.
// One piece of a serial console line: `text` without its "\r\n", `line`
// its 1-based line number in the log. A bare \r inside a line starts a new
// piece; empty pieces are left out.
struct ConsolePiece {
    std::string_view text;
    std::size_t line;
};
[[nodiscard]] std::vector<ConsolePiece> console_pieces(std::string_view log);

// The words after `marker` when a console piece carries it: at its start
// (after any terminal escape sequences, e.g. SeaBIOS's before the first
// output), or anywhere in a piece a kernel message started ("[  10.6] ...");
// a shell trace ("+ echo KSERIES-...") does not count.
[[nodiscard]] std::optional<std::string_view> console_marker(std::string_view piece,
                                                             std::string_view marker);

[[nodiscard]] Expected<SymptomReport> parse_serial_log(std::string_view log,
                                                       const Scenario& scenario);

} // namespace kseries::series
