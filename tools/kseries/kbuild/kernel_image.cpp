#include <set>
#include <system_error>
#include <unistd.h>

#include <fmt/format.h>

#include <kseries/kbuild/kernel_image.hpp>
#include <kseries/kbuild/module_build.hpp>
#include <kseries/source/rpm_payload.hpp>
#include <kseries/util/file.hpp>
#include <kseries/util/temp_dir.hpp>

namespace kseries::kbuild {

namespace fs = std::filesystem;

namespace {

std::unexpected<Error> usage(std::string message) {
    return fail(ErrorKind::Usage, std::move(message));
}

bool is_regular(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

bool is_dir(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec);
}

// The x86 boot protocol's header signature sits at 0x202 of every bzImage.
Expected<void> check_bzimage(const fs::path& vmlinuz) {
    auto fd = open_regular_file(vmlinuz);
    if (!fd) {
        return usage(fmt::format("kernel image {}: {}", vmlinuz.string(), fd.error().message()));
    }
    char magic[4] = {};
    if (::pread(fd->get(), magic, sizeof magic, 0x202) != static_cast<ssize_t>(sizeof magic) ||
        std::string_view(magic, sizeof magic) != "HdrS") {
        return usage(fmt::format("kernel image {} is not a bzImage (no \"HdrS\" at offset 0x202)",
                                 vmlinuz.string()));
    }
    return {};
}

// The release the headers were configured for (devel_release), or "" when
// they do not say.
Expected<std::string> headers_release(const fs::path& build_dir) {
    auto release = devel_release(build_dir);
    if (!release && release.error().kind() == ErrorKind::NotFound) {
        return std::string();
    }
    return release;
}

// "lib/modules/K/..." or "usr/src/kernels/K/..." -> K; "" for other paths.
std::string release_of(std::string_view path) {
    for (const std::string_view top : {"lib/modules/", "usr/src/kernels/"}) {
        if (path.starts_with(top)) {
            const auto rest = path.substr(top.size());
            const auto slash = rest.find('/');
            return slash == std::string_view::npos ? std::string()
                                                   : std::string(rest.substr(0, slash));
        }
    }
    return {};
}

// Each package's one release; all packages the same.
Expected<std::string> unpack_all(const std::vector<fs::path>& rpms, const fs::path& root) {
    std::string release;
    fs::path release_from;
    for (const auto& rpm : rpms) {
        const auto files = KSERIES_TRY(source::extract_rpm_payload(rpm, root));
        std::set<std::string> found;
        for (const auto& f : files) {
            if (auto r = release_of(f); !r.empty()) {
                found.insert(std::move(r));
            }
        }
        if (found.empty()) {
            return usage(fmt::format("{} holds nothing under /lib/modules/KVER or "
                                     "/usr/src/kernels/KVER: it is not a kernel-core, "
                                     "kernel-modules or kernel-devel package",
                                     rpm.string()));
        }
        if (found.size() > 1) {
            return usage(fmt::format("{} holds files of two kernel releases ({} and {})",
                                     rpm.string(), *found.begin(), *found.rbegin()));
        }
        if (release.empty()) {
            release = *found.begin();
            release_from = rpm;
        } else if (release != *found.begin()) {
            return usage(fmt::format("{} is for kernel {}, but {} is for {}: the packages must "
                                     "be of one kernel",
                                     rpm.string(), *found.begin(), release_from.string(), release));
        }
    }
    return release;
}

} // namespace

Expected<KernelImage> kernel_from_paths(const fs::path& vmlinuz, const fs::path& modules_dir,
                                        const fs::path& build_dir) {
    KSERIES_TRY(check_bzimage(vmlinuz));
    if (!is_regular(modules_dir / "modules.dep")) {
        return usage(fmt::format("modules directory {} holds no modules.dep (not a "
                                 "/lib/modules/KVER directory, or depmod has not run)",
                                 modules_dir.string()));
    }
    if (!is_regular(build_dir / "Makefile") ||
        !(is_dir(build_dir / "include") || is_regular(build_dir / ".config"))) {
        return usage(fmt::format("build directory {} holds no kernel headers (a Makefile and "
                                 "include/ or .config)",
                                 build_dir.string()));
    }
    const fs::path dir = modules_dir.filename().empty() ? modules_dir.parent_path() : modules_dir;
    KernelImage image{dir.filename().string(), vmlinuz, dir, build_dir};
    const auto headers = headers_release(build_dir);
    if (!headers) {
        return usage(headers.error().message());
    }
    if (!headers->empty() && *headers != image.release) {
        return usage(fmt::format("the modules directory {} is for kernel {}, but the build "
                                 "directory {} is for {}",
                                 dir.string(), image.release, build_dir.string(), *headers));
    }
    return image;
}

Expected<KernelImage> kernel_from_rpms(const std::vector<fs::path>& rpms, const fs::path& work_dir,
                                       proc::Runner& runner) {
    if (rpms.empty()) {
        return usage("no kernel packages given");
    }
    auto root = KSERIES_TRY(TempDir::create(work_dir, "kernel-"));
    const std::string release = KSERIES_TRY(unpack_all(rpms, root.path()));
    std::string names;
    for (const auto& rpm : rpms) {
        names += (names.empty() ? "" : ", ") + rpm.string();
    }
    const fs::path modules_dir = root.path() / "lib/modules" / release;
    fs::path vmlinuz = modules_dir / "vmlinuz";
    if (!is_regular(vmlinuz)) {
        vmlinuz = root.path() / "boot" / ("vmlinuz-" + release); // el7 ships it in /boot
    }
    if (!is_regular(vmlinuz)) {
        return usage(fmt::format("no kernel image (/lib/modules/{0}/vmlinuz or /boot/vmlinuz-{0}) "
                                 "in {1}: kernel-core is missing",
                                 release, names));
    }
    const fs::path build_dir = root.path() / "usr/src/kernels" / release;
    if (!is_dir(build_dir)) {
        return usage(fmt::format("no kernel headers (/usr/src/kernels/{}) in {}: kernel-devel is "
                                 "missing",
                                 release, names));
    }
    if (!is_regular(modules_dir / "modules.dep") && is_regular(modules_dir / "modules.order")) {
        const auto r =
            KSERIES_TRY(runner.run({{"depmod", "-b", root.path().string(), release}, {}, {}}));
        if (!r.ok()) {
            return fail(ErrorKind::Tool,
                        fmt::format("depmod -b {} {} ({}): {}", root.path().string(), release,
                                    r.status(), r.err));
        }
    }
    auto image = KSERIES_TRY(kernel_from_paths(vmlinuz, modules_dir, build_dir));
    (void)root.release();
    return image;
}

} // namespace kseries::kbuild
