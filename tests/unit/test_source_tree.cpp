// source/tree.cpp: reading a tree, and the in-memory overlay a series is
// applied in: later reads see earlier writes, the base is read once per
// file, and changes() is exactly what differs (or has a mode set).
#include <map>
#include <string>

#include <gtest/gtest.h>

#include <kseries/source/tree.hpp>

using namespace kseries;
using kseries::source::Content;
using kseries::source::FileChange;
using kseries::source::FileMode;
using kseries::source::make_content;
using kseries::source::OverlayTree;

namespace {

// A tree in memory that counts its loads and fails on "broken".
class MemoryTree final : public source::SourceTree {
public:
    std::map<std::string, std::string, std::less<>> files;
    std::map<std::string, int, std::less<>> loads;

    Expected<Content> load(std::string_view path) override {
        ++loads[std::string(path)];
        if (path == "broken") {
            return fail(ErrorKind::Io, "cannot read broken: Input/output error");
        }
        const auto it = files.find(path);
        return it == files.end() ? nullptr : make_content(it->second);
    }
    [[nodiscard]] std::string describe() const override { return "memory"; }
};

std::string summary(const std::vector<FileChange>& changes) {
    std::string out;
    for (const auto& c : changes) {
        out += c.path + "=" + (c.content ? *c.content : "<deleted>");
        if (c.mode) {
            out += " mode " + std::to_string(c.mode->bits);
        }
        out += "; ";
    }
    return out;
}

} // namespace

TEST(SourceTree, read_copies_the_bytes_or_says_the_file_is_missing) {
    MemoryTree t;
    t.files["a.c"] = "int a;\n";
    auto a = t.read("a.c");
    ASSERT_TRUE(a);
    EXPECT_EQ(*a, std::optional<std::string>("int a;\n"));
    auto missing = t.read("b.c");
    ASSERT_TRUE(missing);
    EXPECT_FALSE(missing->has_value());
    auto broken = t.read("broken");
    ASSERT_FALSE(broken);
    EXPECT_EQ(broken.error().kind(), ErrorKind::Io);
}

TEST(SourceTree, an_overlay_reads_its_writes_and_the_base_once_per_file) {
    MemoryTree base;
    base.files["a.c"] = "base a\n";
    base.files["b.c"] = "base b\n";
    OverlayTree overlay(base);
    EXPECT_EQ(overlay.describe(), "memory");
    for (int i = 0; i < 3; ++i) {
        auto a = overlay.load("a.c");
        ASSERT_TRUE(a && *a);
        EXPECT_EQ(**a, "base a\n");
    }
    EXPECT_EQ(base.loads["a.c"], 1);
    overlay.write("a.c", make_content("new a\n"));
    overlay.write("b.c", nullptr);
    EXPECT_EQ(**overlay.load("a.c"), "new a\n");
    EXPECT_EQ(*overlay.load("b.c"), nullptr);
    EXPECT_EQ(base.files["a.c"], "base a\n"); // the base is never written
    // changes() compares with the base it read once, not again.
    ASSERT_TRUE(overlay.changes());
    EXPECT_EQ(base.loads["a.c"], 1);
    EXPECT_EQ(base.loads["b.c"], 1);
}

TEST(SourceTree, changes_are_what_differs_from_the_base_in_path_order) {
    MemoryTree base;
    base.files["z.c"] = "z\n";
    base.files["same.c"] = "same\n";
    base.files["gone.c"] = "gone\n";
    OverlayTree overlay(base);
    overlay.write("z.c", make_content("z2\n"));
    overlay.write("same.c", make_content("other\n"));
    overlay.write("same.c", make_content("same\n")); // written back as it was
    overlay.write("gone.c", nullptr);
    overlay.write("new.c", make_content("new\n"));
    overlay.write("never.c", nullptr); // deleting what never existed
    auto changes = overlay.changes();
    ASSERT_TRUE(changes) << changes.error().to_string();
    EXPECT_EQ(summary(*changes), "gone.c=<deleted>; new.c=new\n; z.c=z2\n; ");
    // written() still holds every write, including the ones that undo.
    EXPECT_EQ(overlay.written().size(), 5U);
}

TEST(SourceTree, a_mode_makes_a_change_even_with_the_base_content) {
    MemoryTree base;
    base.files["run.sh"] = "#!/bin/sh\n";
    base.files["x.sh"] = "x\n";
    OverlayTree overlay(base);
    overlay.set_mode("run.sh", FileMode{0755, false});
    overlay.write("x.sh", make_content("y\n"));
    overlay.set_mode("x.sh", FileMode{0700, false});
    // A mode for a file deleted (or never there) gives no change.
    overlay.set_mode("missing.sh", FileMode{0755, false});
    auto changes = overlay.changes();
    ASSERT_TRUE(changes);
    EXPECT_EQ(summary(*changes), "run.sh=#!/bin/sh\n mode 493; x.sh=y\n mode 448; ");
    EXPECT_EQ(overlay.modes().size(), 3U);
}

TEST(SourceTree, a_base_that_cannot_be_read_fails_the_read_and_the_changes) {
    MemoryTree base;
    OverlayTree overlay(base);
    auto read = overlay.read("broken");
    ASSERT_FALSE(read);
    EXPECT_EQ(read.error().message(), "cannot read broken: Input/output error");
    OverlayTree written(base);
    written.write("broken", make_content("x\n"));
    EXPECT_EQ(**written.load("broken"), "x\n"); // a write needs no read
    auto changes = written.changes();
    ASSERT_FALSE(changes);
    EXPECT_EQ(changes.error().kind(), ErrorKind::Io);
    OverlayTree mode_only(base);
    mode_only.set_mode("broken", FileMode{});
    EXPECT_FALSE(mode_only.changes());
}
