#include <gtest/gtest.h>

#include <kseries/rpm/build.hpp>

namespace kseries::rpm {
namespace {

using Argv = std::vector<std::string>;

BuildRequest request(Backend backend) {
    BuildRequest r;
    r.srpm = "/srpms/kernel-4.18.0-193.el8.src.rpm";
    r.backend = backend;
    return r;
}

TEST(RpmBuild, rpmbuild_full_passes_no_switches) {
    auto r = request(Backend::Rpmbuild);
    EXPECT_EQ(rpmbuild_argv(r, "/out/.work", profile_switches(Profile::Full, KabiSwitch::Present)),
              (Argv{"rpmbuild", "--rebuild", "/srpms/kernel-4.18.0-193.el8.src.rpm", "--define",
                    "_topdir /out/.work"}));
}

TEST(RpmBuild, rpmbuild_fast_with_target_and_kabichk) {
    auto r = request(Backend::Rpmbuild);
    r.arch = "x86_64";
    EXPECT_EQ(rpmbuild_argv(r, "/t", profile_switches(Profile::Fast, KabiSwitch::Present)),
              (Argv{"rpmbuild", "--rebuild", "/srpms/kernel-4.18.0-193.el8.src.rpm", "--define",
                    "_topdir /t", "--target", "x86_64", "--with", "baseonly", "--without", "debug",
                    "--without", "debuginfo", "--without", "kabichk"}));
}

TEST(RpmBuild, fast_without_kabichk_switch_leaves_it_out) {
    EXPECT_EQ(profile_switches(Profile::Fast, KabiSwitch::Absent),
              (Argv{"--with", "baseonly", "--without", "debug", "--without", "debuginfo"}));
}

TEST(RpmBuild, kabichk_switch_found_in_rhel_styles) {
    EXPECT_EQ(kabichk_switch("%define with_kabichk %{?_without_kabichk: 0} %{?!_without_kabichk: 1}\n"),
              KabiSwitch::Present);
    EXPECT_EQ(kabichk_switch("%bcond_without kabichk\n"), KabiSwitch::Present);
    EXPECT_EQ(kabichk_switch("%bcond kabichk 1\n"), KabiSwitch::Present);
    EXPECT_EQ(kabichk_switch("%define with_debug 1\nkabichk is mentioned in a comment\n"),
              KabiSwitch::Absent);
}

TEST(RpmBuild, mock_argv) {
    auto r = request(Backend::Mock);
    r.mock_config = "rhel-8-x86_64";
    r.arch = "x86_64";
    EXPECT_EQ(mock_argv(r, "/out/.w/result", profile_switches(Profile::Fast, KabiSwitch::Absent)),
              (Argv{"mock", "-r", "rhel-8-x86_64", "--rebuild", "/srpms/kernel-4.18.0-193.el8.src.rpm",
                    "--resultdir", "/out/.w/result", "--target", "x86_64", "--with", "baseonly",
                    "--without", "debug", "--without", "debuginfo"}));
}

TEST(RpmBuild, koji_argv) {
    auto r = request(Backend::Koji);
    r.koji_target = "rhel-8-candidate";
    EXPECT_EQ(koji_argv(r),
              (Argv{"koji", "build", "rhel-8-candidate", "/srpms/kernel-4.18.0-193.el8.src.rpm"}));
    r.scratch = Scratch::Yes;
    r.waiting = Waiting::NoWait;
    EXPECT_EQ(koji_argv(r), (Argv{"koji", "build", "--scratch", "--nowait", "rhel-8-candidate",
                                  "/srpms/kernel-4.18.0-193.el8.src.rpm"}));
}

TEST(RpmBuild, copr_argv) {
    auto r = request(Backend::Copr);
    r.copr_project = "me/kernels";
    EXPECT_EQ(copr_argv(r),
              (Argv{"copr-cli", "build", "me/kernels", "/srpms/kernel-4.18.0-193.el8.src.rpm"}));
    r.copr_chroot = "epel-8-x86_64";
    r.waiting = Waiting::NoWait;
    EXPECT_EQ(copr_argv(r), (Argv{"copr-cli", "build", "--chroot", "epel-8-x86_64", "--nowait",
                                  "me/kernels", "/srpms/kernel-4.18.0-193.el8.src.rpm"}));
}

TEST(RpmBuild, obs_steps_checkout_import_addremove_commit_watch) {
    auto r = request(Backend::Obs);
    r.obs_project = "home:me";
    r.obs_package = "kernel";
    r.apiurl = "https://api.example.org";
    const auto steps = obs_steps(r, "/w");
    ASSERT_EQ(steps.size(), 5U);
    const Argv a{"osc", "-A", "https://api.example.org"};
    const auto with = [&](Argv rest) {
        Argv out = a;
        out.insert(out.end(), rest.begin(), rest.end());
        return out;
    };
    EXPECT_EQ(steps[0].command.argv, with({"checkout", "home:me"}));
    EXPECT_EQ(steps[0].command.cwd, "/w");
    EXPECT_EQ(steps[1].command.argv,
              with({"importsrcpkg", "--name", "kernel", "/srpms/kernel-4.18.0-193.el8.src.rpm"}));
    EXPECT_EQ(steps[1].command.cwd, "/w/home:me");
    EXPECT_EQ(steps[2].command.argv, with({"addremove"}));
    EXPECT_EQ(steps[2].command.cwd, "/w/home:me/kernel");
    EXPECT_EQ(steps[3].command.argv,
              with({"commit", "-m", "kseries build of kernel-4.18.0-193.el8.src.rpm"}));
    EXPECT_EQ(steps[3].command.cwd, "/w/home:me/kernel");
    EXPECT_EQ(steps[4].command.argv, with({"results", "--watch", "home:me", "kernel"}));
    EXPECT_EQ(steps[3].name, "osc commit");
}

TEST(RpmBuild, obs_no_wait_and_default_apiurl_skip_watch_and_dash_a) {
    auto r = request(Backend::Obs);
    r.obs_project = "home:me";
    r.obs_package = "kernel";
    r.waiting = Waiting::NoWait;
    const auto steps = obs_steps(r, "/w");
    ASSERT_EQ(steps.size(), 4U);
    EXPECT_EQ(steps[0].command.argv, (Argv{"osc", "checkout", "home:me"}));
}

TEST(RpmBuild, validate_refuses_fast_profile_and_arch_for_remote_backends) {
    auto r = request(Backend::Koji);
    r.koji_target = "t";
    r.profile = Profile::Fast;
    auto bad = validate(r);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().kind(), ErrorKind::Usage);
    EXPECT_NE(bad.error().message().find("--profile fast cannot be passed to koji"), std::string::npos);
    r.profile = Profile::Full;
    EXPECT_TRUE(validate(r));
    r.arch = "x86_64";
    EXPECT_FALSE(validate(r));
}

TEST(RpmBuild, validate_names_missing_backend_options) {
    auto r = request(Backend::Copr);
    auto bad = validate(r);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message(), "--backend copr needs --copr-project OWNER/PROJECT");
    r.copr_project = "noslash";
    EXPECT_FALSE(validate(r));
    auto m = request(Backend::Mock);
    EXPECT_EQ(validate(m).error().message(), "--backend mock needs --mock-config CFG");
    auto local = request(Backend::Rpmbuild);
    local.waiting = Waiting::NoWait;
    EXPECT_FALSE(validate(local));
    local.waiting = Waiting::Wait;
    local.scratch = Scratch::Yes;
    EXPECT_FALSE(validate(local));
}

TEST(RpmBuild, stages_from_rpmbuild_output) {
    EXPECT_EQ(stage_of_line("Executing(%build): /bin/sh -e /var/tmp/rpm-tmp.VNne2R"), "%build");
    EXPECT_EQ(stage_of_line("Executing(rmbuild): /bin/sh -e /var/tmp/rpm-tmp.8ufGBt"), "rmbuild");
    EXPECT_EQ(stage_of_line("Processing files: kstest-1.0-1.x86_64"), "%files");
    EXPECT_EQ(stage_of_line("+ make -j2"), std::nullopt);
    EXPECT_EQ(failed_stage_of_line("error: Bad exit status from /var/tmp/rpm-tmp.x1 (%build)"),
              "%build");
    EXPECT_EQ(failed_stage_of_line("error: Installed (but unpackaged) file(s) found:"), std::nullopt);
}

TEST(RpmBuild, remote_ids_and_urls) {
    RemoteBuild koji;
    read_remote_line(Backend::Koji, "Created task: 123456", koji);
    read_remote_line(Backend::Koji, "Task info: https://koji.example.org/koji/taskinfo?taskID=123456",
                     koji);
    EXPECT_EQ(koji.id, "123456");
    EXPECT_EQ(koji.url, "https://koji.example.org/koji/taskinfo?taskID=123456");

    RemoteBuild copr;
    for (const char* line : {"Uploading package kernel.src.rpm", "Build was added to kernels:",
                             "  https://copr.example.org/coprs/build/7654321",
                             "Created builds: 7654321", "Watching build(s): (this may be safely interrupted)"}) {
        read_remote_line(Backend::Copr, line, copr);
    }
    EXPECT_EQ(copr.id, "7654321");
    EXPECT_EQ(copr.url, "https://copr.example.org/coprs/build/7654321");

    RemoteBuild obs;
    read_remote_line(Backend::Obs, "Committed revision 4.", obs);
    EXPECT_EQ(obs.id, "4");
}

} // namespace
} // namespace kseries::rpm
