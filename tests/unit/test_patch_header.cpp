// The header updates of a carried patch: "[PATCH n/m]" renumbered over the
// carried patches, a stale Base-Kernel: line set to the target's release,
// everything else (and the diff) as it was.
#include <string>

#include <gtest/gtest.h>

#include <kseries/patch/header.hpp>

using kseries::patch::header_field;
using kseries::patch::HeaderUpdate;
using kseries::patch::update_header;

namespace {

// The real header of overlayfs-nfsroot v1's 0001, shortened, and a diff
// whose lines look like header fields.
const std::string patch =
    "Subject: [PATCH 1/2] ovl: let the lower layer change under a mounted overlay\n"
    "\n"
    "Return the lower file system's verdict instead.\n"
    "\n"
    "Base-Kernel: 4.18.0-147.5.1.el8_1 (CentOS Linux 8.1.1911)\n"
    "Upstream-Status: Not upstream. Documentation/filesystems/overlayfs says\n"
    " changes to the lower layers of a mounted overlay are not allowed.\n"
    "\n"
    "diff --git a/fs/overlayfs/notes b/fs/overlayfs/notes\n"
    "--- a/fs/overlayfs/notes\n"
    "+++ b/fs/overlayfs/notes\n"
    "@@ -1,2 +1,2 @@\n"
    " Subject: [PATCH 1/2] kept\n"
    "-Base-Kernel: 4.18.0-147.5.1.el8_1 (CentOS Linux 8.1.1911)\n"
    "+Base-Kernel: x\n";

const std::string stale = "4.18.0-147.5.1.el8_1 (CentOS Linux 8.1.1911)";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
}

} // namespace

TEST(PatchHeader, renumbers_and_sets_base_kernel_only_in_the_header) {
    const auto out = update_header(patch, HeaderUpdate{1, 1, "6.12.57-1", stale});
    auto want = replaced(patch, "Subject: [PATCH 1/2]", "Subject: [PATCH 1/1]");
    want = replaced(want, "Base-Kernel: 4.18.0-147.5.1.el8_1 (CentOS Linux 8.1.1911)\nUpstream",
                    "Base-Kernel: 6.12.57-1\nUpstream");
    EXPECT_EQ(out, want);
}

TEST(PatchHeader, a_base_kernel_the_maintainer_changed_is_kept) {
    const auto edited =
        replaced(patch, "Base-Kernel: 4.18.0-147.5.1.el8_1 (CentOS Linux 8.1.1911)\nUp",
                 "Base-Kernel: 6.12 (Debian), rebased by hand\nUp");
    const auto out = update_header(edited, HeaderUpdate{2, 3, "6.12.57-1", stale});
    EXPECT_EQ(out, replaced(edited, "[PATCH 1/2]", "[PATCH 2/3]"));
}

TEST(PatchHeader, a_folded_base_kernel_is_replaced_whole) {
    const std::string text =
        "Subject: x\nBase-Kernel: old\n (folded)\nSigned-off-by: A <a@b>\n---\n";
    EXPECT_EQ(update_header(text, HeaderUpdate{0, 0, "new", "old"}),
              "Subject: x\nBase-Kernel: new\nSigned-off-by: A <a@b>\n---\n");
}

TEST(PatchHeader, other_subject_forms) {
    EXPECT_EQ(update_header("Subject: [PATCH v2 3/7] x\n", HeaderUpdate{2, 5, "", ""}),
              "Subject: [PATCH v2 2/5] x\n");
    EXPECT_EQ(update_header("Subject: [PATCH] x\n", HeaderUpdate{1, 2, "", ""}),
              "Subject: [PATCH] x\n");
    EXPECT_EQ(update_header("Subject: [RFC] x 1/2\n", HeaderUpdate{1, 1, "", ""}),
              "Subject: [RFC] x 1/2\n");
    EXPECT_EQ(update_header("Subject: [PATCH 1/2] x\r\n", HeaderUpdate{1, 1, "", ""}),
              "Subject: [PATCH 1/1] x\r\n");
    // number 0: the Subject is left.
    EXPECT_EQ(update_header("Subject: [PATCH 1/2] x\n", HeaderUpdate{0, 0, "", ""}),
              "Subject: [PATCH 1/2] x\n");
}

TEST(PatchHeader, header_field_reads_only_the_header) {
    EXPECT_EQ(header_field(patch, "Base-Kernel"), stale);
    EXPECT_EQ(header_field(patch, "Upstream-Status"),
              "Not upstream. Documentation/filesystems/overlayfs says");
    EXPECT_EQ(header_field("diff --git a/x b/x\n+Base-Kernel: y\n", "Base-Kernel"), std::nullopt);
    EXPECT_EQ(header_field("Base-Kernelish: y\n", "Base-Kernel"), std::nullopt);
}
