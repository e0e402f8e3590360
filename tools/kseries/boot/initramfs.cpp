#include <algorithm>
#include <sys/stat.h>

#include <fmt/format.h>

#include <kseries/boot/cpio.hpp>
#include <kseries/boot/elf_closure.hpp>
#include <kseries/boot/harness.hpp>
#include <kseries/boot/initramfs.hpp>
#include <kseries/boot/kernel_modules.hpp>
#include <kseries/util/file.hpp>

namespace kseries::boot {

namespace {

namespace fs = std::filesystem;

// Where a tool named bare ("exportfs") is found: the PATH a root shell
// has, under `root`.
Expected<std::string> find_tool(const std::string& tool, const fs::path& root) {
    if (tool.starts_with('/')) {
        return tool;
    }
    for (const char* dir :
         {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}) {
        const std::string path = fmt::format("{}/{}", dir, tool);
        struct stat st {};
        if (::stat((root / path.substr(1)).c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
            return path;
        }
    }
    return fail(ErrorKind::NotFound, fmt::format("tool {} is not installed under {} (PATH "
                                                 "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/"
                                                 "bin:/sbin:/bin)",
                                                 tool, root.string()));
}

// A host file's bytes, into the image at the same path, with its
// permission bits.
Expected<void> copy_in(CpioImage& image, const std::string& path, const fs::path& host) {
    struct stat st {};
    if (::stat(host.c_str(), &st) != 0) {
        return fail(ErrorKind::NotFound, fmt::format("{}: not found", host.string()));
    }
    auto bytes = KSERIES_TRY(read_regular_file(host));
    if (image.contains(path)) {
        return {};
    }
    return image.add_file(path, std::move(bytes), st.st_mode & 07777U);
}

// The harness's own pieces: /init, busybox, the device nodes the console
// needs before devtmpfs is mounted, the directories it mounts on.
Expected<void> add_harness(CpioImage& image, const ImageRequest& request) {
    if (!KSERIES_TRY(is_static_executable(request.busybox))) {
        return fail(ErrorKind::Usage,
                    fmt::format("{} is not a static busybox: the VM has no libraries for it "
                                "(Debian: apt-get install busybox-static)",
                                request.busybox.string()));
    }
    auto busybox = KSERIES_TRY(read_regular_file(request.busybox));
    KSERIES_TRY(image.add_file(std::string(busybox_path), std::move(busybox), 0755));
    KSERIES_TRY(image.add_file("init", std::string(init_script()), 0755));
    KSERIES_TRY(image.add_char_device("dev/console", 5, 1, 0600));
    KSERIES_TRY(image.add_char_device("dev/null", 1, 3, 0666));
    for (const char* dir : {"proc", "sys", "run", "tmp", "etc", "sbin", "usr/bin", "usr/sbin"}) {
        KSERIES_TRY(image.add_directory(dir));
    }
    return {};
}

// The scenario's modules, dependencies first, as plain .ko files, and the
// list the harness loads them by.
Expected<std::vector<std::string>> add_modules(CpioImage& image, const ImageRequest& request) {
    const auto order =
        KSERIES_TRY(module_load_order(request.modules_dir, request.scenario->modules));
    std::vector<std::string> names;
    std::string list;
    for (const auto& m : order) {
        const auto replaced = request.replaced.find(m.name);
        auto bytes = KSERIES_TRY(replaced != request.replaced.end()
                                     ? read_regular_file(replaced->second)
                                     : read_module(request.modules_dir / m.file));
        KSERIES_TRY(
            image.add_file(fmt::format("{}/{}.ko", modules_path, m.name), std::move(bytes)));
        names.push_back(m.name);
        list += m.name + "\n";
    }
    for (const auto& [name, ko] : request.replaced) {
        if (std::find(names.begin(), names.end(), name) == names.end()) {
            return fail(ErrorKind::Usage,
                        fmt::format("scenario {} does not load module {} ({}): the patched "
                                    "module would not be tested",
                                    request.scenario->name, name, ko.string()));
        }
    }
    KSERIES_TRY(image.add_file(std::string(module_list_path), std::move(list)));
    return names;
}

// The scenario's tools with their loader and libraries, its files, its
// script and the shared fragments it uses.
Expected<void> add_scenario(CpioImage& image, const ImageRequest& request) {
    const auto& s = *request.scenario;
    for (const auto& tool : s.tools) {
        const std::string path = KSERIES_TRY(find_tool(tool, request.root));
        KSERIES_TRY(copy_in(image, path, request.root / path.substr(1)));
        const auto libs =
            KSERIES_TRY(shared_library_closure(request.root / path.substr(1), request.root));
        for (const auto& lib : libs) {
            KSERIES_TRY(copy_in(image, lib.path, lib.host));
        }
    }
    for (const auto& file : s.files) {
        KSERIES_TRY(copy_in(image, file, request.root / file.substr(1)));
    }
    KSERIES_TRY(image.add_file(std::string(scenario_name_path), s.name + "\n"));
    KSERIES_TRY(image.add_file(std::string(script_path), s.script, 0755));
    for (const auto& [name, bytes] : s.uses) {
        KSERIES_TRY(image.add_file(fmt::format("{}/{}", lib_path, name), bytes));
    }
    return {};
}

} // namespace

Expected<ImageSummary> write_initramfs(const ImageRequest& request, const fs::path& out) {
    if (request.scenario == nullptr) {
        return fail(ErrorKind::Internal, "write_initramfs: no scenario");
    }
    CpioImage image;
    KSERIES_TRY(add_harness(image, request));
    ImageSummary summary;
    summary.modules = KSERIES_TRY(add_modules(image, request));
    KSERIES_TRY(add_scenario(image, request));
    const std::string bytes = image.bytes();
    KSERIES_TRY(write_file_atomic(out, bytes));
    summary.entries = image.entries();
    summary.bytes = bytes.size();
    return summary;
}

} // namespace kseries::boot
