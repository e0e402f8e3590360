// The library's one temporary directory: made with mkdtemp under a parent
// (the system's temporary directory when none is given) and removed with
// everything in it when the owner goes, unless it was kept (--keep style
// options) or its path handed over (a staging directory renamed into place).
// tests/support/temp_dir.hpp is the tests' throwing convenience on top of
// the same idea.
#pragma once

#include <filesystem>
#include <string_view>

#include <kseries/util/error.hpp>

namespace kseries {

class TempDir {
public:
    // A new directory PARENT/PREFIXXXXXXX (PREFIX is used as given, so it
    // carries its own separator: "kseries-kmod-", ".v3.tmp-"). An empty
    // parent means std::filesystem::temp_directory_path(). An Io error
    // naming the parent and the system's reason when it cannot be made.
    [[nodiscard]] static Expected<TempDir> create(const std::filesystem::path& parent,
                                                  std::string_view prefix);

    TempDir(TempDir&& other) noexcept;
    TempDir& operator=(TempDir&& other) noexcept;
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    // Removes the tree unless kept or released; errors are ignored, as this
    // is cleanup on a path that may already be failing.
    ~TempDir();

    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }
    // The directory outlives this object (the path stays readable).
    void keep() { m_owned = false; }
    [[nodiscard]] bool kept() const { return !m_owned; }
    // Hands the directory over: the caller now decides when it goes.
    [[nodiscard]] std::filesystem::path release();

private:
    explicit TempDir(std::filesystem::path path) : m_path(std::move(path)) {}
    void remove() noexcept;

    std::filesystem::path m_path;
    bool m_owned = true;
};

} // namespace kseries
