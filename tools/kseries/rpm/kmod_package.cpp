#include <kseries/rpm/kmod_package.hpp>

#include <array>
#include <unistd.h>
#include <iterator>

#include <fmt/format.h>

#include <kseries/proc/run.hpp>
#include <kseries/util/file.hpp>
#include <kseries/util/text.hpp>

namespace kseries::rpm {

namespace fs = std::filesystem;

Expected<std::string> module_arch(const fs::path& module) {
    const auto fd = KSERIES_TRY(open_regular_file(module));
    std::array<unsigned char, 20> h{};
    if (::pread(fd.get(), h.data(), h.size(), 0) != static_cast<ssize_t>(h.size())) {
        return fail(ErrorKind::Io,
                    fmt::format("cannot read the ELF header of {}", module.string()));
    }
    if (h[0] != 0x7f || h[1] != 'E' || h[2] != 'L' || h[3] != 'F') {
        return fail(ErrorKind::Tool, fmt::format("{} is not an ELF file", module.string()));
    }
    const bool little = h[5] == 1;
    const unsigned lo = little ? h[18] : h[19];
    const unsigned hi = little ? h[19] : h[18];
    const unsigned machine = lo | (hi << 8U);
    switch (machine) {
    case 62:
        return std::string("x86_64"); // EM_X86_64
    case 183:
        return std::string("aarch64"); // EM_AARCH64
    case 21:
        return std::string(little ? "ppc64le" : "ppc64"); // EM_PPC64
    case 22:
        return std::string("s390x"); // EM_S390
    case 3:
        return std::string("i686"); // EM_386
    default:
        return fail(ErrorKind::Tool, fmt::format("{}: ELF machine {} has no rpm architecture "
                                                 "kseries knows",
                                                 module.string(), machine));
    }
}

Expected<BuiltRpm> build_kmod_rpm(const KmodSpecInput& in, const fs::path& module,
                                  const fs::path& topdir, proc::Runner& runner) {
    const auto spec = KSERIES_TRY(kmod_spec(in));
    const auto arch = KSERIES_TRY(module_arch(module));
    const auto ko = KSERIES_TRY(read_regular_file(module));
    const fs::path top = fs::absolute(topdir);
    std::error_code ec;
    for (const char* sub : {"SOURCES", "SPECS", "tmp"}) {
        fs::create_directories(top / sub, ec);
        if (ec) {
            return fail(ErrorKind::Io,
                        fmt::format("cannot create {}: {}", (top / sub).string(), ec.message()));
        }
    }
    const fs::path spec_file = top / "SPECS" / fmt::format("kmod-{}.spec", in.name);
    for (const auto& [path, content] :
         {std::pair{spec_file, spec}, std::pair{top / "SOURCES" / (in.module + ".ko"), ko},
          std::pair{top / "SOURCES" / fmt::format("kmod-{}.conf", in.name), depmod_conf(in)}}) {
        KSERIES_TRY(write_file_atomic(path, content));
    }
    const std::vector<std::string> argv{"rpmbuild",        "-bb",
                                        "--target",        arch,
                                        "--define",        "_topdir " + top.string(),
                                        "--define",        "_tmppath " + (top / "tmp").string(),
                                        spec_file.string()};
    const auto r = KSERIES_TRY(runner.run({argv, top, {}}));
    BuiltRpm built{{}, arch, proc::describe(argv) + '\n' + r.out + r.err};
    if (!r.ok()) {
        return fail(ErrorKind::Tool, fmt::format("rpmbuild failed ({}); the end of its output:\n{}",
                                                 r.status(), text::last_lines(r.out + r.err, 25)));
    }
    for (const auto& entry : fs::directory_iterator(top / "RPMS" / arch, ec)) {
        if (entry.path().extension() == ".rpm") {
            built.path = entry.path();
        }
    }
    if (built.path.empty()) {
        return fail(ErrorKind::Tool,
                    fmt::format("rpmbuild made no package in {}", (top / "RPMS" / arch).string()));
    }
    return built;
}

Expected<fs::path> publish_file(const fs::path& file, const fs::path& out) {
    const auto data = KSERIES_TRY(read_regular_file(file));
    const fs::path target = out / file.filename();
    KSERIES_TRY(write_file_atomic(target, data));
    return target;
}

} // namespace kseries::rpm
