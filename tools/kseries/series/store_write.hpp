// Writing a new version into a series store (docs/formats/store.md):
// atomically and under the store's lock, so an interrupted or concurrent run
// leaves the store as it was.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <kseries/series/store.hpp>
#include <kseries/util/error.hpp>

namespace kseries::series {

struct NewVersion {
    // name, parent, base, changelog, created, base_blobs, records, dropped;
    // `dir` and locations are ignored.
    Version meta;
    // The patch files in series order: file name and text.
    std::vector<std::pair<std::string, std::string>> patches;
    // The name was picked as "the next one" before the lock was taken: when
    // a concurrent run took it meanwhile, the next free one is used instead
    // of failing.
    bool next_free_name = false;
};

// version.toml for `v`, with the keys in the documented order.
[[nodiscard]] std::string version_toml(const Version& v);

// Writes `v` into the store as <store dir>/<name>: built in a temporary
// directory beside it (".<name>.tmp-XXXXXX", every file synced), then
// renamed into place, all under the lock <store dir>/.lock. An existing
// version is never replaced; temporary directories that killed runs left
// behind are removed first. The `series` file's first line names the
// series as the store does (index.toml's `name`), whatever its directory
// is called. Returns the directory written (its name is v.meta.name unless
// next_free_name moved it on).
[[nodiscard]] Expected<std::filesystem::path> write_version(const Store& store,
                                                            const NewVersion& v);

} // namespace kseries::series
