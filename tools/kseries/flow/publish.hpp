// `kseries publish` as a use case: RPMs added to a yum/dnf repository
// directory, every input verified before anything is written, the
// metadata brought up to date by createrepo_c (rpm/publish.hpp).
#pragma once

#include <filesystem>
#include <functional>
#include <string_view>
#include <vector>

#include <kseries/proc/run.hpp>
#include <kseries/rpm/publish.hpp>
#include <kseries/util/error.hpp>

namespace kseries::flow {

using rpm::PublishedFile;
using rpm::PublishStatus;

struct PublishRequest {
    std::filesystem::path repo{};              // created when missing
    std::vector<std::filesystem::path> rpms{}; // the packages to add
    bool replace = false;                      // a published file name may get different content
    // Runs when another publish holds the repository's lock.
    std::function<void()> before_waiting{};
    // Who runs rpmkeys, rpm and createrepo_c (a fake in unit tests).
    proc::Runner& runner = proc::system_runner();
};

struct PublishResult {
    std::vector<PublishedFile> files{}; // in the order given
};

// An Error, with nothing written, as rpm::publish says.
[[nodiscard]] Expected<PublishResult> publish(const PublishRequest& request);

// "added", "unchanged" or "replaced".
[[nodiscard]] std::string_view status_word(PublishStatus status);

} // namespace kseries::flow
