// Where the dist tag sits in a kernel SRPM's release, for rpmbuild on a
// system that does not define it. RHEL's specs put it in three places:
// el7/el8 `%{specrelease}%{?buildid}` with specrelease N%{?dist}
// ("147.5.1.el8_1.kseries.v1"), el9/el10 N%{?buildid}%{?dist}
// ("284.30.1.kseries.v2.el9_2"), and rebuilds that append their own string
// after it ("284.30.1.el9_2.92ciq_lts.3.1"). So the dist is found by what
// the spec makes without one, never by its position. Pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kseries::rpm {

// Every dot-separated `.elN` or `.elN_M` segment of a release, in order,
// each once: the dist tags it may carry ("147.5.1.el8_1.kseries.v1" ->
// {".el8_1"}).
[[nodiscard]] std::vector<std::string> dist_candidates(std::string_view release);

// The dist tag that turns `without_dist` (the spec's release evaluated with
// dist empty) into `release` (the SRPM's): the one candidate whose single
// occurrence, removed from `release`, leaves `without_dist`. nullopt when
// no candidate does, or when two different ones do.
[[nodiscard]] std::optional<std::string> dist_inserted(std::string_view release,
                                                       std::string_view without_dist);

// What `evaluated` lacks or has in place of `release`'s text, for messages:
// the smallest differing middle of each ("'.92ciq_lts.3.1' where rpmspec
// has ''").
struct ReleaseDifference {
    std::string in_release;
    std::string in_evaluated;
};
[[nodiscard]] ReleaseDifference release_difference(std::string_view release,
                                                   std::string_view evaluated);

} // namespace kseries::rpm
