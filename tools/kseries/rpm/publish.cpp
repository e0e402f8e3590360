#include <kseries/rpm/publish.hpp>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <unistd.h>

#include <fmt/format.h>

#include <kseries/proc/run.hpp>
#include <kseries/rpm/verify.hpp>
#include <kseries/util/fd.hpp>
#include <kseries/util/file.hpp>
#include <kseries/util/lock.hpp>

namespace kseries::rpm {

namespace fs = std::filesystem;

namespace {

// A checked input: its bytes and the name it is published under.
struct Input {
    fs::path source;
    std::string name;
    std::string content;
};

// The whole file, never through a symbolic link; nullopt when it does not exist.
Expected<std::optional<std::string>> read_file(const fs::path& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid()) {
        if (errno == ENOENT) {
            return std::nullopt;
        }
        return fail(ErrorKind::Io, fmt::format("{}: cannot read: {}", path.string(), std::strerror(errno)));
    }
    std::string out;
    char buf[1 << 16];
    while (true) {
        const ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return fail(ErrorKind::Io, fmt::format("{}: cannot read: {}", path.string(), std::strerror(errno)));
        }
        if (n == 0) {
            return out;
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
}

Expected<std::string> run_checked(proc::Runner& runner, const std::vector<std::string>& argv,
                                  const fs::path& file, std::string_view refusal) {
    const auto got = KSERIES_TRY(runner.run({argv, {}, std::nullopt}));
    if (!got.ok()) {
        return fail(ErrorKind::Parse, fmt::format("{}: {} ({} says: {})", file.string(), refusal,
                                                  argv.front(), got.err.empty() ? got.out : got.err));
    }
    return got.out;
}

// rpmkeys verifies the header and payload digests first: that refuses
// non-RPM files before `rpm -qp`, which would read one as a manifest of
// other package names.
Expected<Input> check_input(proc::Runner& runner, const fs::path& given) {
    const fs::path file = fs::absolute(given);
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
        return fail(ErrorKind::NotFound, fmt::format("{}: no such file", given.string()));
    }
    KSERIES_TRY(verify_digests(runner, file,
                               fmt::format("{}: not an intact RPM package", given.string())));
    auto name = KSERIES_TRY(run_checked(
        runner,
        {"rpm", "-qp", "--qf", "%{NAME}-%{VERSION}-%{RELEASE}.%|SOURCEPACKAGE?{src}:{%{ARCH}}|.rpm",
         file.string()},
        given, "not a readable RPM package"));
    auto content = KSERIES_TRY(read_file(file));
    if (!content) {
        // Gone between the check above and the read.
        return fail(ErrorKind::NotFound, fmt::format("{}: no such file", given.string()));
    }
    return Input{given, std::move(name), std::move(*content)};
}

Expected<std::vector<Input>> check_inputs(proc::Runner& runner, const std::vector<fs::path>& rpms) {
    std::vector<Input> out;
    std::map<std::string, const Input*> by_name;
    for (const auto& rpm : rpms) {
        out.push_back(KSERIES_TRY(check_input(runner, rpm)));
    }
    for (const auto& input : out) {
        auto [it, fresh] = by_name.emplace(input.name, &input);
        if (!fresh && it->second->content != input.content) {
            return fail(ErrorKind::Usage, fmt::format("{} and {} are both {} with different content",
                                                      it->second->source.string(),
                                                      input.source.string(), input.name));
        }
    }
    return out;
}

// What publishing each input does to REPO/Packages, decided before anything
// is written; refuses to change a published file unless allowed.
Expected<std::vector<PublishedFile>> plan(const std::vector<Input>& inputs, const fs::path& packages,
                                          Replace replace) {
    std::vector<PublishedFile> out;
    for (const auto& input : inputs) {
        PublishedFile file{input.source, packages / input.name, PublishStatus::Added};
        const auto existing = KSERIES_TRY(read_file(file.target));
        if (existing) {
            if (*existing == input.content) {
                file.status = PublishStatus::Unchanged;
            } else if (replace == Replace::Allow) {
                file.status = PublishStatus::Replaced;
            } else {
                return fail(ErrorKind::Usage,
                            fmt::format("{} is already published with different content than {}: "
                                        "a published N-V-R must not change (--replace overrides)",
                                        file.target.string(), input.source.string()));
            }
        }
        out.push_back(std::move(file));
    }
    return out;
}

} // namespace

Expected<std::vector<PublishedFile>> publish(const PublishRequest& request,
                                             const std::function<void()>& before_waiting) {
    proc::Runner& runner = request.runner;
    if (!runner.on_path("createrepo_c")) {
        return fail(ErrorKind::Tool, "publish runs createrepo_c, which is not on PATH (install the "
                                     "Debian package createrepo-c, Fedora package createrepo_c)");
    }
    const auto inputs = KSERIES_TRY(check_inputs(runner, request.rpms));
    const fs::path packages = request.repo / "Packages";
    std::error_code ec;
    fs::create_directories(packages, ec);
    if (ec) {
        return fail(ErrorKind::Io, fmt::format("{}: cannot create: {}", packages.string(), ec.message()));
    }
    UniqueFd dir(::open(request.repo.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir.valid()) {
        return fail(ErrorKind::Io,
                    fmt::format("{}: cannot open: {}", request.repo.string(), std::strerror(errno)));
    }
    const auto lock = KSERIES_TRY(lock_in(dir.get(), ".kseries-publish.lock", LockWait::Wait,
                                          "the repository " + request.repo.string(),
                                          before_waiting));
    auto files = KSERIES_TRY(plan(inputs, packages, request.replace));
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (files[i].status != PublishStatus::Unchanged) {
            KSERIES_TRY(write_file_atomic(files[i].target, inputs[i].content));
        }
    }
    const auto indexed = KSERIES_TRY(runner.run(
        {{"createrepo_c", "--update", fs::absolute(request.repo).string()}, {}, std::nullopt}));
    if (!indexed.ok()) {
        return fail(ErrorKind::Tool, fmt::format("createrepo_c --update {} ended with {}: {}",
                                                 request.repo.string(), indexed.status(), indexed.err));
    }
    return files;
}

} // namespace kseries::rpm
