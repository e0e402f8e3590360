// patch/line_index.cpp: a file's lines and where each distinct line occurs.
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <kseries/patch/line_index.hpp>

using kseries::patch::LineIndex;

namespace {

std::vector<long> positions(const LineIndex& index, std::string_view text) {
    const auto p = index.positions(text);
    return {p.begin(), p.end()};
}

} // namespace

TEST(PatchLineIndex, lines_keep_their_newlines_and_the_last_may_lack_one) {
    const std::string data = "a\nb\r\n\nc";
    const LineIndex index(data);
    ASSERT_EQ(index.count(), 4);
    EXPECT_EQ(index.line(1), "a\n");
    EXPECT_EQ(index.line(2), "b\r\n");
    EXPECT_EQ(index.line(3), "\n");
    EXPECT_EQ(index.line(4), "c");
    EXPECT_EQ(index.lines().size(), 4U);
    EXPECT_EQ(index.lines()[3], "c");
}

TEST(PatchLineIndex, a_line_outside_the_file_is_empty_as_in_gnu_patch) {
    const std::string data = "only\n";
    const LineIndex index(data);
    EXPECT_EQ(index.line(0), "");
    EXPECT_EQ(index.line(-3), "");
    EXPECT_EQ(index.line(2), "");
}

TEST(PatchLineIndex, an_empty_file_has_no_lines_and_finds_nothing) {
    const LineIndex index("");
    EXPECT_EQ(index.count(), 0);
    EXPECT_TRUE(index.positions("x\n").empty());
    EXPECT_TRUE(index.positions("").empty());
}

TEST(PatchLineIndex, positions_are_every_equal_line_ascending) {
    const std::string data = "}\nint a;\n}\n\treturn 0;\n}\nint a;";
    const LineIndex index(data);
    EXPECT_EQ(positions(index, "}\n"), (std::vector<long>{1, 3, 5}));
    EXPECT_EQ(positions(index, "int a;\n"), (std::vector<long>{2}));
    // The last line has no newline: it is another line than "int a;\n".
    EXPECT_EQ(positions(index, "int a;"), (std::vector<long>{6}));
    EXPECT_TRUE(index.positions("\treturn 0;").empty());
    EXPECT_TRUE(index.positions("absent\n").empty());
}

// Many lines, many repeats (the table grows far past its first 16 slots,
// and colliding slots are probed): every lookup agrees with a scan.
TEST(PatchLineIndex, agrees_with_a_scan_on_a_large_file_of_repeats) {
    std::mt19937 rng(7);
    std::string data;
    for (int i = 0; i < 5000; ++i) {
        data += "line " + std::to_string(rng() % 700) + "\n";
    }
    const LineIndex index(data);
    ASSERT_EQ(index.count(), 5000);
    for (int k = 0; k < 800; ++k) {
        const std::string text = "line " + std::to_string(k) + "\n";
        std::vector<long> scanned;
        for (long n = 1; n <= index.count(); ++n) {
            if (index.line(n) == text) {
                scanned.push_back(n);
            }
        }
        EXPECT_EQ(positions(index, text), scanned) << text;
    }
}
