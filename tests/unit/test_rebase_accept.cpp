#include <filesystem>

#include <gtest/gtest.h>

#include <kseries/rebase/accept.hpp>
#include <kseries/rebase/rebase.hpp>
#include <kseries/rebase/workspace.hpp>
#include <kseries/source/directory_tree.hpp>

#include "temp_dir.hpp"

using namespace kseries;
using kseries::test::TempDir;

namespace fs = std::filesystem;

namespace {

// The 8.2 -> 8.3 refactoring (tests/data/rebase/el8-refactor/README): v1's
// hunk stops on the target, and its stop proposes the maintainer's change.
const fs::path fixture = fs::path(KSERIES_SOURCE_ROOT) / "tests/data/rebase/el8-refactor";

struct Rig {
    series::Selection selection;
    std::unique_ptr<source::DirectoryTree> target;
    std::unique_ptr<source::DirectoryTree> base;
    Rig() {
        auto sel = series::Selection::open(fixture / "store");
        EXPECT_TRUE(sel) << sel.error().message();
        selection = std::move(*sel);
        auto t = source::DirectoryTree::open(fixture / "target");
        auto b = source::DirectoryTree::open(fixture / "base");
        EXPECT_TRUE(t && b);
        target = std::move(*t);
        base = std::move(*b);
    }
    [[nodiscard]] const series::LoadedVersion& v1() const { return selection.versions().front(); }
};

} // namespace

TEST(RebaseAccept, carry_accepting_carries_the_stop_with_its_proposal) {
    Rig rig;
    auto r = rebase::carry_accepting(rig.v1(), *rig.target, {rig.base.get(), {}});
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_FALSE(r->patches.empty());
    EXPECT_FALSE(r->stopped());
    EXPECT_EQ(r->patches[0].fate, rebase::PatchFate::Carried);
    EXPECT_TRUE(r->patches[0].reason.starts_with("its proposal accepted (--accept)"))
        << r->patches[0].reason;
}

TEST(RebaseAccept, a_stop_adds_its_proposal_to_the_workspace) {
    Rig rig;
    source::OverlayTree overlay(*rig.target);
    auto r = rebase::carry(rig.v1(), overlay, {rig.base.get(), {}});
    ASSERT_TRUE(r) << r.error().message();
    ASSERT_TRUE(r->stopped());
    TempDir d;
    const rebase::Request req{"/s", "v1", "v2", "/t", "", ""};
    ASSERT_TRUE(rebase::Workspace::create(d.path() / "ws", req, *r));
    ASSERT_TRUE(rebase::add_to_workspace(d.path() / "ws", *r));
    const std::string diff = d.read("ws/proposal.diff");
    EXPECT_TRUE(diff.starts_with("--- a/fs/overlayfs/super.c\n")) << diff;
    EXPECT_NE(d.read("ws/SUMMARY").find("proposed, confidence 0.94"), std::string::npos);
}
