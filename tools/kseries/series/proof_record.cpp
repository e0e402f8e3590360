#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <kseries/series/proof_record.hpp>
#include <kseries/series/store.hpp>
#include <kseries/util/fd.hpp>
#include <kseries/util/file.hpp>
#include <kseries/util/lock.hpp>
#include <kseries/util/temp_dir.hpp>

namespace kseries::series {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

std::string_view verdict_key(ProofVerdict verdict) {
    switch (verdict) {
    case ProofVerdict::Proved:
        return "proved";
    case ProofVerdict::NotProved:
        return "not-proved";
    case ProofVerdict::NotShownOnStock:
        return "not-shown-on-stock";
    case ProofVerdict::NotReproducible:
        return "not-reproducible";
    case ProofVerdict::Reproduced:
        return "reproduced";
    case ProofVerdict::NoVerdict:
        return "no-verdict";
    }
    return "no-verdict";
}

std::optional<ProofVerdict> parse_verdict_key(std::string_view key) {
    for (const auto v :
         {ProofVerdict::Proved, ProofVerdict::NotProved, ProofVerdict::NotShownOnStock,
          ProofVerdict::NotReproducible, ProofVerdict::Reproduced, ProofVerdict::NoVerdict}) {
        if (verdict_key(v) == key) {
            return v;
        }
    }
    return std::nullopt;
}

bool verdict_fails(ProofVerdict verdict) {
    return verdict != ProofVerdict::Proved && verdict != ProofVerdict::NotReproducible;
}

ProofVerdict judge(Expect expect, const std::optional<BootRecord>& stock,
                   const std::optional<BootRecord>& patched) {
    const Symptom on_stock = stock ? stock->symptom : Symptom::NoVerdict;
    const Symptom on_patched = patched ? patched->symptom : Symptom::NoVerdict;
    if (on_stock == Symptom::NoVerdict) {
        return ProofVerdict::NoVerdict;
    }
    if (expect == Expect::NotReproducible) {
        // The patched boot proves nothing about a fix the kernel already has.
        return on_stock == Symptom::No ? ProofVerdict::NotReproducible : ProofVerdict::Reproduced;
    }
    if (on_stock == Symptom::No) {
        // Whatever the patched kernel shows, the scenario cannot tell a fix.
        return ProofVerdict::NotShownOnStock;
    }
    switch (on_patched) {
    case Symptom::No:
        return ProofVerdict::Proved;
    case Symptom::Yes:
        return ProofVerdict::NotProved;
    case Symptom::NoVerdict:
        break;
    }
    return ProofVerdict::NoVerdict;
}

bool ProofRecord::proved() const {
    return std::ranges::none_of(scenarios,
                                [](const ScenarioRecord& s) { return verdict_fails(s.verdict); });
}

namespace {

std::string_view symptom_key(Symptom s) {
    switch (s) {
    case Symptom::Yes:
        return "yes";
    case Symptom::No:
        return "no";
    case Symptom::NoVerdict:
        return "no-verdict";
    }
    return "no-verdict";
}

std::string_view expect_key(Expect e) {
    return e == Expect::Fixed ? "fixed" : "not-reproducible";
}

Json boot_json(const BootRecord& b) {
    Json j;
    j["symptom"] = symptom_key(b.symptom);
    j["detail"] = b.detail;
    j["evidence"] = b.evidence;
    j["problem"] = b.problem;
    j["seconds"] = b.seconds;
    j["accel"] = b.accel;
    j["log"] = b.log;
    return j;
}

// Reading proof.json: every error names the file and the field.
class Reader {
public:
    explicit Reader(const std::string& origin) : m_origin(origin) {}

    [[nodiscard]] Error error(const std::string& what) const {
        return {ErrorKind::Parse, what, Location{m_origin, 0}};
    }

    Expected<const Json*> field(const Json& j, const char* key, Json::value_t type,
                                const std::string& where) const {
        const auto it = j.find(key);
        if (it == j.end()) {
            return std::unexpected(error(fmt::format("{}: '{}' is missing", where, key)));
        }
        const bool number = type == Json::value_t::number_float && it->is_number();
        if (it->type() != type && !number) {
            return std::unexpected(
                error(fmt::format("{}: '{}' is not a {}", where, key, Json(type).type_name())));
        }
        return &*it;
    }

    Expected<std::string> string(const Json& j, const char* key, const std::string& where) const {
        return KSERIES_TRY(field(j, key, Json::value_t::string, where))->get<std::string>();
    }

    Expected<double> number(const Json& j, const char* key, const std::string& where) const {
        return KSERIES_TRY(field(j, key, Json::value_t::number_float, where))->get<double>();
    }

    Expected<BootRecord> boot(const Json& j, const std::string& where) const {
        if (!j.is_object()) {
            return std::unexpected(error(where + " is not an object"));
        }
        BootRecord b;
        const std::string symptom = KSERIES_TRY(string(j, "symptom", where));
        if (symptom == symptom_key(Symptom::Yes)) {
            b.symptom = Symptom::Yes;
        } else if (symptom == symptom_key(Symptom::No)) {
            b.symptom = Symptom::No;
        } else if (symptom != symptom_key(Symptom::NoVerdict)) {
            return std::unexpected(error(
                fmt::format("{}: unknown symptom '{}' (yes, no or no-verdict)", where, symptom)));
        }
        b.detail = KSERIES_TRY(string(j, "detail", where));
        for (const auto& line : *KSERIES_TRY(field(j, "evidence", Json::value_t::array, where))) {
            if (!line.is_string()) {
                return std::unexpected(error(where + ": 'evidence' holds a non-string"));
            }
            b.evidence.push_back(line.get<std::string>());
        }
        b.problem = KSERIES_TRY(string(j, "problem", where));
        b.seconds = KSERIES_TRY(number(j, "seconds", where));
        b.accel = KSERIES_TRY(string(j, "accel", where));
        b.log = KSERIES_TRY(string(j, "log", where));
        return b;
    }

    Expected<ScenarioRecord> scenario(const Json& j, std::size_t index) const {
        const std::string where = fmt::format("scenarios[{}]", index);
        if (!j.is_object()) {
            return std::unexpected(error(where + " is not an object"));
        }
        ScenarioRecord s;
        s.scenario = KSERIES_TRY(string(j, "scenario", where));
        s.patch = KSERIES_TRY(string(j, "patch", where));
        const std::string expect = KSERIES_TRY(string(j, "expect", where));
        if (expect == expect_key(Expect::Fixed)) {
            s.expect = Expect::Fixed;
        } else if (expect == expect_key(Expect::NotReproducible)) {
            s.expect = Expect::NotReproducible;
        } else {
            return std::unexpected(error(
                fmt::format("{}: unknown expect '{}' (fixed or not-reproducible)", where, expect)));
        }
        const std::string verdict = KSERIES_TRY(string(j, "verdict", where));
        const auto v = parse_verdict_key(verdict);
        if (!v) {
            return std::unexpected(error(fmt::format("{}: unknown verdict '{}'", where, verdict)));
        }
        s.verdict = *v;
        for (const auto* key : {"stock", "patched"}) {
            const auto it = j.find(key);
            if (it != j.end() && !it->is_null()) {
                auto& slot = std::string_view(key) == "stock" ? s.stock : s.patched;
                slot = KSERIES_TRY(boot(*it, where + "." + key));
            }
        }
        return s;
    }

private:
    const std::string& m_origin;
};

} // namespace

std::string to_json(const ProofRecord& record) {
    Json j;
    j["store"] = record.store;
    j["version"] = record.version;
    j["kernel_release"] = record.kernel_release;
    j["date"] = record.date;
    j["kseries_version"] = record.kseries_version;
    j["verdict"] = record.proved() ? "proved" : "not-proved";
    j["module_vermagic"] = record.module_vermagic;
    j["kvm_note"] = record.kvm_note;
    j["build_seconds"] = record.build_seconds;
    j["seconds"] = record.seconds;
    j["scenarios"] = Json::array();
    for (const auto& s : record.scenarios) {
        Json sj;
        sj["scenario"] = s.scenario;
        sj["patch"] = s.patch;
        sj["expect"] = expect_key(s.expect);
        sj["verdict"] = verdict_key(s.verdict);
        sj["stock"] = s.stock ? boot_json(*s.stock) : Json();
        sj["patched"] = s.patched ? boot_json(*s.patched) : Json();
        j["scenarios"].push_back(std::move(sj));
    }
    return j.dump(2) + "\n";
}

Expected<ProofRecord> proof_from_json(std::string_view json, const std::string& origin) {
    const Reader r(origin);
    const auto j = Json::parse(json, nullptr, false);
    if (j.is_discarded()) {
        return std::unexpected(r.error("not valid JSON"));
    }
    if (!j.is_object()) {
        return std::unexpected(r.error("not a JSON object"));
    }
    ProofRecord p;
    p.store = KSERIES_TRY(r.string(j, "store", "the record"));
    p.version = KSERIES_TRY(r.string(j, "version", "the record"));
    p.kernel_release = KSERIES_TRY(r.string(j, "kernel_release", "the record"));
    p.date = KSERIES_TRY(r.string(j, "date", "the record"));
    // Who wrote it: informative, so a record without it still reads.
    if (const auto v = j.find("kseries_version"); v != j.end() && v->is_string()) {
        p.kseries_version = v->get<std::string>();
    }
    p.module_vermagic = KSERIES_TRY(r.string(j, "module_vermagic", "the record"));
    p.kvm_note = KSERIES_TRY(r.string(j, "kvm_note", "the record"));
    p.build_seconds = KSERIES_TRY(r.number(j, "build_seconds", "the record"));
    p.seconds = KSERIES_TRY(r.number(j, "seconds", "the record"));
    const auto& scenarios =
        *KSERIES_TRY(r.field(j, "scenarios", Json::value_t::array, "the record"));
    for (std::size_t i = 0; i < scenarios.size(); ++i) {
        p.scenarios.push_back(KSERIES_TRY(r.scenario(scenarios[i], i)));
    }
    return p;
}

namespace {

Error errno_error(const std::string& what) {
    return {ErrorKind::Io, fmt::format("{}: {}", what, std::strerror(errno))};
}

// A name that is one plain directory entry: no separator, no dot-name (the
// temporaries and the replaced records), nothing a shell or a URL mangles.
bool safe_part(std::string_view name) {
    return !name.empty() && name.front() != '.' && std::ranges::all_of(name, [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '+' || c == '-';
    });
}

Expected<void> check_names(const ProofRecord& record,
                           const std::map<std::string, std::string>& logs) {
    if (!safe_part(record.version) || !version_number(record.version)) {
        return fail(
            ErrorKind::Unsafe,
            fmt::format("'{}' cannot name a proof's version (v1, v2, ...)", record.version));
    }
    if (!safe_part(record.kernel_release)) {
        return fail(ErrorKind::Unsafe,
                    fmt::format("'{}' cannot name a proof's kernel release (letters, digits, "
                                "'.', '_', '+', '-'; not starting with '.')",
                                record.kernel_release));
    }
    for (const auto& [name, text] : logs) {
        if (!safe_part(name) || name == "proof.json") {
            return fail(ErrorKind::Unsafe,
                        fmt::format("'{}' cannot name a serial log in a proof record", name));
        }
    }
    return {};
}

// The directory `name` under `parent_fd`, made when missing; a symbolic link
// or anything else in its place is refused, so a record cannot be written
// outside the store.
Expected<UniqueFd> own_dir(int parent_fd, const std::string& name, const fs::path& path) {
    if (::mkdirat(parent_fd, name.c_str(), 0777) != 0 && errno != EEXIST) {
        return std::unexpected(errno_error("cannot create " + path.string()));
    }
    UniqueFd fd(::openat(parent_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid()) {
        if (errno == ELOOP || errno == ENOTDIR) {
            return fail(ErrorKind::Unsafe,
                        fmt::format("{} is not a directory (a link?): refused", path.string()));
        }
        return std::unexpected(errno_error("cannot open " + path.string()));
    }
    return fd;
}

// What killed runs left in a version's directory: temporaries and records
// set aside, never a record (load_proofs ignores them too).
void remove_leftovers(const fs::path& version_dir) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(version_dir, ec)) {
        const std::string n = entry.path().filename().string();
        if (n.starts_with('.') && n != ".lock") {
            fs::remove_all(entry.path(), ec);
        }
    }
}

// The record's files in `temp`, synced; then the old record renamed aside,
// the new one renamed in, the old one removed.
Expected<void> write_and_replace(const ProofRecord& record,
                                 const std::map<std::string, std::string>& logs,
                                 const TempDir& temp, int version_fd, const fs::path& final_dir) {
    const UniqueFd tmp_fd(::open(temp.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!tmp_fd.valid()) {
        return std::unexpected(errno_error("cannot open " + temp.path().string()));
    }
    for (const auto& [name, text] : logs) {
        KSERIES_TRY(write_new_file_synced(tmp_fd.get(), name, text));
    }
    KSERIES_TRY(write_new_file_synced(tmp_fd.get(), "proof.json", to_json(record)));
    if (::fsync(tmp_fd.get()) != 0) {
        return std::unexpected(errno_error("cannot sync " + temp.path().string()));
    }
    const std::string release = record.kernel_release;
    const std::string tmp_name = temp.path().filename().string();
    // The temporary's random suffix makes the aside name unique too.
    const std::string old_name = ".old-" + tmp_name.substr(1);
    struct stat st {};
    const bool had_old = ::fstatat(version_fd, release.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
    if (had_old && ::renameat(version_fd, release.c_str(), version_fd, old_name.c_str()) != 0) {
        return std::unexpected(errno_error("cannot set aside " + final_dir.string()));
    }
    if (::renameat(version_fd, tmp_name.c_str(), version_fd, release.c_str()) != 0) {
        const Error e =
            errno_error("cannot rename " + temp.path().string() + " to " + final_dir.string());
        if (had_old) {
            ::renameat(version_fd, old_name.c_str(), version_fd, release.c_str());
        }
        return std::unexpected(e);
    }
    if (::fsync(version_fd) != 0) {
        return std::unexpected(errno_error("cannot sync " + final_dir.parent_path().string()));
    }
    if (had_old) {
        std::error_code ec;
        fs::remove_all(final_dir.parent_path() / old_name, ec);
    }
    return {};
}

} // namespace

Expected<fs::path> save_proof(const fs::path& store_dir, const ProofRecord& record,
                              const std::map<std::string, std::string>& logs) {
    KSERIES_TRY(check_names(record, logs));
    const UniqueFd store_fd(::open(store_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!store_fd.valid()) {
        return std::unexpected(errno_error("cannot open the series store " + store_dir.string()));
    }
    const fs::path proofs = store_dir / "proofs";
    const fs::path version_dir = proofs / record.version;
    const UniqueFd proofs_fd = KSERIES_TRY(own_dir(store_fd.get(), "proofs", proofs));
    const UniqueFd version_fd = KSERIES_TRY(own_dir(proofs_fd.get(), record.version, version_dir));
    // Two proofs of one version at once would set each other's records aside.
    auto lock = KSERIES_TRY(lock_in(version_fd.get(), ".lock", LockWait::Wait,
                                    "the proofs of " + version_dir.string()));
    remove_leftovers(version_dir);
    auto temp = KSERIES_TRY(TempDir::create(version_dir, "." + record.kernel_release + ".tmp-"));
    const fs::path final_dir = version_dir / record.kernel_release;
    KSERIES_TRY(write_and_replace(record, logs, temp, version_fd.get(), final_dir));
    temp.keep(); // renamed: it is final_dir now
    return final_dir;
}

namespace {

// The entries of a proofs directory that hold records: dot-names are
// temporaries, locks and records set aside; a link is refused.
Expected<std::vector<std::string>> record_dirs(const fs::path& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.starts_with('.')) {
            continue;
        }
        if (entry.is_symlink(ec)) {
            return fail(ErrorKind::Unsafe,
                        fmt::format("{} is a symbolic link: refused", entry.path().string()));
        }
        if (!entry.is_directory(ec)) {
            return fail(ErrorKind::Parse,
                        fmt::format("{} is not a proof record's directory", entry.path().string()));
        }
        names.push_back(name);
    }
    if (ec) {
        return fail(ErrorKind::Io, fmt::format("cannot read {}: {}", dir.string(), ec.message()));
    }
    std::ranges::sort(names);
    return names;
}

// One proof.json, which must say it is the record of where it lies.
Expected<ProofRecord> load_one(const fs::path& dir, const std::string& version,
                               const std::string& release) {
    const fs::path file = dir / "proof.json";
    const std::string text = KSERIES_TRY(read_regular_file(file, Follow::No));
    ProofRecord record = KSERIES_TRY(proof_from_json(text, file.string()));
    if (record.version != version || record.kernel_release != release) {
        return fail(ErrorKind::Parse,
                    fmt::format("the record of {} {} lies in {}/{}", record.version,
                                record.kernel_release, version, release),
                    Location{file.string(), 0});
    }
    return record;
}

} // namespace

Expected<std::vector<ProofRecord>> load_proofs(const fs::path& store_dir) {
    const fs::path proofs = store_dir / "proofs";
    std::error_code ec;
    const auto status = fs::symlink_status(proofs, ec);
    if (status.type() == fs::file_type::not_found) {
        return std::vector<ProofRecord>{};
    }
    if (status.type() != fs::file_type::directory) {
        return fail(ErrorKind::Unsafe,
                    fmt::format("{} is not a directory (a link?): refused", proofs.string()));
    }
    std::vector<std::string> versions = KSERIES_TRY(record_dirs(proofs));
    for (const auto& v : versions) {
        if (!version_number(v)) {
            return fail(ErrorKind::Parse, fmt::format("{} is not named as a version (v1, v2, ...)",
                                                      (proofs / v).string()));
        }
    }
    // v2 before v10.
    std::ranges::stable_sort(versions, {}, [](const std::string& v) { return *version_number(v); });
    std::vector<ProofRecord> records;
    for (const auto& v : versions) {
        const std::vector<std::string> releases = KSERIES_TRY(record_dirs(proofs / v));
        for (const auto& release : releases) {
            records.push_back(KSERIES_TRY(load_one(proofs / v / release, v, release)));
        }
    }
    return records;
}

} // namespace kseries::series
