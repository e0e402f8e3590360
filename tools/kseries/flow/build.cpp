#include <kseries/flow/build.hpp>

namespace kseries::flow {

std::map<std::string, rpm::Backend> backend_choices() {
    std::map<std::string, rpm::Backend> out;
    for (const auto b : {rpm::Backend::Rpmbuild, rpm::Backend::Mock, rpm::Backend::Koji,
                         rpm::Backend::Copr, rpm::Backend::Obs}) {
        out.emplace(rpm::backend_name(b), b);
    }
    return out;
}

std::map<std::string, rpm::Profile> profile_choices() {
    return {{"full", rpm::Profile::Full}, {"fast", rpm::Profile::Fast}};
}

std::string_view remote_id_label(rpm::Backend backend) {
    switch (backend) {
    case rpm::Backend::Koji:
        return "koji task";
    case rpm::Backend::Copr:
        return "copr build";
    case rpm::Backend::Obs:
        return "obs revision";
    case rpm::Backend::Rpmbuild:
    case rpm::Backend::Mock:
        break;
    }
    return "build";
}

Expected<BuildResult> build(const BuildRequest& request) {
    const auto start = std::chrono::steady_clock::now();
    auto outcome = KSERIES_TRY(rpm::run_build(request.build, request.out, request.events));
    return BuildResult{
        .outcome = std::move(outcome),
        .elapsed = std::chrono::duration_cast<std::chrono::seconds>(
            std::chrono::steady_clock::now() - start),
        .backend = rpm::backend_name(request.build.backend),
        .id_label = remote_id_label(request.build.backend),
    };
}

} // namespace kseries::flow
