// The library closure of the NFS server's real programs, checked against
// what the real `ldd` resolves; a sysroot of another layout made of copies
// of the same files; broken and hostile ELF files.
#include <cstddef>
#include <cstring>
#include <elf.h>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <kseries/boot/elf_closure.hpp>
#include <kseries/proc/run.hpp>

#include "temp_dir.hpp"

using namespace kseries;
namespace fs = std::filesystem;

namespace {

// The files ldd says `program` loads, each resolved with realpath; the
// vDSO is no file.
std::set<std::string> ldd_files(const fs::path& program) {
    const auto r = proc::run({{"ldd", program.string()}, {}, {}});
    EXPECT_TRUE(r.has_value());
    EXPECT_TRUE(r->ok()) << r->err;
    std::set<std::string> out;
    std::istringstream lines(r->out);
    for (std::string line; std::getline(lines, line);) {
        std::istringstream words(line);
        std::vector<std::string> w;
        for (std::string s; words >> s;) {
            w.push_back(s);
        }
        std::string file;
        if (w.size() >= 3 && w[1] == "=>") {
            file = w[2];
        } else if (!w.empty() && w[0].starts_with('/')) {
            file = w[0];
        }
        if (!file.empty()) {
            out.insert(fs::canonical(file).string());
        }
    }
    return out;
}

std::set<std::string> hosts(const std::vector<boot::ImageFile>& files) {
    std::set<std::string> out;
    for (const auto& f : files) {
        out.insert(f.host.string());
    }
    return out;
}

void copy_into(const fs::path& from, const fs::path& to) {
    fs::create_directories(to.parent_path());
    fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

// A sysroot in RHEL's layout: the program in /sbin, every library and the
// loader in /usr/lib64 under a versioned name behind a relative soname
// link, /lib64 a relative link to usr/lib64 and /lib an absolute one to
// /usr/lib (inside the sysroot, where it finds nothing).
void make_sysroot(const fs::path& root, const fs::path& program) {
    copy_into(program, root / "sbin" / program.filename());
    const auto host = boot::shared_library_closure(program);
    ASSERT_TRUE(host.has_value()) << host.error().to_string();
    for (const auto& f : *host) {
        const auto name = fs::path(f.path).filename().string();
        copy_into(f.host, root / "usr/lib64" / (name + ".real"));
        fs::create_symlink(name + ".real", root / "usr/lib64" / name);
    }
    fs::create_symlink("usr/lib64", root / "lib64");
    fs::create_symlink("/usr/lib", root / "lib");
}

const std::vector<std::string> nfs_programs = {"/usr/sbin/rpc.mountd", "/usr/sbin/rpc.nfsd",
                                               "/usr/sbin/exportfs", "/usr/sbin/rpcbind"};

} // namespace

TEST(BootElfClosure, nfs_programs_need_what_ldd_resolves) {
    for (const auto& program : nfs_programs) {
        if (!fs::exists(program)) {
            GTEST_SKIP() << program << " is not installed (nfs-kernel-server, rpcbind)";
        }
        const auto closure = boot::shared_library_closure(program);
        ASSERT_TRUE(closure.has_value()) << closure.error().to_string();
        EXPECT_EQ(hosts(*closure), ldd_files(program)) << program;
        EXPECT_EQ(hosts(*closure).size(), closure->size()) << program << ": a file twice";
        // The loader first, at the program's PT_INTERP path, and only there,
        // though libc names it as DT_NEEDED too.
        ASSERT_FALSE(closure->empty());
        EXPECT_EQ(closure->front().path, "/lib64/ld-linux-x86-64.so.2");
        for (std::size_t i = 1; i < closure->size(); ++i) {
            EXPECT_NE(fs::path((*closure)[i].path).filename(), "ld-linux-x86-64.so.2");
            EXPECT_TRUE((*closure)[i].path.starts_with("/lib/x86_64-linux-gnu/"))
                << (*closure)[i].path;
        }
    }
}

TEST(BootElfClosure, a_static_program_needs_nothing) {
    if (!fs::exists("/bin/busybox")) {
        GTEST_SKIP() << "/bin/busybox is not installed (busybox-static)";
    }
    const auto closure = boot::shared_library_closure("/bin/busybox");
    ASSERT_TRUE(closure.has_value()) << closure.error().to_string();
    EXPECT_TRUE(closure->empty());
    EXPECT_EQ(boot::is_static_executable("/bin/busybox"), true);
    EXPECT_EQ(boot::is_static_executable("/bin/bash"), false);
}

TEST(BootElfClosure, files_that_are_not_usable_elf_are_usage_errors) {
    test::TempDir tmp;
    const auto bash = [] {
        std::ifstream in("/bin/bash", std::ios::binary);
        std::ostringstream s;
        s << in.rdbuf();
        return s.str();
    }();
    ASSERT_GT(bash.size(), 4096u);
    // A hostile program header offset, a truncated copy, a dynamic section
    // whose string table address is in no segment, a text file.
    auto far_phdrs = bash;
    far_phdrs[0x20 + 6] = '\x7f'; // e_phoff's high bytes
    auto no_strtab = bash;
    {
        // DT_STRTAB's address, found through the program headers.
        Elf64_Ehdr eh;
        std::memcpy(&eh, bash.data(), sizeof eh);
        std::size_t strtab_value = 0;
        for (std::size_t i = 0; i < eh.e_phnum; ++i) {
            Elf64_Phdr ph;
            std::memcpy(&ph, bash.data() + eh.e_phoff + i * sizeof ph, sizeof ph);
            for (std::size_t off = 0; ph.p_type == PT_DYNAMIC && off < ph.p_filesz;
                 off += sizeof(Elf64_Dyn)) {
                Elf64_Dyn d;
                std::memcpy(&d, bash.data() + ph.p_offset + off, sizeof d);
                if (d.d_tag == DT_STRTAB) {
                    strtab_value = ph.p_offset + off + offsetof(Elf64_Dyn, d_un);
                }
            }
        }
        ASSERT_NE(strtab_value, 0u);
        no_strtab[strtab_value + 6] = '\x7e';
    }
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"text", "#!/bin/sh\necho not an ELF file\n"},
        {"header-only", bash.substr(0, 64)},
        {"truncated", bash.substr(0, 4096)},
        {"far-phdrs", far_phdrs},
        {"no-strtab", no_strtab},
    };
    for (const auto& [name, bytes] : cases) {
        tmp.write(name, bytes);
        const auto file = tmp.path() / name;
        const auto r = boot::shared_library_closure(file);
        ASSERT_FALSE(r.has_value()) << name;
        EXPECT_EQ(r.error().kind(), ErrorKind::Usage) << name << ": " << r.error().to_string();
        EXPECT_NE(r.error().to_string().find(file.string()), std::string::npos)
            << r.error().to_string();
    }
    const auto text = boot::is_static_executable(tmp.path() / "text");
    ASSERT_FALSE(text.has_value());
    EXPECT_EQ(text.error().kind(), ErrorKind::Usage);
}

// rpc.mountd and its libraries copied into a sysroot of RHEL's layout
// (make_sysroot), for the tests of a closure inside another root.
class BootElfClosureSysroot : public ::testing::Test {
protected:
    void SetUp() override {
        if (!fs::exists(program)) {
            GTEST_SKIP() << program << " is not installed (nfs-kernel-server)";
        }
        make_sysroot(root, program);
    }
    const fs::path program = "/usr/sbin/rpc.mountd";
    test::TempDir tmp;
    const fs::path root = fs::canonical(tmp.path()) / "sysroot";
};

TEST_F(BootElfClosureSysroot, a_sysroot_of_another_layout_resolves_inside_it) {
    const auto closure = boot::shared_library_closure(root / "sbin/rpc.mountd", root);
    ASSERT_TRUE(closure.has_value()) << closure.error().to_string();
    const auto host = boot::shared_library_closure(program);
    ASSERT_TRUE(host.has_value());
    ASSERT_EQ(closure->size(), host->size());
    EXPECT_EQ(closure->front().path, "/lib64/ld-linux-x86-64.so.2");
    EXPECT_EQ(closure->front().host, root / "usr/lib64/ld-linux-x86-64.so.2.real");
    for (std::size_t i = 1; i < closure->size(); ++i) {
        const auto name = fs::path((*host)[i].path).filename().string();
        EXPECT_EQ((*closure)[i].path, "/lib64/" + name);
        EXPECT_EQ((*closure)[i].host, root / "usr/lib64" / (name + ".real"));
    }
}

TEST(BootElfClosure, a_runpath_with_origin_is_searched_first) {
    test::TempDir tmp;
    const auto root = fs::canonical(tmp.path()) / "sysroot";
    make_sysroot(root, "/usr/sbin/exportfs");
    // A program and a library of our own, built here: the program finds it
    // through DT_RUNPATH $ORIGIN/../private, a second one through DT_RPATH.
    tmp.write("hello.c", "int hello(void) { return 42; }\n");
    tmp.write("main.c", "int hello(void);\nint main(void) { return hello(); }\n");
    const auto cc = [&](std::vector<std::string> args) {
        args.insert(args.begin(), "cc");
        const auto r = proc::run({args, tmp.path(), {}});
        ASSERT_TRUE(r.has_value());
        ASSERT_TRUE(r->ok()) << r->err;
    };
    fs::create_directories(root / "opt/app/bin");
    fs::create_directories(root / "opt/app/private");
    cc({"-shared", "-fPIC", "-Wl,-soname,libhello.so.1", "-o",
        (root / "opt/app/private/libhello.so.1").string(), "hello.c"});
    cc({"-o", (root / "opt/app/bin/hello").string(), "main.c",
        "-L" + (root / "opt/app/private").string(), "-l:libhello.so.1",
        "-Wl,--enable-new-dtags,-rpath,$ORIGIN/../private"});
    cc({"-o", (root / "opt/app/bin/hello-rpath").string(), "main.c",
        "-L" + (root / "opt/app/private").string(), "-l:libhello.so.1",
        "-Wl,--disable-new-dtags,-rpath,/opt/app/private"});
    for (const std::string name : {"hello", "hello-rpath"}) {
        const auto closure = boot::shared_library_closure(root / "opt/app/bin" / name, root);
        ASSERT_TRUE(closure.has_value()) << closure.error().to_string();
        ASSERT_EQ(closure->size(), 3u) << name; // loader, libhello, libc
        EXPECT_EQ((*closure)[1].path, name == "hello" ? "/opt/app/private/libhello.so.1"
                                                      : "/opt/app/private/libhello.so.1");
        EXPECT_EQ((*closure)[1].host, root / "opt/app/private/libhello.so.1");
        EXPECT_EQ((*closure)[2].path, "/lib64/libc.so.6");
    }
    // Outside the root a program has no $ORIGIN the VM could mean.
    fs::copy_file(root / "opt/app/bin/hello", tmp.path() / "hello");
    const auto outside = boot::shared_library_closure(tmp.path() / "hello", root);
    ASSERT_FALSE(outside.has_value());
    EXPECT_EQ(outside.error().kind(), ErrorKind::Usage);
    EXPECT_NE(outside.error().message().find("$ORIGIN"), std::string::npos)
        << outside.error().to_string();
}

TEST_F(BootElfClosureSysroot, a_library_link_out_of_the_sysroot_is_unsafe) {
    const auto lib = root / "usr/lib64/libwrap.so.0";
    fs::remove(lib);
    // Enough ".." to reach the host's "/" from inside the sysroot.
    std::string up;
    for (auto p = lib.parent_path(); p != p.root_path(); p = p.parent_path()) {
        up += "../";
    }
    fs::create_symlink(up + "usr/lib/x86_64-linux-gnu/libwrap.so.0", lib);
    ASSERT_TRUE(fs::exists(lib)); // the host follows it
    const auto r = boot::shared_library_closure(root / "sbin/rpc.mountd", root);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().kind(), ErrorKind::Unsafe) << r.error().to_string();
    EXPECT_NE(r.error().message().find("libwrap.so.0"), std::string::npos) << r.error().to_string();
}

TEST_F(BootElfClosureSysroot, a_missing_library_is_not_found_naming_program_and_library) {
    fs::remove(root / "usr/lib64/libkeyutils.so.1");
    const auto r = boot::shared_library_closure(root / "sbin/rpc.mountd", root);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().kind(), ErrorKind::NotFound);
    const auto text = r.error().to_string();
    EXPECT_NE(text.find((root / "sbin/rpc.mountd").string()), std::string::npos) << text;
    EXPECT_NE(text.find("libkeyutils.so.1"), std::string::npos) << text;
}
