// source/journal.cpp: the commit journal of a DirectoryTree is trusted only
// when kseries provably wrote it for this very tree. A forged or garbled
// journal (a tree's contents are untrusted: it may come from a tarball) is
// refused, acted on in no part, and nothing outside the tree is touched.
#include <algorithm>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <kseries/source/directory_tree.hpp>
#include <kseries/source/journal.hpp>
#include <kseries/util/fd.hpp>

#include "temp_dir.hpp"

using kseries::ErrorKind;
using kseries::source::DirectoryTree;
using kseries::test::TempDir;
namespace journal = kseries::source::journal;
namespace fs = std::filesystem;

namespace {

const std::string token = "00112233445566778899aabbccddeeff";

// A journal as kseries writes it for `tree`, with one entry replacing a.c.
nlohmann::json well_formed(const fs::path& tree) {
    struct stat st {};
    EXPECT_EQ(::stat(tree.c_str(), &st), 0);
    return {{"journal", DirectoryTree::journal_format},
            {"token", token},
            {"device", static_cast<std::uint64_t>(st.st_dev)},
            {"inode", static_cast<std::uint64_t>(st.st_ino)},
            {"state", "commit"},
            {"ops", nlohmann::json::array({{{"path", "a.c"},
                                            {"temp", journal::temp_name("a.c", token)},
                                            {"remove", false}}})}};
}

// Every path under `dir` with its content (directories: "/").
std::set<std::string> snapshot(const fs::path& dir) {
    std::set<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
        std::string entry = fs::relative(e.path(), dir).string();
        if (e.is_symlink()) {
            entry += " -> " + fs::read_symlink(e.path()).string();
        } else if (e.is_regular_file()) {
            std::ifstream in(e.path(), std::ios::binary);
            entry += ": " + std::string(std::istreambuf_iterator<char>(in), {});
        } else {
            entry += "/";
        }
        out.insert(entry);
    }
    return out;
}

// A tree "tree/" (a.c and its staged temporary, as a real interrupted
// commit would leave them) beside "outside/" (a victim file and one under
// the name a forged entry would give its temporary).
struct Scene {
    TempDir t;
    fs::path tree = t.path() / "tree";
    fs::path outside = t.path() / "outside";

    Scene() {
        t.write("tree/a.c", "old a\n");
        t.write("tree/" + journal::temp_name("a.c", token), "new a\n");
        t.write("outside/victim", "not kseries'\n");
        t.write("outside/" + journal::temp_name("victim", token), "replacement\n");
    }

    // Writes `text` as the journal; the next writer must refuse it with
    // `why`, leaving the tree and its surroundings exactly as they were.
    void refused(const std::string& text, const std::string& why) const {
        std::ofstream(tree / DirectoryTree::journal_name, std::ios::binary) << text;
        expect_refused(why);
    }

    void expect_refused(const std::string& why) const {
        const auto before = snapshot(t.path());
        auto opened = DirectoryTree::open(tree);
        ASSERT_TRUE(opened) << opened.error().to_string();
        auto ok = (*opened)->lock_for_write();
        ASSERT_FALSE(ok) << "accepted a journal that should be refused: " << why;
        EXPECT_EQ(ok.error().kind(), ErrorKind::Unsafe);
        EXPECT_NE(
            ok.error().to_string().find("not a journal kseries wrote for this tree (" + why + ")"),
            std::string::npos)
            << ok.error().to_string();
        EXPECT_EQ(snapshot(t.path()), before) << why;
    }
};

} // namespace

TEST(SourceJournal, tokens_are_fresh_lowercase_hex_and_name_the_temporaries) {
    const auto a = journal::new_token();
    const auto b = journal::new_token();
    EXPECT_EQ(a.size(), 32U);
    EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos) << a;
    EXPECT_NE(a, b);
    EXPECT_EQ(journal::temp_name("super.c", "abc"), ".super.c.kseries-abc");
}

TEST(SourceJournal, write_all_writes_everything_or_says_what_failed) {
    TempDir t;
    const std::string data(300000, 'x'); // more than a pipe or one write takes at once
    const kseries::UniqueFd fd(::open((t.path() / "out").c_str(), O_WRONLY | O_CREAT, 0644));
    ASSERT_TRUE(fd.valid());
    ASSERT_TRUE(journal::write_all(fd.get(), data, "out"));
    EXPECT_EQ(t.read("out"), data);
    const kseries::UniqueFd read_only(::open((t.path() / "out").c_str(), O_RDONLY));
    auto bad = journal::write_all(read_only.get(), "y", "the journal");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().kind(), ErrorKind::Io);
    EXPECT_EQ(bad.error().message(), "cannot write the journal: " + journal::errno_text(EBADF));
}

TEST(SourceJournal, the_well_formed_journal_of_the_scene_is_finished) {
    // The scene's journal itself is accepted: the refusals below are about
    // what each one changes, not about the scene.
    Scene s;
    std::ofstream(s.tree / DirectoryTree::journal_name) << well_formed(s.tree).dump();
    auto opened = DirectoryTree::open(s.tree);
    ASSERT_TRUE(opened);
    ASSERT_TRUE((*opened)->lock_for_write());
    EXPECT_EQ(snapshot(s.tree), (std::set<std::string>{"a.c: new a\n"}));
    EXPECT_EQ(s.t.read("outside/victim"), "not kseries'\n");
}

TEST(SourceJournal, a_garbled_journal_is_refused) {
    Scene s;
    s.refused("", "not in its format");
    s.refused("{\"journal\": \"kseries-commit 3\", ", "not in its format");
    s.refused("[1, 2, 3]", "not in its format");
    s.refused(std::string("\0\xff\xfe garbage", 12), "not in its format");
    for (const char* field : {"journal", "token", "state", "ops", "device", "inode"}) {
        auto j = well_formed(s.tree);
        j.erase(field);
        s.refused(j.dump(), "not in its format");
    }
    auto j = well_formed(s.tree);
    j["journal"] = "kseries-commit 9";
    s.refused(j.dump(), "not in its format");
    j = well_formed(s.tree);
    j["device"] = -1;
    s.refused(j.dump(), "not in its format");
}

TEST(SourceJournal, a_journal_for_another_directory_or_of_unknown_state_is_refused) {
    Scene s;
    auto j = well_formed(s.tree);
    struct stat outside {};
    ASSERT_EQ(::stat(s.outside.c_str(), &outside), 0);
    j["inode"] = static_cast<std::uint64_t>(outside.st_ino); // copied from another tree
    s.refused(j.dump(), "it names another directory");
    j = well_formed(s.tree);
    j["token"] = "../../outside";
    s.refused(j.dump(), "its token is malformed");
    j["token"] = "00112233445566778899AABBCCDDEEFF";
    s.refused(j.dump(), "its token is malformed");
    j = well_formed(s.tree);
    j["state"] = "done";
    s.refused(j.dump(), "unknown state");
}

TEST(SourceJournal, an_entry_reaching_outside_the_tree_is_refused_and_nothing_outside_changes) {
    Scene s;
    const auto with_op = [&](const std::string& path, const std::string& temp, bool remove) {
        auto j = well_formed(s.tree);
        j["ops"].push_back({{"path", path}, {"temp", temp}, {"remove", remove}});
        return j.dump();
    };
    const std::string victim_temp = journal::temp_name("victim", token);
    for (const bool remove : {false, true}) {
        s.refused(with_op("../outside/victim", victim_temp, remove),
                  "'" + victim_temp + "' is not a temporary name of its write");
        s.refused(with_op("%2E%2E/outside/victim", victim_temp, remove),
                  "'" + victim_temp + "' is not a temporary name of its write");
    }
    const std::string absolute = (s.outside / "victim").string();
    s.refused(with_op(absolute, victim_temp, true),
              "'" + victim_temp + "' is not a temporary name of its write");
    // A temporary name not made from the path's leaf, or no leaf at all.
    s.refused(with_op("b.c", ".a.c.kseries-" + token, false),
              "'.a.c.kseries-" + token + "' is not a temporary name of its write");
    s.refused(with_op("", ".kseries-" + token, true),
              "'.kseries-" + token + "' is not a temporary name of its write");
    EXPECT_EQ(s.t.read("outside/victim"), "not kseries'\n");
}

TEST(SourceJournal, an_entry_without_its_fields_is_refused) {
    Scene s;
    for (const char* field : {"path", "temp", "remove"}) {
        auto j = well_formed(s.tree);
        j["ops"][0].erase(field);
        s.refused(j.dump(), "an entry without path, temp and remove");
    }
    auto j = well_formed(s.tree);
    j["ops"][0]["remove"] = "yes";
    s.refused(j.dump(), "an entry without path, temp and remove");
    j["ops"] = nlohmann::json::array({"a.c"});
    s.refused(j.dump(), "an entry without path, temp and remove");
}

TEST(SourceJournal, a_journal_that_is_not_a_regular_file_is_refused_unopened) {
    Scene s;
    const auto journal_path = s.tree / DirectoryTree::journal_name;
    // A link to a journal elsewhere: never followed.
    std::ofstream(s.outside / "j") << well_formed(s.tree).dump();
    fs::create_symlink(s.outside / "j", journal_path);
    s.expect_refused("a symbolic link");
    fs::remove(journal_path);
    // A FIFO would block a plain open; a directory is not a file.
    ASSERT_EQ(::mkfifo(journal_path.c_str(), 0600), 0);
    s.expect_refused("not a regular file");
    fs::remove(journal_path);
    fs::create_directory(journal_path);
    s.expect_refused("not a regular file");
    fs::remove(journal_path);
    // Bounded: more than 16 MiB is no journal of a kseries commit.
    s.refused(std::string((1 << 24) + 1, ' '), "too large");
}
