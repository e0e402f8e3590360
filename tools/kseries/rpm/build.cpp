#include <kseries/rpm/build.hpp>

#include <regex>

#include <fmt/format.h>

#include <kseries/util/text.hpp>

namespace kseries::rpm {

namespace {

// What kseries knows of each backend, in the order of the enum.
struct BackendFacts {
    Backend backend;
    std::string_view name;    // as --backend takes it
    std::string_view program; // the client run
    std::string_view package; // where the client comes from
};

constexpr BackendFacts backend_facts[] = {
    {Backend::Rpmbuild, "rpmbuild", "rpmbuild", "Debian package rpm, Fedora package rpm-build"},
    {Backend::Mock, "mock", "mock", "Fedora package mock"},
    {Backend::Koji, "koji", "koji", "Fedora package koji"},
    {Backend::Copr, "copr", "copr-cli", "Fedora package copr-cli"},
    {Backend::Obs, "obs", "osc", "Debian and Fedora package osc"},
};

const BackendFacts& facts(Backend backend) {
    for (const auto& f : backend_facts) {
        if (f.backend == backend) {
            return f;
        }
    }
    return backend_facts[0]; // every enumerator is in the table
}

} // namespace

std::string_view backend_name(Backend backend) { return facts(backend).name; }
std::string_view client_program(Backend backend) { return facts(backend).program; }
std::string_view client_package(Backend backend) { return facts(backend).package; }

namespace {

bool is_remote(Backend backend) {
    return backend == Backend::Koji || backend == Backend::Copr || backend == Backend::Obs;
}

Expected<void> require(const std::string& value, std::string_view option, Backend backend) {
    if (value.empty()) {
        return fail(ErrorKind::Usage,
                    fmt::format("--backend {} needs {}", backend_name(backend), option));
    }
    return {};
}

} // namespace

Expected<void> validate(const BuildRequest& request) {
    const Backend b = request.backend;
    if (is_remote(b) && request.profile == Profile::Fast) {
        return fail(ErrorKind::Usage,
                    fmt::format("--profile fast cannot be passed to {}: a remote build system "
                                "builds with the options of its own configuration (koji: the "
                                "target's build tag, copr: the chroot, OBS: the project config), "
                                "not with --with/--without on a command line; build with "
                                "--backend rpmbuild or mock, or set the switches in the spec",
                                backend_name(b)));
    }
    if (is_remote(b) && request.arch) {
        return fail(ErrorKind::Usage,
                    fmt::format("--arch cannot be passed to {}: the {} picks the architectures",
                                backend_name(b),
                                b == Backend::Koji   ? "target"
                                : b == Backend::Copr ? "chroot (--chroot)"
                                                     : "project's repositories"));
    }
    if (is_remote(b) && !request.defines.empty()) {
        return fail(ErrorKind::Usage,
                    fmt::format("--define cannot be passed to {}: the build system defines the "
                                "macros (the dist tag too) from its own configuration",
                                backend_name(b)));
    }
    if (b != Backend::Koji && request.scratch == Scratch::Yes) {
        return fail(ErrorKind::Usage, "--scratch is for --backend koji");
    }
    if (!is_remote(b) && request.waiting == Waiting::NoWait) {
        return fail(ErrorKind::Usage, fmt::format("--no-wait is for remote backends; {} builds "
                                                  "here and always waits",
                                                  backend_name(b)));
    }
    switch (b) {
    case Backend::Rpmbuild:
        return {};
    case Backend::Mock:
        return require(request.mock_config, "--mock-config CFG", b);
    case Backend::Koji:
        return require(request.koji_target, "--koji-target TARGET", b);
    case Backend::Copr:
        if (auto ok = require(request.copr_project, "--copr-project OWNER/PROJECT", b); !ok) {
            return ok;
        }
        if (request.copr_project.find('/') == std::string::npos) {
            return fail(ErrorKind::Usage, fmt::format("--copr-project '{}' is not OWNER/PROJECT",
                                                      request.copr_project));
        }
        return {};
    case Backend::Obs:
        return require(request.obs_project, "--obs-project PROJECT", b);
    }
    return {};
}

KabiSwitch kabichk_switch(std::string_view spec) {
    static const std::regex pattern(R"(_with(out)?_kabichk|%bcond(_with|_without)?\s+kabichk)");
    const std::string text(spec);
    return std::regex_search(text, pattern) ? KabiSwitch::Present : KabiSwitch::Absent;
}

std::vector<std::string> profile_switches(Profile profile, KabiSwitch kabi) {
    if (profile == Profile::Full) {
        return {};
    }
    std::vector<std::string> out{"--with", "baseonly", "--without", "debug", "--without",
                                 "debuginfo"};
    if (kabi == KabiSwitch::Present) {
        out.insert(out.end(), {"--without", "kabichk"});
    }
    return out;
}

std::vector<std::string> rpmbuild_argv(const BuildRequest& request,
                                       const std::filesystem::path& topdir,
                                       const std::vector<std::string>& switches) {
    std::vector<std::string> argv{"rpmbuild", "--rebuild", request.srpm.string(), "--define",
                                  "_topdir " + topdir.string()};
    if (request.arch) {
        argv.insert(argv.end(), {"--target", *request.arch});
    }
    for (const auto& [name, value] : request.defines) {
        argv.insert(argv.end(), {"--define", name + " " + value});
    }
    argv.insert(argv.end(), switches.begin(), switches.end());
    return argv;
}

std::vector<std::string> mock_argv(const BuildRequest& request,
                                   const std::filesystem::path& resultdir,
                                   const std::vector<std::string>& switches) {
    std::vector<std::string> argv{"mock",        "-r", request.mock_config, "--rebuild",
                                  request.srpm.string(), "--resultdir", resultdir.string()};
    if (request.arch) {
        argv.insert(argv.end(), {"--target", *request.arch});
    }
    for (const auto& [name, value] : request.defines) {
        argv.insert(argv.end(), {"--define", name + " " + value});
    }
    argv.insert(argv.end(), switches.begin(), switches.end());
    return argv;
}

std::vector<std::string> koji_argv(const BuildRequest& request) {
    std::vector<std::string> argv{"koji", "build"};
    if (request.scratch == Scratch::Yes) {
        argv.emplace_back("--scratch");
    }
    if (request.waiting == Waiting::NoWait) {
        argv.emplace_back("--nowait");
    }
    argv.insert(argv.end(), {request.koji_target, request.srpm.string()});
    return argv;
}

std::vector<std::string> copr_argv(const BuildRequest& request) {
    std::vector<std::string> argv{"copr-cli", "build"};
    if (request.copr_chroot) {
        argv.insert(argv.end(), {"--chroot", *request.copr_chroot});
    }
    if (request.waiting == Waiting::NoWait) {
        argv.emplace_back("--nowait");
    }
    argv.insert(argv.end(), {request.copr_project, request.srpm.string()});
    return argv;
}

std::vector<Step> obs_steps(const BuildRequest& request, const std::filesystem::path& work) {
    // -A goes before the subcommand; without --apiurl osc uses its oscrc's.
    const auto osc = [&](std::vector<std::string> args, std::filesystem::path cwd) {
        std::vector<std::string> argv{"osc"};
        if (request.apiurl) {
            argv.insert(argv.end(), {"-A", *request.apiurl});
        }
        Step step{"osc " + args.front(), {argv, std::move(cwd), std::nullopt}};
        step.command.argv.insert(step.command.argv.end(), args.begin(), args.end());
        return step;
    };
    const std::string& package = request.obs_package;
    const auto project_dir = work / request.obs_project;
    std::vector<Step> out{
        osc({"checkout", request.obs_project}, work),
        osc({"importsrcpkg", "--name", package, request.srpm.string()}, project_dir),
        osc({"addremove"}, project_dir / package),
        osc({"commit", "-m", fmt::format("kseries build of {}", request.srpm.filename().string())},
            project_dir / package),
    };
    if (request.waiting == Waiting::Wait) {
        out.push_back(osc({"results", "--watch", request.obs_project, package}, work));
    }
    return out;
}

std::optional<std::string> stage_of_line(std::string_view line) {
    static const std::regex executing(R"(^Executing\((%?[a-z_]+)\))");
    const std::string text(line);
    std::smatch m;
    if (std::regex_search(text, m, executing)) {
        return m[1].str();
    }
    if (line.starts_with("Processing files:")) {
        return "%files";
    }
    return std::nullopt;
}

std::optional<std::string> failed_stage_of_line(std::string_view line) {
    static const std::regex bad_exit(R"(^error: Bad exit status from \S+ \((%?[a-z_]+)\))");
    const std::string text(line);
    std::smatch m;
    if (std::regex_search(text, m, bad_exit)) {
        return m[1].str();
    }
    return std::nullopt;
}

void read_remote_line(Backend backend, std::string_view line, RemoteBuild& build) {
    const std::string_view trimmed = text::trim(line);
    const auto after = [&](std::string_view prefix) -> std::optional<std::string> {
        if (!trimmed.starts_with(prefix)) {
            return std::nullopt;
        }
        return std::string(text::trim(trimmed.substr(prefix.size())));
    };
    switch (backend) {
    case Backend::Koji:
        if (auto id = after("Created task:")) {
            build.id = *id;
        } else if (auto url = after("Task info:")) {
            build.url = *url;
        }
        return;
    case Backend::Copr:
        if (auto id = after("Created builds:")) {
            build.id = *id;
        } else if (build.url.empty() && (trimmed.starts_with("https://") || trimmed.starts_with("http://"))) {
            build.url = std::string(trimmed);
        }
        return;
    case Backend::Obs:
        if (auto rev = after("Committed revision")) {
            if (rev->ends_with('.')) {
                rev->pop_back();
            }
            build.id = *rev;
        }
        return;
    case Backend::Rpmbuild:
    case Backend::Mock:
        return;
    }
}

} // namespace kseries::rpm
