// The NFS server's modules out of Debian's real modules directory: their
// load order against modules.dep, their bytes against `xz -dc`, their
// .modinfo against `modinfo`; hostile modules directories made here.
#include <cstring>
#include <elf.h>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <kseries/boot/kernel_modules.hpp>
#include <kseries/proc/run.hpp>

#include "temp_dir.hpp"

using namespace kseries;
namespace fs = std::filesystem;

namespace {

// Debian 12's 6.12 backport kernel, whatever its patch release.
fs::path debian_modules() {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator("/lib/modules", ec)) {
        const auto name = e.path().filename().string();
        if (name.starts_with("6.12.") && name.ends_with("+deb12-amd64") &&
            fs::is_regular_file(e.path() / "modules.dep")) {
            return e.path();
        }
    }
    return {};
}

#define SKIP_WITHOUT_DEBIAN_MODULES(dir)                                                           \
    const fs::path dir = debian_modules();                                                         \
    if (dir.empty()) {                                                                             \
        GTEST_SKIP() << "no /lib/modules/6.12.*+deb12-amd64 with modules.dep "                     \
                        "(linux-image-6.12.*+deb12-amd64 is not installed)";                       \
    }

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string name_of(const std::string& path) {
    auto base = fs::path(path).filename().string();
    base.resize(base.find(".ko"));
    for (auto& c : base) {
        c = c == '-' ? '_' : c;
    }
    return base;
}

// modules.dep read independently: each module's whole dependency set.
std::map<std::string, std::set<std::string>> dependency_sets(const fs::path& dir) {
    std::map<std::string, std::set<std::string>> out;
    std::istringstream lines(slurp(dir / "modules.dep"));
    for (std::string line; std::getline(lines, line);) {
        const auto colon = line.find(':');
        std::istringstream deps(line.substr(colon + 1));
        auto& set = out[name_of(line.substr(0, colon))];
        for (std::string d; deps >> d;) {
            set.insert(name_of(d));
        }
    }
    return out;
}

proc::Result run(std::vector<std::string> argv) {
    const auto r = proc::run({std::move(argv), {}, {}});
    EXPECT_TRUE(r.has_value());
    EXPECT_TRUE(r->ok()) << r->err;
    return *r;
}

std::string first_line(const std::string& s) {
    return s.substr(0, s.find('\n'));
}

const std::vector<std::string> issue_modules = {"sunrpc",       "grace", "lockd",  "nfs_acl",
                                                "auth_rpcgss",  "nfsd",  "netfs",  "nfs",
                                                "dns_resolver", "nfsv4", "overlay"};

} // namespace

TEST(BootKernelModules, nfs_server_modules_load_in_dependency_order) {
    SKIP_WITHOUT_DEBIAN_MODULES(dir);
    const auto order = boot::module_load_order(dir, issue_modules);
    ASSERT_TRUE(order.has_value()) << order.error().to_string();
    std::vector<std::string> names;
    for (const auto& m : *order) {
        names.push_back(m.name);
        EXPECT_TRUE(fs::is_regular_file(m.file)) << m.file;
        EXPECT_EQ(m.file.string().rfind(dir.string(), 0), 0u) << m.file;
    }
    EXPECT_EQ(names, issue_modules);

    // Asked for in another order, with a '-' spelling, each still comes
    // after everything modules.dep says it needs, and only once.
    const auto shuffled = boot::module_load_order(dir, {"overlay", "nfsv4", "nfsd", "nfs-acl"});
    ASSERT_TRUE(shuffled.has_value()) << shuffled.error().to_string();
    const auto deps = dependency_sets(dir);
    std::set<std::string> loaded;
    for (const auto& m : *shuffled) {
        for (const auto& d : deps.at(m.name)) {
            EXPECT_TRUE(loaded.contains(d)) << m.name << " before its dependency " << d;
        }
        EXPECT_TRUE(loaded.insert(m.name).second) << m.name << " twice";
    }
    EXPECT_EQ(loaded.size(), issue_modules.size());
    EXPECT_EQ(shuffled->front().name, "overlay");
    EXPECT_EQ(shuffled->back().name, "nfsd"); // nfs-acl came as its dependency
}

TEST(BootKernelModules, read_module_is_xz_dc_byte_for_byte) {
    SKIP_WITHOUT_DEBIAN_MODULES(dir);
    const auto file = dir / "kernel/fs/nfs/nfs.ko.xz";
    const auto bytes = boot::read_module(file);
    ASSERT_TRUE(bytes.has_value()) << bytes.error().to_string();
    EXPECT_EQ(*bytes, run({"xz", "-dc", file.string()}).out);
    const auto small = boot::read_module(file, 1000);
    ASSERT_FALSE(small.has_value());
    EXPECT_EQ(small.error().kind(), ErrorKind::Usage);
}

TEST(BootKernelModules, read_module_takes_gz_zst_and_plain_ko) {
    SKIP_WITHOUT_DEBIAN_MODULES(dir);
    test::TempDir tmp;
    const auto plain = boot::read_module(dir / "kernel/fs/overlayfs/overlay.ko.xz");
    ASSERT_TRUE(plain.has_value());
    tmp.write("overlay.ko", *plain);
    // RHEL 8 and 9 ship .ko.xz, others .ko.zst or .ko.gz: the real tools make them.
    run({"gzip", "-k", (tmp.path() / "overlay.ko").string()});
    std::vector<std::string> names = {"overlay.ko", "overlay.ko.gz"};
    if (proc::run({{"zstd", "--version"}, {}, {}}).has_value()) {
        run({"zstd", "-q", "-k", (tmp.path() / "overlay.ko").string()});
        names.push_back("overlay.ko.zst");
    }
    for (const auto& name : names) {
        const auto r = boot::read_module(tmp.path() / name);
        ASSERT_TRUE(r.has_value()) << r.error().to_string();
        EXPECT_EQ(*r, *plain) << name;
    }
    tmp.write("overlay.txt", *plain);
    const auto other = boot::read_module(tmp.path() / "overlay.txt");
    ASSERT_FALSE(other.has_value());
    EXPECT_EQ(other.error().kind(), ErrorKind::Usage);
}

TEST(BootKernelModules, module_info_reads_what_modinfo_reads) {
    SKIP_WITHOUT_DEBIAN_MODULES(dir);
    for (const auto* rel : {"kernel/fs/nfs/nfs.ko.xz", "kernel/fs/nfsd/nfsd.ko.xz",
                            "kernel/fs/overlayfs/overlay.ko.xz"}) {
        const auto file = dir / rel;
        const auto ko = boot::read_module(file);
        ASSERT_TRUE(ko.has_value()) << ko.error().to_string();
        for (const auto* field : {"vermagic", "depends", "name"}) {
            const auto ours = boot::module_info(*ko, field);
            ASSERT_TRUE(ours.has_value()) << ours.error().to_string();
            EXPECT_EQ(*ours, first_line(run({"modinfo", "-F", field, file.string()}).out))
                << rel << " " << field;
        }
        EXPECT_EQ(boot::module_info(*ko, "no_such_field"), "");
    }
}

namespace {

// A modules directory of our own: modules.dep as given, every module it
// names a real compressed module's bytes under its own name.
struct FakeModules {
    test::TempDir tmp;
    fs::path dir = tmp.path() / "6.12.0-test";

    explicit FakeModules(const std::string& dep) {
        fs::create_directories(dir);
        tmp.write("6.12.0-test/modules.dep", dep);
    }
    void module(const std::string& rel, const std::string& bytes = "\x7f"
                                                                   "ELF fake") const {
        tmp.write("6.12.0-test/" + rel, bytes);
    }
};

} // namespace

TEST(BootKernelModules, a_dependency_cycle_is_a_parse_error_naming_the_line) {
    FakeModules m("kernel/a.ko: kernel/b.ko\n"
                  "kernel/b.ko: kernel/a.ko\n"
                  "kernel/c.ko:\n");
    m.module("kernel/a.ko");
    m.module("kernel/b.ko");
    m.module("kernel/c.ko");
    const auto ok = boot::module_load_order(m.dir, {"c"});
    ASSERT_TRUE(ok.has_value()) << ok.error().to_string();
    const auto r = boot::module_load_order(m.dir, {"c", "a"});
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().kind(), ErrorKind::Parse);
    EXPECT_EQ(r.error().location().file, (m.dir / "modules.dep").string());
    EXPECT_EQ(r.error().location().line, 2u) << r.error().to_string();
    EXPECT_NE(r.error().message().find("cycle"), std::string::npos) << r.error().to_string();
}

TEST(BootKernelModules, lines_modules_dep_cannot_mean_are_parse_errors) {
    for (const auto& [dep, line] :
         std::vector<std::pair<std::string, std::size_t>>{{"kernel/a.ko: \nno colon here\n", 2},
                                                          {"kernel/a.ko kernel/b.ko: \n", 1},
                                                          {"kernel/a.ko:\nkernel/x/a.ko:\n", 2},
                                                          {"kernel/a.txt:\n", 1}}) {
        FakeModules m(dep);
        const auto r = boot::module_load_order(m.dir, {"a"});
        ASSERT_FALSE(r.has_value()) << dep;
        EXPECT_EQ(r.error().kind(), ErrorKind::Parse) << r.error().to_string();
        EXPECT_EQ(r.error().location().line, line) << r.error().to_string();
    }
}

TEST(BootKernelModules, paths_out_of_the_directory_are_unsafe) {
    {
        FakeModules m("kernel/a.ko: ../../etc/b.ko\n");
        const auto r = boot::module_load_order(m.dir, {"a"});
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error().kind(), ErrorKind::Unsafe) << r.error().to_string();
        EXPECT_EQ(r.error().location().line, 1u);
    }
    {
        FakeModules m("/etc/a.ko:\n");
        const auto r = boot::module_load_order(m.dir, {"a"});
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error().kind(), ErrorKind::Unsafe) << r.error().to_string();
    }
    {
        FakeModules m("kernel/a.ko:\n");
        m.tmp.write("outside/a.ko", "\x7f"
                                    "ELF");
        fs::create_directories(m.dir / "kernel");
        fs::create_symlink("../../outside/a.ko", m.dir / "kernel/a.ko");
        ASSERT_TRUE(fs::is_regular_file(m.dir / "kernel/a.ko"));
        const auto r = boot::module_load_order(m.dir, {"a"});
        ASSERT_FALSE(r.has_value());
        EXPECT_EQ(r.error().kind(), ErrorKind::Unsafe) << r.error().to_string();
        EXPECT_NE(r.error().message().find("kernel/a.ko"), std::string::npos);
    }
    {
        // A link that stays inside is what a real tree may hold (weak-updates).
        FakeModules m("weak-updates/a.ko:\n");
        m.module("kernel/a.ko");
        fs::create_directories(m.dir / "weak-updates");
        fs::create_symlink("../kernel/a.ko", m.dir / "weak-updates/a.ko");
        const auto r = boot::module_load_order(m.dir, {"a"});
        ASSERT_TRUE(r.has_value()) << r.error().to_string();
        EXPECT_EQ(r->front().file, m.dir / "weak-updates/a.ko");
    }
}

TEST(BootKernelModules, missing_modules_are_not_found) {
    FakeModules m("kernel/a.ko: kernel/b.ko\nkernel/b.ko:\n");
    m.module("kernel/a.ko");
    const auto unknown = boot::module_load_order(m.dir, {"zz-top"});
    ASSERT_FALSE(unknown.has_value());
    EXPECT_EQ(unknown.error().kind(), ErrorKind::NotFound);
    EXPECT_NE(unknown.error().message().find("modules.dep"), std::string::npos);
    EXPECT_NE(unknown.error().message().find("zz-top"), std::string::npos);
    const auto no_file = boot::module_load_order(m.dir, {"a"});
    ASSERT_FALSE(no_file.has_value());
    EXPECT_EQ(no_file.error().kind(), ErrorKind::NotFound) << no_file.error().to_string();
    EXPECT_NE(no_file.error().message().find("kernel/b.ko"), std::string::npos);
}

TEST(BootKernelModules, corrupt_and_non_elf_modules_are_usage_errors) {
    SKIP_WITHOUT_DEBIAN_MODULES(dir);
    test::TempDir tmp;
    const auto xz = slurp(dir / "kernel/fs/overlayfs/overlay.ko.xz");
    tmp.write("truncated.ko.xz", xz.substr(0, xz.size() / 2));
    tmp.write("flipped.ko.xz", [&] {
        auto s = xz;
        s[s.size() / 2] = static_cast<char>(s[s.size() / 2] ^ 0x55);
        return s;
    }());
    tmp.write("plain.ko.xz", "not compressed at all\n");
    for (const auto* name : {"truncated.ko.xz", "flipped.ko.xz", "plain.ko.xz"}) {
        const auto r = boot::read_module(tmp.path() / name);
        ASSERT_FALSE(r.has_value()) << name;
        EXPECT_EQ(r.error().kind(), ErrorKind::Usage) << r.error().to_string();
        EXPECT_NE(r.error().message().find(name), std::string::npos) << r.error().to_string();
    }
    tmp.write("text.ko", "obj-m += text.o\n");
    const auto text = boot::read_module(tmp.path() / "text.ko");
    ASSERT_TRUE(text.has_value());
    const auto info = boot::module_info(*text, "vermagic");
    ASSERT_FALSE(info.has_value());
    EXPECT_EQ(info.error().kind(), ErrorKind::Usage);
    // An ELF file that is no module: a shared object has no .modinfo.
    const auto bash = slurp("/bin/bash");
    EXPECT_FALSE(boot::module_info(bash, "vermagic").has_value());
    // A module cut inside its section headers.
    const auto ko = boot::read_module(dir / "kernel/fs/overlayfs/overlay.ko.xz");
    ASSERT_TRUE(ko.has_value());
    Elf64_Ehdr eh;
    std::memcpy(&eh, ko->data(), sizeof eh);
    ASSERT_LT(eh.e_shoff + 100, ko->size());
    const auto cut = boot::module_info(std::string_view(*ko).substr(0, eh.e_shoff + 100), "name");
    ASSERT_FALSE(cut.has_value());
    EXPECT_EQ(cut.error().kind(), ErrorKind::Usage);
}
