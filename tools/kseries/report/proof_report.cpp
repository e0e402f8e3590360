#include <algorithm>
#include <array>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <kseries/report/proof_report.hpp>
#include <kseries/util/text.hpp>

namespace kseries::report {

using series::BootRecord;
using series::ProofVerdict;
using series::ScenarioRecord;
using series::Symptom;

std::string proof_verdict_text(ProofVerdict verdict) {
    switch (verdict) {
    case ProofVerdict::Proved:
        return "proved";
    case ProofVerdict::NotProved:
        return "NOT PROVED: the patched kernel still shows the symptom";
    case ProofVerdict::NotShownOnStock:
        return "NOT SHOWN: the stock kernel shows no symptom, so the scenario proves nothing here";
    case ProofVerdict::NotReproducible:
        return "not reproducible (recorded as dropped)";
    case ProofVerdict::Reproduced:
        return "REPRODUCED: the stock kernel shows the symptom, yet the version records the patch "
               "as dropped";
    case ProofVerdict::NoVerdict:
        return "NO VERDICT: a boot did not say";
    }
    return "NO VERDICT: a boot did not say";
}

namespace {

// What the serial console gave is the VM's, not ours: shown as text only.
std::string shown(std::string_view s) {
    return text::printable(s);
}

// "1 fix proved", "2 not reproducible as recorded": the header's counts, in
// the verdicts' order.
std::string counts(const series::ProofRecord& r) {
    constexpr std::array verdicts{ProofVerdict::Proved,     ProofVerdict::NotReproducible,
                                  ProofVerdict::NotProved,  ProofVerdict::NotShownOnStock,
                                  ProofVerdict::Reproduced, ProofVerdict::NoVerdict};
    std::vector<std::string> parts;
    for (const auto v : verdicts) {
        const auto n = std::count_if(r.scenarios.begin(), r.scenarios.end(),
                                     [&](const ScenarioRecord& s) { return s.verdict == v; });
        if (n == 0) {
            continue;
        }
        switch (v) {
        case ProofVerdict::Proved:
            parts.push_back(fmt::format("{} {} proved", n, n == 1 ? "fix" : "fixes"));
            break;
        case ProofVerdict::NotReproducible:
            parts.push_back(fmt::format("{} not reproducible as recorded", n));
            break;
        case ProofVerdict::NotProved:
            parts.push_back(fmt::format("{} not proved", n));
            break;
        case ProofVerdict::NotShownOnStock:
            parts.push_back(fmt::format("{} not shown on stock", n));
            break;
        case ProofVerdict::Reproduced:
            parts.push_back(fmt::format("{} reproduced against the record", n));
            break;
        case ProofVerdict::NoVerdict:
            parts.push_back(fmt::format("{} without a verdict", n));
            break;
        }
    }
    return parts.empty() ? "no scenario" : fmt::format("{}", fmt::join(parts, ", "));
}

std::string_view symptom_words(Symptom s) {
    switch (s) {
    case Symptom::Yes:
        return "symptom";
    case Symptom::No:
        return "no symptom";
    case Symptom::NoVerdict:
        break;
    }
    return "no verdict";
}

// "    stock    symptom     Stale file handle ... (12.1 s, tcg)"
std::string boot_line(std::string_view which, const BootRecord& b, const TextStyle& style) {
    std::string words = b.symptom == Symptom::NoVerdict ? b.problem : b.detail;
    const Tone tone = b.symptom == Symptom::NoVerdict ? Tone::Bad : Tone::Info;
    std::string out = fmt::format(
        "    {:<8} {}", which, paint(style, tone, fmt::format("{:<11}", symptom_words(b.symptom))));
    if (!words.empty()) {
        out += ' ' + shown(words);
    }
    out += paint(style, Tone::Dim, fmt::format(" ({:.1f} s, {})", b.seconds, shown(b.accel)));
    return out + '\n';
}

std::string evidence(std::string_view which, const BootRecord& b) {
    if (b.evidence.empty()) {
        return {};
    }
    std::string out =
        fmt::format("    evidence ({}){}:\n", which,
                    b.symptom == Symptom::NoVerdict ? ", the console's last lines" : "");
    for (const auto& line : b.evidence) {
        out += "      " + shown(line) + '\n';
    }
    return out;
}

} // namespace

std::string render_proof_text(const series::ProofRecord& r, const std::string& record_dir,
                              const TextStyle& style) {
    const bool proved = r.proved();
    std::string out =
        fmt::format("{} {} on {}: {} ({}) in {:.0f} s\n", shown(r.store), shown(r.version),
                    shown(r.kernel_release),
                    paint(style, proved ? Tone::Good : Tone::Bad, proved ? "PROVED" : "NOT PROVED"),
                    counts(r), r.seconds);
    std::size_t name_w = 0;
    std::size_t patch_w = 0;
    for (const auto& s : r.scenarios) {
        name_w = std::max(name_w, shown(s.scenario).size());
        patch_w = std::max(patch_w, shown(s.patch).size());
    }
    for (const auto& s : r.scenarios) {
        const Tone tone = series::verdict_fails(s.verdict) ? Tone::Bad : Tone::Good;
        out += fmt::format("  {:<{}}  {:<{}}  {}\n", shown(s.scenario), name_w, shown(s.patch),
                           patch_w, paint(style, tone, proof_verdict_text(s.verdict)));
        if (s.stock) {
            out += boot_line("stock", *s.stock, style);
        }
        // A drop is proved on stock alone: no patched boot is missing then.
        if (s.patched) {
            out += boot_line("patched", *s.patched, style);
        } else if (s.expect == series::Expect::Fixed) {
            out += "    patched  not booted\n";
        }
        if (s.stock) {
            out += evidence("stock", *s.stock);
        }
        if (s.patched) {
            out += evidence("patched", *s.patched);
        }
    }
    if (!r.kvm_note.empty()) {
        out += paint(style, Tone::Dim, "  booted without KVM: " + shown(r.kvm_note)) + '\n';
    }
    out += fmt::format("  serial logs: {}/\n", shown(record_dir));
    return out;
}

std::string render_proof_json(const series::ProofRecord& record) {
    return series::to_json(record);
}

} // namespace kseries::report
