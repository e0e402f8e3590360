#include <kseries/flow/publish.hpp>

namespace kseries::flow {

Expected<PublishResult> publish(const PublishRequest& request) {
    const rpm::PublishRequest publish{request.repo, request.rpms,
                                      request.replace ? rpm::Replace::Allow : rpm::Replace::Refuse,
                                      request.runner};
    return PublishResult{KSERIES_TRY(rpm::publish(publish, request.before_waiting))};
}

std::string_view status_word(PublishStatus status) {
    switch (status) {
    case PublishStatus::Added:
        return "added";
    case PublishStatus::Unchanged:
        return "unchanged";
    case PublishStatus::Replaced:
        return "replaced";
    }
    return "?";
}

} // namespace kseries::flow
