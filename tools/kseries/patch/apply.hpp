// The apply engine: places and applies one file's hunks on its content in
// memory exactly as GNU patch 2.7 does (see docs/ARCHITECTURE.md, "The apply
// engine"): the same position search, the same fuzz, the same "previously
// applied" detection, the same bytes out. It never touches the disk.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <kseries/patch/line_index.hpp>
#include <kseries/patch/model.hpp>

namespace kseries::patch {

struct ApplyOptions {
    long max_fuzz = 2;    // patch -F N
    bool reverse = false; // patch -R
    // Build the patched file; false only decides where each hunk lands (a
    // check of a file nothing reads afterwards).
    bool output = true;
};

enum class HunkStatus {
    Applied,
    Failed,  // could not be placed ("Hunk #N FAILED at L.")
    Ignored, // not tried: the file was found reversed, missing or already present
};

struct HunkResult {
    HunkStatus status = HunkStatus::Failed;
    long fuzz = 0;
    // GNU patch's offset: how far the hunks of this file have moved so far,
    // counted when this hunk was placed (it is cumulative, as patch prints it).
    long offset = 0;
    // The line patch reports: where the hunk starts in the patched file.
    long line = 0;
    // The first line of the input the hunk's old text was matched at; 0 when
    // the hunk was not placed.
    long where = 0;

    [[nodiscard]] bool exact() const {
        return status == HunkStatus::Applied && fuzz == 0 && offset == 0;
    }
};

enum class FileStatus {
    Applied,       // every hunk applied
    Failed,        // at least one hunk failed
    Reversed,      // "Reversed (or previously applied) patch detected": nothing applied
    Missing,       // the file to patch does not exist
    AlreadyExists, // the patch creates a file that exists and is not empty
    NotDeleted,    // the patch deletes the file but content is left over
};

struct FileResult {
    FileStatus status = FileStatus::Applied;
    std::vector<HunkResult> hunks;
    // The file as GNU patch writes it (failed hunks left out); the input
    // itself when nothing was applied.
    std::string content;
    bool removed = false; // a deletion patch that emptied the file
    // For a file found reversed: the fuzz at which its first hunk applied
    // reversed (GNU patch tries each fuzz level forward, then reversed).
    long reversed_fuzz = 0;
};

// Applies `file`'s hunks to `input` (nullopt: the file does not exist).
[[nodiscard]] FileResult apply_file(const FilePatch& file, std::optional<std::string_view> input,
                                    const ApplyOptions& options);
// The same with `input`'s lines already indexed (`index` is of *input, or of
// nothing when input is nullopt), to share the index with closest_match.
[[nodiscard]] FileResult apply_file(const FilePatch& file, std::optional<std::string_view> input,
                                    const ApplyOptions& options, const LineIndex& index);

} // namespace kseries::patch
