#include <filesystem>

#include <gtest/gtest.h>

#include <kseries/flow/rebase.hpp>
#include <kseries/series/store.hpp>

#include "temp_dir.hpp"

using namespace kseries;
using kseries::test::TempDir;

namespace fs = std::filesystem;

namespace {

// f.c as the series' v1 was made against it, and the patch that changes it.
const char* const base_f = "int a;\nint b;\nint old;\nint c;\nint d;\n";
const char* const patch_f = "--- a/f.c\n+++ b/f.c\n@@ -1,5 +1,5 @@\n int a;\n int b;\n"
                            "-int old;\n+int new;\n int c;\n int d;\n";

// A store "s" with v1 (one patch) and a target tree "t" holding `f`.
struct Rig {
    TempDir d;
    explicit Rig(const std::string& f) {
        d.write("s/index.toml", "name = \"s\"\n[[map]]\nversion = \"v1\"\n");
        d.write("s/v1/series", "f.patch\n");
        d.write("s/v1/f.patch", patch_f);
        d.write("t/f.c", f);
    }
    [[nodiscard]] flow::RebaseRequest start() const {
        flow::RebaseRequest r;
        r.store = (d.path() / "s").string();
        r.from = "v1";
        r.onto = "6.12.0-55.el10=" + (d.path() / "t").string();
        r.workspace = d.path() / "ws";
        return r;
    }
    [[nodiscard]] fs::path ws() const { return d.path() / "ws"; }
};

// The target moved the line the hunk changes: no step may place it.
const char* const conflicting = "int a;\nint b;\nint renamed_old;\nint c;\nint d;\n";

flow::ResumeRequest resume(const fs::path& ws, flow::Resolution resolution,
                           const std::string& reason = "") {
    flow::ResumeRequest r;
    r.workspace = ws;
    r.resolution = resolution;
    r.reason = reason;
    return r;
}

} // namespace

TEST(FlowRebase, an_offset_target_gets_the_next_version_written) {
    Rig s(std::string("int z0;\nint z1;\n") + base_f);
    auto out = flow::rebase_start(s.start());
    ASSERT_TRUE(out) << out.error().message();
    EXPECT_FALSE(out->result.stopped());
    EXPECT_EQ(out->request.as, "v2");
    EXPECT_EQ(out->written, (s.d.path() / "s" / "v2").string());
    EXPECT_NE(s.d.read("s/v2/f.patch").find("@@ -2,6 +2,6 @@ int z0;"), std::string::npos)
        << s.d.read("s/v2/f.patch");
    // The record is built in the library: the target's blob of f.c.
    const auto v2 = series::read_version(s.d.path() / "s" / "v2");
    ASSERT_TRUE(v2) << v2.error().message();
    EXPECT_EQ(v2->parent, "v1");
    ASSERT_EQ(v2->base_blobs.count("f.c"), 1U);
    EXPECT_EQ(v2->base_blobs.at("f.c").size(), 40U);
    EXPECT_FALSE(fs::exists(s.ws()));
}

TEST(FlowRebase, an_exact_target_writes_nothing_unless_a_name_is_given) {
    Rig s(base_f);
    auto out = flow::rebase_start(s.start());
    ASSERT_TRUE(out) << out.error().message();
    EXPECT_TRUE(out->written.empty());
    EXPECT_NE(out->nothing_written.find("v1 already applies exactly"), std::string::npos);
    EXPECT_FALSE(fs::exists(s.d.path() / "s" / "v2"));
    auto req = s.start();
    req.as = "v7";
    auto named = flow::rebase_start(req);
    ASSERT_TRUE(named) << named.error().message();
    EXPECT_EQ(named->written, (s.d.path() / "s" / "v7").string());
}

TEST(FlowRebase, the_next_version_follows_the_highest_even_after_a_gap) {
    Rig s(std::string("int z0;\n") + base_f);
    s.d.write("s/v4/series", "f.patch\n");
    s.d.write("s/v4/f.patch", patch_f);
    auto out = flow::rebase_start(s.start());
    ASSERT_TRUE(out) << out.error().message();
    EXPECT_EQ(out->request.as, "v5");
}

TEST(FlowRebase, refuses_bad_requests_and_writes_nothing) {
    Rig s(base_f);
    auto req = s.start();
    req.from = "v9";
    auto no_version = flow::rebase_start(req);
    ASSERT_FALSE(no_version);
    EXPECT_EQ(no_version.error().kind(), ErrorKind::Usage);
    EXPECT_EQ(no_version.error().message(),
              "--from v9: " + (s.d.path() / "s").string() + " has no such version");
    req = s.start();
    req.as = "v1";
    auto taken = flow::rebase_start(req);
    ASSERT_FALSE(taken);
    EXPECT_NE(taken.error().message().find("already has that version"), std::string::npos);
    auto missing = flow::rebase_start({});
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().kind(), ErrorKind::Usage);
    EXPECT_FALSE(fs::exists(s.ws()));
}

TEST(FlowRebase, a_stop_writes_a_workspace_and_skip_then_writes_the_version) {
    Rig s(conflicting);
    auto stopped = flow::rebase_start(s.start());
    ASSERT_TRUE(stopped) << stopped.error().message();
    EXPECT_TRUE(stopped->result.stopped());
    EXPECT_EQ(stopped->workspace, s.ws().string());
    EXPECT_TRUE(fs::exists(s.ws() / "state.json"));
    EXPECT_FALSE(fs::exists(s.d.path() / "s" / "v2"));
    // A second start is refused while the workspace is there.
    auto again = flow::rebase_start(s.start());
    ASSERT_FALSE(again);
    EXPECT_NE(again.error().message().find("a rebase is in progress in"), std::string::npos);

    auto skipped = flow::rebase_resume(resume(s.ws(), flow::Resolution::Skip, "not needed"));
    ASSERT_TRUE(skipped) << skipped.error().message();
    EXPECT_EQ(skipped->written, (s.d.path() / "s" / "v2").string());
    const auto v2 = series::read_version(s.d.path() / "s" / "v2");
    ASSERT_TRUE(v2) << v2.error().message();
    ASSERT_EQ(v2->skipped.size(), 1U);
    EXPECT_EQ(v2->skipped[0].reason, "not needed");
    // The retired workspace is gone as well as the workspace.
    EXPECT_FALSE(fs::exists(s.ws()));
    EXPECT_FALSE(fs::exists(s.d.path() / ".ws.done"));
}

TEST(FlowRebase, continue_carries_the_maintainers_resolution) {
    Rig s(conflicting);
    ASSERT_TRUE(flow::rebase_start(s.start()));
    s.d.write("ws/tree/f.c", "int a;\nint b;\nint new;\nint c;\nint d;\n");
    auto out = flow::rebase_resume(resume(s.ws(), flow::Resolution::Continue));
    ASSERT_TRUE(out) << out.error().message();
    ASSERT_TRUE(out->compile);
    EXPECT_FALSE(out->compile->failed);
    EXPECT_NE(out->compile->text.find("is not a whole kernel source tree"), std::string::npos);
    EXPECT_EQ(out->written, (s.d.path() / "s" / "v2").string());
    EXPECT_NE(s.d.read("s/v2/f.patch").find("-int renamed_old;\n+int new;\n"), std::string::npos);
    EXPECT_FALSE(fs::exists(s.ws()));
}

TEST(FlowRebase, a_resolution_that_fails_keeps_the_workspace_as_it_was) {
    Rig s(conflicting);
    ASSERT_TRUE(flow::rebase_start(s.start()));
    // Conflict markers still in tree/f.c: refused, nothing moved.
    auto out = flow::rebase_resume(resume(s.ws(), flow::Resolution::Continue));
    ASSERT_FALSE(out);
    EXPECT_TRUE(fs::exists(s.ws() / "state.json"));
    EXPECT_FALSE(fs::exists(s.d.path() / ".ws.done"));
    EXPECT_FALSE(fs::exists(s.d.path() / "s" / "v2"));
}

TEST(FlowRebase, abort_removes_the_workspace_and_names_the_store) {
    Rig s(conflicting);
    ASSERT_TRUE(flow::rebase_start(s.start()));
    auto out = flow::rebase_abort(s.ws());
    ASSERT_TRUE(out) << out.error().message();
    EXPECT_EQ(out->store, (s.d.path() / "s").string());
    EXPECT_FALSE(fs::exists(s.ws()));
    // Nothing to abort: not a workspace.
    auto none = flow::rebase_abort(s.ws());
    ASSERT_FALSE(none);
}

TEST(FlowRebase, a_relative_recorded_path_that_does_not_resolve_is_a_usage_error) {
    rebase::Request req{"no/such/store", "v1", "v2", "/abs/tree", "", ""};
    auto ok = flow::check_recorded_paths("ws", req);
    ASSERT_FALSE(ok);
    EXPECT_EQ(ok.error().kind(), ErrorKind::Usage);
    EXPECT_NE(ok.error().message().find("ws/state.json records the rebase's series store as the "
                                        "relative path 'no/such/store'"),
              std::string::npos);
    req.store = "/abs/store";
    EXPECT_TRUE(flow::check_recorded_paths("ws", req));
}
