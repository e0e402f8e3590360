// The one package verifier: rpm's own header and payload digests, checked
// by `rpmkeys -K --nosignature` (signatures are not checked: kseries reads
// packages it or a vendor's mirror made, not ones it installs). fetch
// checks a download with it, publish every input, srpm the SRPM it reads.
#pragma once

#include <filesystem>
#include <string_view>

#include <kseries/proc/run.hpp>
#include <kseries/util/error.hpp>

namespace kseries::rpm {

// Nothing when rpmkeys finds `file` an intact RPM. Otherwise a Parse error
// in one shape: "<refusal> (rpmkeys -K, exit code 1): <what rpmkeys said>",
// where `refusal` is the caller's sentence naming the file ("URL is not an
// intact rpm") and what rpmkeys said is its first line without the file's
// path ("DIGESTS NOT OK"), or "not an rpm package" when it said nothing
// more. The error of the runner (a Tool error: rpmkeys cannot be run) as
// it is: then nothing is known against the file.
[[nodiscard]] Expected<void> verify_digests(proc::Runner& runner, const std::filesystem::path& file,
                                            std::string_view refusal);

} // namespace kseries::rpm
