#include <kseries/rpm/build_run.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <kseries/rpm/rpm_tools.hpp>
#include <kseries/rpm/srpm.hpp>
#include <kseries/source/archive.hpp>
#include <kseries/util/file.hpp>
#include <kseries/util/fd.hpp>
#include <kseries/util/temp_dir.hpp>

namespace kseries::rpm {

namespace fs = std::filesystem;

namespace {

Error io_error(const fs::path& path, std::string_view what) {
    return {ErrorKind::Io, fmt::format("{}: {}: {}", path.string(), what, std::strerror(errno))};
}

// The log, written under a temporary name while the build runs and renamed
// to its final name by finish(); a failed write is remembered and reported
// then rather than stopping a build that may have hours left.
class Log {
public:
    static Expected<Log> create(const fs::path& final_path) {
        std::string tmpl =
            (final_path.parent_path() / ("." + final_path.filename().string() + ".XXXXXX")).string();
        const int fd = ::mkostemp(tmpl.data(), O_CLOEXEC);
        if (fd < 0) {
            return std::unexpected(io_error(final_path, "cannot create the build log"));
        }
        ::fchmod(fd, 0644);
        return Log(UniqueFd(fd), tmpl, final_path);
    }

    void write_line(std::string_view line) {
        std::string data(line);
        data += '\n';
        std::string_view rest = data;
        while (!rest.empty() && m_errno == 0) {
            const ssize_t n = ::write(m_fd.get(), rest.data(), rest.size());
            if (n < 0 && errno != EINTR) {
                m_errno = errno;
            } else if (n > 0) {
                rest.remove_prefix(static_cast<std::size_t>(n));
            }
        }
    }

    Expected<fs::path> finish() {
        if (m_errno == 0 && ::fsync(m_fd.get()) != 0) {
            m_errno = errno;
        }
        m_fd.reset();
        if (m_errno == 0 && ::rename(m_temp.c_str(), m_final.c_str()) != 0) {
            m_errno = errno;
        }
        if (m_errno != 0) {
            ::unlink(m_temp.c_str());
            errno = m_errno;
            return std::unexpected(io_error(m_final, "cannot write the build log"));
        }
        return m_final;
    }

private:
    Log(UniqueFd fd, fs::path temp, fs::path final_path)
        : m_fd(std::move(fd)), m_temp(std::move(temp)), m_final(std::move(final_path)) {}
    UniqueFd m_fd;
    fs::path m_temp;
    fs::path m_final;
    int m_errno = 0;
};

// "kernel-4.18.0-193.el8" for ".../kernel-4.18.0-193.el8.src.rpm".
std::string srpm_stem(const fs::path& srpm) {
    std::string name = srpm.filename().string();
    for (std::string_view suffix : {".src.rpm", ".rpm"}) {
        if (name.ends_with(suffix)) {
            name.resize(name.size() - suffix.size());
            break;
        }
    }
    return name;
}

// The profile's switches: fast looks in the spec for a kABI switch.
std::vector<std::string> switches_for(const BuildRequest& request, std::string_view spec) {
    const Profile profile = request.profile.value_or(Profile::Full);
    return profile_switches(profile, profile == Profile::Full ? KabiSwitch::Absent
                                                              : kabichk_switch(spec));
}

// The macros under which the SRPM's own kernel.spec gives the SRPM's own
// release here: the caller's, plus the dist tag derived from the SRPM as
// `srpm` derives it (rpm/rpm_tools.hpp); a release no macros reproduce is
// a Usage error naming what differs. A kernel SRPM's dist (".el8_10")
// is defined by the build system that made it; rpmbuild or mock elsewhere
// define another or none, and the packages would come out as
// kernel-4.18.0-553.ovl1 instead of kernel-4.18.0-553.el8_10.ovl1.
Expected<std::vector<std::pair<std::string, std::string>>>
release_macros(const BuildRequest& request, const std::string& spec, const fs::path& work) {
    if (spec.empty()) {
        return request.defines; // not a kernel SRPM: nothing to derive it from
    }
    const auto original = KSERIES_TRY(query_package(request.srpm, request.runner));
    const fs::path probe = work / "spec";
    std::error_code ec;
    fs::create_directories(probe, ec);
    RpmTools tools{probe, probe, probe / "kernel.spec", request.defines, request.runner};
    KSERIES_TRY(write_file_atomic(tools.spec, spec));
    auto dist = match_release(tools, original,
                              fmt::format("kernel.spec (in {})", request.srpm.filename().string()));
    fs::remove_all(probe, ec);
    const auto derived = KSERIES_TRY(std::move(dist));
    // An SRPM whose release shows no dist tag leaves the builder's macros
    // as they are.
    auto defines = request.defines;
    if (derived) {
        defines.emplace_back("dist", *derived);
    }
    return defines;
}

// The package name an SRPM holds, for the OBS package directory.
Expected<std::string> srpm_name(proc::Runner& runner, const fs::path& srpm) {
    auto got = KSERIES_TRY(
        runner.run({{"rpm", "-qp", "--qf", "%{NAME}", srpm.string()}, {}, std::nullopt}));
    if (!got.ok() || got.out.empty()) {
        return fail(ErrorKind::Parse, fmt::format("{}: rpm cannot read the package name: {}",
                                                  srpm.string(), got.err));
    }
    return got.out;
}

// The steps the backend runs, in order, filling `work`.
Expected<std::vector<Step>> steps_for(const BuildRequest& request, const fs::path& work) {
    const auto one = [](std::string name, std::vector<std::string> argv) {
        return std::vector<Step>{{std::move(name), {std::move(argv), {}, std::nullopt}}};
    };
    switch (request.backend) {
    case Backend::Rpmbuild:
    case Backend::Mock: {
        // A kernel SRPM's spec tells the kABI switch and the dist tag; any
        // other SRPM (no linux-*.tar.*) is built with the full profile as is.
        auto contents = source::open_srpm(request.srpm, {});
        if (!contents && (contents.error().kind() != ErrorKind::NotFound ||
                          request.profile == Profile::Fast)) {
            return std::unexpected(contents.error().with_context("reading the SRPM's kernel.spec"));
        }
        const std::string spec = contents ? std::move(contents->spec) : std::string();
        BuildRequest local = request;
        local.defines = KSERIES_TRY(release_macros(request, spec, work));
        const auto switches = switches_for(local, spec);
        return request.backend == Backend::Rpmbuild
                   ? one("rpmbuild", rpmbuild_argv(local, work, switches))
                   : one("mock", mock_argv(local, work / "result", switches));
    }
    case Backend::Koji:
        return one("koji build", koji_argv(request));
    case Backend::Copr:
        return one("copr-cli build", copr_argv(request));
    case Backend::Obs:
        return obs_steps(request, work);
    }
    return fail(ErrorKind::Internal, "unknown backend");
}

// The RPMs a local build produced: rpmbuild's TOPDIR/RPMS/<arch>/ (an
// SRPM rebuild writes no SRPMS/), mock's result directory.
std::vector<fs::path> built_rpms(Backend backend, const fs::path& work) {
    std::vector<fs::path> dirs;
    std::error_code ec;
    if (backend == Backend::Rpmbuild) {
        for (const auto& e : fs::directory_iterator(work / "RPMS", ec)) {
            if (e.is_directory(ec)) {
                dirs.push_back(e.path());
            }
        }
    } else if (backend == Backend::Mock) {
        dirs.push_back(work / "result");
    }
    std::vector<fs::path> out;
    for (const auto& dir : dirs) {
        for (const auto& e : fs::directory_iterator(dir, ec)) {
            if (e.is_regular_file(ec) && e.path().extension() == ".rpm") {
                out.push_back(e.path());
            }
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

Expected<std::vector<fs::path>> move_into(const std::vector<fs::path>& rpms, const fs::path& out) {
    std::vector<fs::path> moved;
    for (const auto& rpm : rpms) {
        const fs::path target = out / rpm.filename();
        if (::rename(rpm.c_str(), target.c_str()) != 0) {
            return std::unexpected(io_error(target, "cannot move the built package here"));
        }
        moved.push_back(target);
    }
    return moved;
}

// One step: streamed into the log, stages and the failing stage's last
// lines followed, remote ids read. Returns false when the step failed.
Expected<bool> run_step(proc::Runner& runner, Backend backend, const Step& step, Log& log,
                        const BuildEvents& events, BuildOutcome& outcome) {
    const proc::Command& command = step.command;
    const bool local = backend == Backend::Rpmbuild || backend == Backend::Mock;
    std::string stage = step.name;
    std::string failed;
    std::deque<std::string> tail;
    log.write_line("$ " + proc::describe(command.argv));
    if (events.on_stage) {
        events.on_stage(stage);
    }
    const auto status = KSERIES_TRY(runner.run_streaming(command, [&](std::string_view line) {
        log.write_line(line);
        if (auto next = local ? stage_of_line(line) : std::nullopt; next && *next != stage) {
            stage = *next;
            tail.clear();
            if (events.on_stage) {
                events.on_stage(stage);
            }
        }
        if (auto bad = failed_stage_of_line(line)) {
            failed = *bad;
        }
        tail.emplace_back(line);
        if (tail.size() > tail_lines) {
            tail.pop_front();
        }
        read_remote_line(backend, line, outcome.remote);
        if (events.on_line) {
            events.on_line(line);
        }
    }));
    outcome.status = status;
    if (status.ok()) {
        return true;
    }
    log.write_line(fmt::format("kseries: {} ended with {}", command.argv[0], status.status()));
    outcome.failed_stage = failed.empty() ? stage : failed;
    outcome.tail.assign(tail.begin(), tail.end());
    return false;
}

} // namespace

Expected<BuildOutcome> run_build(const BuildRequest& request, const fs::path& out_given,
                                 const BuildEvents& events) {
    KSERIES_TRY(validate(request));
    std::error_code ec;
    if (!fs::is_regular_file(request.srpm, ec)) {
        return fail(ErrorKind::NotFound, fmt::format("{}: no such SRPM", request.srpm.string()));
    }
    const std::string client(client_program(request.backend));
    if (!request.runner.on_path(client)) {
        return fail(ErrorKind::Tool,
                    fmt::format("--backend {} runs {}, which is not on PATH (install the {})",
                                backend_name(request.backend), client, client_package(request.backend)));
    }
    const fs::path out = fs::absolute(out_given);
    fs::create_directories(out, ec);
    if (ec) {
        return fail(ErrorKind::Io, fmt::format("{}: cannot create the output directory: {}",
                                               out.string(), ec.message()));
    }
    BuildRequest absolute = request;
    absolute.srpm = fs::absolute(request.srpm);
    // A hidden temporary directory inside the output directory, removed with
    // everything in it when the build is over, whatever its outcome.
    const auto work = KSERIES_TRY(TempDir::create(out, ".kseries-build-"));
    if (absolute.backend == Backend::Obs && absolute.obs_package.empty()) {
        absolute.obs_package = KSERIES_TRY(srpm_name(request.runner, absolute.srpm));
    }
    const auto steps = KSERIES_TRY(steps_for(absolute, work.path()));
    auto log = KSERIES_TRY(Log::create(
        out / fmt::format("{}.{}.log", srpm_stem(request.srpm), backend_name(request.backend))));
    BuildOutcome outcome;
    for (const auto& step : steps) {
        auto done = run_step(request.runner, request.backend, step, log, events, outcome);
        if (!done) {
            (void)log.finish();
            return std::unexpected(done.error());
        }
        if (!*done) {
            break;
        }
    }
    outcome.log = KSERIES_TRY(log.finish());
    if (outcome.ok()) {
        outcome.packages = KSERIES_TRY(move_into(built_rpms(request.backend, work.path()), out));
    }
    if (request.backend == Backend::Obs && request.apiurl) {
        outcome.remote.url = fmt::format("{}/build/{}/_result?package={}", *request.apiurl,
                                         request.obs_project, absolute.obs_package);
    }
    return outcome;
}

} // namespace kseries::rpm
