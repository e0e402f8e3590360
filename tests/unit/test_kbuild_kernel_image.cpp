// "A kernel" for verify --boot, on Debian's installed kernel: its three
// paths as they are, and the same files wrapped into kernel-core,
// kernel-modules and kernel-devel-shaped RPMs built here with the real
// rpmbuild (RHEL's layout: /lib/modules/KVER/vmlinuz, modules.order without
// modules.dep, /usr/src/kernels/KVER and the build link to it).
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <kseries/kbuild/kernel_image.hpp>
#include <kseries/proc/run.hpp>

#include "temp_dir.hpp"

using namespace kseries;
namespace fs = std::filesystem;

namespace {

const std::string kver = "6.12.117+deb12-amd64";
const fs::path debian_vmlinuz = "/boot/vmlinuz-" + kver;
const fs::path debian_modules = "/lib/modules/" + kver;
const fs::path debian_headers = "/usr/src/linux-headers-" + kver;

bool debian_kernel_present() {
    return fs::is_regular_file(debian_vmlinuz) &&
           fs::is_regular_file(debian_modules / "modules.dep") &&
           fs::is_regular_file(debian_headers / "Makefile");
}

#define SKIP_WITHOUT_DEBIAN_KERNEL()                                                               \
    if (!debian_kernel_present()) {                                                                \
        GTEST_SKIP() << "Debian's kernel " << kver                                                 \
                     << " (linux-image, linux-headers) is not installed";                          \
    }

std::vector<std::string> entries(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) {
        out.push_back(e.path().filename().string());
    }
    return out;
}

// Builds NAME-6.12.117-1.x86_64.rpm whose %install runs `install` (shell
// lines over %{buildroot}) and whose %files lists `files`; returns its path.
fs::path build_rpm(const fs::path& top, const std::string& name, const std::string& install,
                   const std::string& files) {
    const fs::path spec = top / (name + ".spec");
    std::ofstream(spec) << "Name: " << name << "\nVersion: 6.12.117\nRelease: 1\n"
                        << "Summary: test package shaped like RHEL's " << name
                        << "\nLicense: GPL-2.0-only\nAutoReqProv: no\n"
                        << "%define debug_package %{nil}\n%define __os_install_post %{nil}\n"
                        << "%define _build_id_links none\n"
                        << "%description\nDebian's kernel files in RHEL's layout.\n"
                        << "%install\n"
                        << install << "\n%files\n"
                        << files << "\n";
    const auto r = proc::run(
        {{"rpmbuild", "-bb", "--quiet", "--define", "_topdir " + top.string(), spec.string()},
         {},
         {}});
    EXPECT_TRUE(r.has_value());
    EXPECT_TRUE(r->ok()) << r->err;
    for (const auto& e : fs::recursive_directory_iterator(top / "RPMS")) {
        if (e.path().filename().string().starts_with(name + "-6.12.117")) {
            return e.path();
        }
    }
    ADD_FAILURE() << "rpmbuild made no " << name << " package";
    return {};
}

const std::string bz = "%{buildroot}/lib/modules/" + kver;

} // namespace

TEST(KbuildKernelImage, DebiansInstalledKernelFromPaths) {
    SKIP_WITHOUT_DEBIAN_KERNEL();
    const auto image = kbuild::kernel_from_paths(debian_vmlinuz, debian_modules, debian_headers);
    ASSERT_TRUE(image.has_value()) << image.error().message();
    EXPECT_EQ(image->release, kver);
    EXPECT_EQ(image->vmlinuz, debian_vmlinuz);
    EXPECT_EQ(image->modules_dir, debian_modules);
    EXPECT_EQ(image->build_dir, debian_headers);
    // A trailing slash names the same directory, and the same release.
    const auto slash =
        kbuild::kernel_from_paths(debian_vmlinuz, debian_modules.string() + "/", debian_headers);
    ASSERT_TRUE(slash.has_value()) << slash.error().message();
    EXPECT_EQ(slash->release, kver);
}

TEST(KbuildKernelImage, RefusesWhatIsNotABzImage) {
    SKIP_WITHOUT_DEBIAN_KERNEL();
    // System.map is a kernel file of the right release, but no image.
    const fs::path map = "/boot/System.map-" + kver;
    const auto image = kbuild::kernel_from_paths(map, debian_modules, debian_headers);
    ASSERT_FALSE(image.has_value());
    EXPECT_EQ(image.error().kind(), ErrorKind::Usage);
    EXPECT_EQ(image.error().message(),
              "kernel image " + map.string() + " is not a bzImage (no \"HdrS\" at offset 0x202)");
}

TEST(KbuildKernelImage, RefusesHeadersOfAnotherRelease) {
    SKIP_WITHOUT_DEBIAN_KERNEL();
    const test::TempDir dir;
    dir.write("headers/Makefile", "# kernel\n");
    dir.write("headers/include/config/kernel.release", "5.14.0-427.el9.x86_64\n");
    const auto image =
        kbuild::kernel_from_paths(debian_vmlinuz, debian_modules, dir.path() / "headers");
    ASSERT_FALSE(image.has_value());
    EXPECT_EQ(image.error().kind(), ErrorKind::Usage);
    EXPECT_EQ(image.error().message(), "the modules directory " + debian_modules.string() +
                                           " is for kernel " + kver + ", but the build directory " +
                                           (dir.path() / "headers").string() +
                                           " is for 5.14.0-427.el9.x86_64");
    // utsrelease.h speaks when kernel.release is absent.
    dir.write("uts/Makefile", "# kernel\n");
    dir.write("uts/include/generated/utsrelease.h",
              "#define UTS_RELEASE \"4.18.0-553.el8_10.x86_64\"\n");
    const auto uts = kbuild::kernel_from_paths(debian_vmlinuz, debian_modules, dir.path() / "uts");
    ASSERT_FALSE(uts.has_value());
    EXPECT_NE(uts.error().message().find("is for 4.18.0-553.el8_10.x86_64"), std::string::npos)
        << uts.error().message();
}

TEST(KbuildKernelImage, UtsReleaseSpeaksBeforeKernelRelease) {
    SKIP_WITHOUT_DEBIAN_KERNEL();
    // Debian's 6.1 headers: include/config/kernel.release holds the
    // upstream version ("6.1.192"), utsrelease.h what the kernel calls
    // itself and modules' vermagic carries ("6.1.0-57-amd64").
    const test::TempDir dir;
    dir.write("headers/Makefile", "# kernel\n");
    dir.write("headers/include/config/kernel.release", "6.1.192\n");
    dir.write("headers/include/generated/utsrelease.h",
              "#define UTS_RELEASE \"" + kver + "\"\n");
    const auto image =
        kbuild::kernel_from_paths(debian_vmlinuz, debian_modules, dir.path() / "headers");
    ASSERT_TRUE(image.has_value()) << image.error().message();
    EXPECT_EQ(image->release, kver);
}

TEST(KbuildKernelImage, RefusesAModulesDirectoryWithoutModulesDep) {
    SKIP_WITHOUT_DEBIAN_KERNEL();
    const test::TempDir dir;
    dir.write(kver + "/modules.order", "kernel/fs/overlayfs/overlay.ko\n");
    const auto image = kbuild::kernel_from_paths(debian_vmlinuz, dir.path() / kver, debian_headers);
    ASSERT_FALSE(image.has_value());
    EXPECT_EQ(image.error().kind(), ErrorKind::Usage);
    EXPECT_EQ(image.error().message(), "modules directory " + (dir.path() / kver).string() +
                                           " holds no modules.dep (not a /lib/modules/KVER "
                                           "directory, or depmod has not run)");
}

TEST(KbuildKernelImageRpms, FindsTheKernelInRhelShapedPackages) {
    SKIP_WITHOUT_DEBIAN_KERNEL();
    const test::TempDir top;
    const test::TempDir work;
    const auto started = std::chrono::steady_clock::now();
    const std::string m = debian_modules.string();
    const std::string h = debian_headers.string();
    // kernel-core: the image, the modules.* files RHEL ships (modules.dep is
    // a %ghost there, written by depmod) and the core modules.
    const fs::path core =
        build_rpm(top.path(), "kernel-core",
                  "mkdir -p " + bz + "/kernel/fs/overlayfs\n" + "cp " + debian_vmlinuz.string() +
                      " " + bz + "/vmlinuz\n" + "cp " + m + "/modules.order " + m +
                      "/modules.builtin " + m + "/modules.builtin.modinfo " + bz + "/\n" + "cp " +
                      m + "/kernel/fs/overlayfs/overlay.ko* " + bz + "/kernel/fs/overlayfs/\n",
                  "/lib/modules/" + kver);
    // kernel-modules: the rest of kernel/, here NFS.
    const fs::path modules = build_rpm(
        top.path(), "kernel-modules",
        "mkdir -p " + bz + "/kernel/fs/nfs " + bz + "/kernel/net/sunrpc\n" + "cp " + m +
            "/kernel/fs/nfs/nfs.ko* " + m + "/kernel/fs/nfs/nfsv4.ko* " + bz + "/kernel/fs/nfs/\n" +
            "cp " + m + "/kernel/net/sunrpc/sunrpc.ko* " + bz + "/kernel/net/sunrpc/\n",
        "/lib/modules/" + kver + "/kernel/fs/nfs\n/lib/modules/" + kver + "/kernel/net/sunrpc");
    // kernel-devel: a subset of the headers and the absolute build link.
    const std::string src = "%{buildroot}/usr/src/kernels/" + kver;
    const fs::path devel = build_rpm(
        top.path(), "kernel-devel",
        "mkdir -p " + src + "/include/config " + src + "/include/generated " + bz + "\n" + "cp " +
            h + "/Makefile " + h + "/.config " + h + "/Module.symvers " + src + "/\n" + "cp " + h +
            "/include/config/kernel.release " + src + "/include/config/\n" + "cp " + h +
            "/include/generated/utsrelease.h " + src + "/include/generated/\n" +
            "ln -s /usr/src/kernels/" + kver + " " + bz + "/build\n",
        "/usr/src/kernels/" + kver + "\n/lib/modules/" + kver + "/build");
    const auto built = std::chrono::steady_clock::now();

    const auto image = kbuild::kernel_from_rpms({devel, modules, core}, work.path());
    const auto done = std::chrono::steady_clock::now();
    ASSERT_TRUE(image.has_value()) << image.error().message();
    RecordProperty(
        "rpmbuild_ms",
        static_cast<int>(
            std::chrono::duration_cast<std::chrono::milliseconds>(built - started).count()));
    RecordProperty(
        "unpack_ms",
        static_cast<int>(
            std::chrono::duration_cast<std::chrono::milliseconds>(done - built).count()));

    const auto roots = entries(work.path());
    ASSERT_EQ(roots.size(), 1U);
    const fs::path root = work.path() / roots.front();
    EXPECT_EQ(*image,
              (kbuild::KernelImage{kver, root / "lib/modules" / kver / "vmlinuz",
                                   root / "lib/modules" / kver, root / "usr/src/kernels" / kver}));
    // The same shape kernel_from_paths gives for the installed kernel.
    const auto paths = kbuild::kernel_from_paths(debian_vmlinuz, debian_modules, debian_headers);
    ASSERT_TRUE(paths.has_value());
    EXPECT_EQ(image->release, paths->release);
    EXPECT_EQ(image->modules_dir.filename(), paths->modules_dir.filename());
    // The image is Debian's, byte for byte; depmod wrote modules.dep from the
    // packaged modules; the build link leads into the unpacked tree, not /usr/src.
    EXPECT_EQ(fs::file_size(image->vmlinuz), fs::file_size(debian_vmlinuz));
    std::ifstream dep(image->modules_dir / "modules.dep");
    const std::string deps((std::istreambuf_iterator<char>(dep)), std::istreambuf_iterator<char>());
    EXPECT_NE(deps.find("kernel/fs/nfs/nfsv4.ko"), std::string::npos) << deps;
    EXPECT_NE(deps.find("kernel/fs/overlayfs/overlay.ko"), std::string::npos) << deps;
    EXPECT_EQ(fs::read_symlink(image->modules_dir / "build"),
              fs::path("../../../usr/src/kernels") / kver);
    EXPECT_TRUE(fs::equivalent(image->modules_dir / "build", image->build_dir));
}

TEST(KbuildKernelImageRpms, RefusesHostileAndWrongPackages) {
    SKIP_WITHOUT_DEBIAN_KERNEL();
    const test::TempDir top;
    const test::TempDir work;
    const fs::path climbing =
        build_rpm(top.path(), "kernel-modules",
                  "mkdir -p " + bz + "\nln -s ../../../../../../etc " + bz + "/etc\n",
                  "/lib/modules/" + kver + "/etc");
    const fs::path absolute =
        build_rpm(top.path(), "kernel-devel", "mkdir -p " + bz + "\nln -s /etc " + bz + "/build\n",
                  "/lib/modules/" + kver + "/build");
    const fs::path other = build_rpm(
        top.path(), "bash-completion",
        "mkdir -p %{buildroot}/usr/share/doc/x\necho x > %{buildroot}/usr/share/doc/x/README\n",
        "/usr/share/doc/x");
    const fs::path el9 =
        build_rpm(top.path(), "kernel-core",
                  "mkdir -p %{buildroot}/lib/modules/5.14.0-427.el9.x86_64\n"
                  "echo x > %{buildroot}/lib/modules/5.14.0-427.el9.x86_64/modules.order\n",
                  "/lib/modules/5.14.0-427.el9.x86_64");
    const fs::path no_image = build_rpm(top.path(), "kernel-modules-extra",
                                        "mkdir -p " + bz + "\necho x > " + bz + "/modules.order\n",
                                        "/lib/modules/" + kver + "/modules.order");
    const fs::path devel_only = build_rpm(top.path(), "kernel-devel-matched",
                                          "mkdir -p %{buildroot}/usr/src/kernels/" + kver +
                                              "\n"
                                              "echo x > %{buildroot}/usr/src/kernels/" +
                                              kver + "/Makefile\n",
                                          "/usr/src/kernels/" + kver);
    top.write("not-an-rpm.rpm", "this is text\n");

    struct Case {
        std::vector<fs::path> rpms;
        ErrorKind kind;
        std::string message_part;
    };
    const std::vector<Case> cases = {
        {{climbing},
         ErrorKind::Unsafe,
         "holds a symbolic link 'lib/modules/" + kver +
             "/etc' pointing outside the package (to '../../../../../../etc')"},
        {{absolute}, ErrorKind::Unsafe, "to '/etc', which the unpacked packages do not hold"},
        {{other}, ErrorKind::Usage, other.string() + " holds nothing under /lib/modules/KVER"},
        {{no_image, el9},
         ErrorKind::Usage,
         el9.string() + " is for kernel 5.14.0-427.el9.x86_64, but " + no_image.string() +
             " is for " + kver},
        {{no_image, devel_only},
         ErrorKind::Usage,
         "no kernel image (/lib/modules/" + kver + "/vmlinuz"},
        {{top.path() / "not-an-rpm.rpm"},
         ErrorKind::Parse,
         "RPM " + (top.path() / "not-an-rpm.rpm").string()},
    };
    for (const auto& c : cases) {
        const auto image = kbuild::kernel_from_rpms(c.rpms, work.path());
        ASSERT_FALSE(image.has_value()) << c.message_part;
        EXPECT_EQ(image.error().kind(), c.kind) << image.error().message();
        EXPECT_NE(image.error().message().find(c.message_part), std::string::npos)
            << image.error().message();
        EXPECT_TRUE(entries(work.path()).empty()) << "left behind after: " << c.message_part;
    }
}
