// Publishing RPMs into a yum/dnf repository (`kseries publish`): every
// input checked to be an intact RPM before anything is written, copied
// atomically into REPO/Packages/ under its canonical N-V-R.A.rpm name, and
// the metadata brought up to date with `createrepo_c --update`, all under
// a lock on the repository so that concurrent publishes take turns.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <kseries/proc/run.hpp>
#include <kseries/util/error.hpp>

namespace kseries::rpm {

// Whether a published file name may get new content: a published N-V-R
// must not change, unless the user says so.
enum class Replace { Refuse, Allow };

enum class PublishStatus { Added, Unchanged, Replaced };

struct PublishedFile {
    std::filesystem::path source;
    std::filesystem::path target; // REPO/Packages/N-V-R.A.rpm
    PublishStatus status = PublishStatus::Added;
};

struct PublishRequest {
    std::filesystem::path repo;
    std::vector<std::filesystem::path> rpms;
    Replace replace = Replace::Refuse;
    // Who runs rpmkeys, rpm and createrepo_c (a fake in unit tests).
    proc::Runner& runner = proc::system_runner();
};

// An Error, with nothing written, when an input is not an intact RPM
// (naming it), when two inputs or an input and a published file share a
// name with different content (without Replace::Allow), or when
// createrepo_c is missing; `before_waiting` runs when another publish
// holds the repository's lock.
[[nodiscard]] Expected<std::vector<PublishedFile>> publish(const PublishRequest& request,
                                                           const std::function<void()>& before_waiting);

} // namespace kseries::rpm
