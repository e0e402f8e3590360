// Renders what `verify --boot` proved (a series::ProofRecord): for a
// terminal, one line for the record, one per scenario with its verdict, one
// per boot with the symptom, then the evidence; and as JSON, exactly the
// record's proof.json (docs/formats/proofs.md).
#pragma once

#include <string>

#include <kseries/report/style.hpp>
#include <kseries/series/proof_record.hpp>

namespace kseries::report {

// `record_dir` is where the record and its serial logs were saved, as the
// user should see it.
[[nodiscard]] std::string render_proof_text(const series::ProofRecord& record,
                                            const std::string& record_dir, const TextStyle& style);
[[nodiscard]] std::string render_proof_json(const series::ProofRecord& record);

// A scenario's verdict in words: "proved", "not reproducible (recorded as
// dropped)", "NOT PROVED: ...".
[[nodiscard]] std::string proof_verdict_text(series::ProofVerdict verdict);

} // namespace kseries::report
