#include <kseries/rebase/workspace.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <kseries/patch/writer.hpp>
#include <kseries/source/directory_tree.hpp>
#include <kseries/util/text.hpp>

#include <algorithm>
#include <cstdlib>

namespace kseries::rebase {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {

constexpr int format_version = 1;

std::string state_json(const Request& r, const std::vector<PatchOutcome>& decided,
                       const std::string& stopped, const std::vector<std::string>& files) {
    ordered_json doc;
    doc["kseries"] = "rebase-workspace";
    doc["format_version"] = format_version;
    doc["request"] = {{"store", r.store}, {"from", r.from},   {"as", r.as},
                      {"onto", r.onto},   {"base", r.base},   {"changelog", r.changelog}};
    ordered_json list = ordered_json::array();
    for (const auto& p : decided) {
        list.push_back({{"name", p.name}, {"fate", fate_key(p.fate)}, {"reason", p.reason}});
    }
    doc["decided"] = std::move(list);
    doc["stopped"] = stopped;
    doc["files"] = files;
    return doc.dump(2) + '\n';
}

// A file that holds conflict markers: the first one's line.
std::optional<std::size_t> conflict_line(std::string_view text) {
    std::size_t n = 0;
    for (const auto line : text::split_lines(text)) {
        ++n;
        if (line.starts_with("<<<<<<< ") || line.starts_with("||||||| ") ||
            line.starts_with(">>>>>>> ") || text::chomp(line) == "=======") {
            return n;
        }
    }
    return std::nullopt;
}

// The unplaced hunks of the stopped patch, as a patch of their own.
std::string rejects(const PatchOutcome& stopped) {
    patch::Patch rej;
    rej.name = stopped.name + ".rej";
    for (const auto& f : stopped.files) {
        patch::FilePatch fp = *f.file;
        fp.header = {fmt::format("--- a/{}\n", f.path), fmt::format("+++ b/{}\n", f.path)};
        fp.hunks.clear();
        for (std::size_t i = 0; i < f.placement.hunks.size(); ++i) {
            if (f.placement.hunks[i].step == Step::Unplaced) {
                fp.hunks.push_back(f.file->hunks[i]);
            }
        }
        if (!fp.hunks.empty()) {
            rej.files.push_back(std::move(fp));
        }
    }
    return patch::write(rej);
}

} // namespace

std::string summary(const Request& request, const Result& result, const fs::path& dir) {
    std::string out = fmt::format("kseries rebase {} -> {} of {} onto {}\n\n", request.from,
                                  request.as, request.store, request.onto);
    for (const auto& p : result.patches) {
        out += fmt::format("{}: {}{}\n", p.name, fate_key(p.fate),
                           p.reason.empty() ? "" : " (" + p.reason + ")");
        for (const auto& f : p.files) {
            for (std::size_t i = 0; i < f.placement.hunks.size(); ++i) {
                const auto& h = f.placement.hunks[i];
                out += fmt::format("  {} hunk {} (stated line {}): {}", f.path, i + 1, h.stated,
                                   step_key(h.step));
                if (h.step != Step::Unplaced && h.line != 0) {
                    out += fmt::format(" at line {} (moved {:+})", h.line, h.moved);
                }
                out += h.note.empty() ? "\n" : " - " + h.note + "\n";
            }
        }
    }
    if (result.stopped()) {
        const auto& s = result.patches.back();
        out += fmt::format(
            "\nStopped at {}. Resolve it in {}/tree/: each unplaced hunk is shown between\n"
            "'<<<<<<< target' and '>>>>>>> {} (new)' markers where it comes closest\n"
            "(the hunks themselves are in {}/{}.rej). Edit the files into the change the\n"
            "patch intends, remove every marker, then run one of:\n\n"
            "  kseries rebase --continue --workspace {}   # take tree/ as the resolved patch\n"
            "  kseries rebase --skip --reason TEXT --workspace {}  # leave {} out of {} "
            "(recorded as skipped)\n"
            "  kseries rebase --abort --workspace {}      # forget this rebase; the store is unchanged\n",
            s.name, dir.string(), s.name, dir.string(), s.name, dir.string(), dir.string(), s.name,
            request.as, dir.string());
    }
    return out;
}

Expected<Workspace> Workspace::create(const fs::path& dir, const Request& request,
                                      const Result& result) {
    if (!result.stopped()) {
        return fail(ErrorKind::Internal, "a workspace is only for a rebase that stopped");
    }
    std::error_code ec;
    if (fs::exists(fs::symlink_status(dir, ec))) {
        return fail(ErrorKind::Usage,
                    fmt::format("{} already exists: finish that rebase (--continue, --skip or "
                                "--abort) or choose another --workspace",
                                dir.string()));
    }
    Workspace ws;
    ws.request = request;
    ws.decided.assign(result.patches.begin(), result.patches.end() - 1);
    const auto& stopped = result.patches.back();
    ws.stopped = stopped.name;

    std::vector<source::FileChange> files;
    for (const auto& p : ws.decided) {
        if (p.fate == PatchFate::Carried) {
            files.push_back({"done/" + p.name, p.text});
        }
    }
    for (const auto& f : stopped.files) {
        ws.files.push_back(f.path);
        if (f.before) {
            files.push_back({"orig/" + f.path, *f.before});
        }
        std::string shown = f.placement.content;
        for (std::size_t i = f.placement.hunks.size(); i-- > 0;) {
            if (f.placement.hunks[i].step == Step::Unplaced) {
                shown = with_conflict(shown, f.file->hunks[i], stopped.name);
            }
        }
        files.push_back({"tree/" + f.path, shown});
    }
    files.push_back({stopped.name + ".rej", rejects(stopped)});
    files.push_back({stopped.name + ".header", stopped.header});
    files.push_back({"SUMMARY", summary(request, result, dir)});
    files.push_back({"state.json", state_json(request, ws.decided, ws.stopped, ws.files)});

    const fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
    std::string temp = (parent / fmt::format(".{}.tmp-XXXXXX", dir.filename().string())).string();
    if (::mkdtemp(temp.data()) == nullptr) {
        return fail(ErrorKind::Io, fmt::format("cannot create a workspace in {}", parent.string()));
    }
    const auto written = [&]() -> Expected<void> {
        auto tree = source::DirectoryTree::open(temp);
        if (!tree) {
            return std::unexpected(tree.error());
        }
        if (auto ok = (*tree)->commit(files); !ok) {
            return ok;
        }
        fs::rename(temp, dir, ec);
        if (ec) {
            return fail(ErrorKind::Io, fmt::format("cannot rename {} to {}: {}", temp, dir.string(),
                                                   ec.message()));
        }
        return {};
    }();
    if (!written) {
        fs::remove_all(temp, ec);
        return std::unexpected(written.error());
    }
    return ws;
}

Expected<Workspace> Workspace::open(const fs::path& dir) {
    auto tree = source::DirectoryTree::open(dir);
    if (!tree) {
        return fail(ErrorKind::NotFound,
                    fmt::format("no rebase to resume: {} is not a rebase workspace ({})",
                                dir.string(), tree.error().message()));
    }
    auto text = (*tree)->read("state.json");
    if (!text) {
        return std::unexpected(text.error());
    }
    const std::string file = (dir / "state.json").string();
    if (!*text) {
        return fail(ErrorKind::NotFound,
                    fmt::format("no rebase to resume: {} has no state.json", dir.string()));
    }
    Workspace ws;
    try {
        const auto doc = nlohmann::json::parse(**text);
        if (doc.at("kseries") != "rebase-workspace" || doc.at("format_version") != format_version) {
            return fail(ErrorKind::Parse, "not a kseries rebase workspace of this version",
                        Location{file, 0});
        }
        const auto& r = doc.at("request");
        ws.request = {r.at("store"), r.at("from"), r.at("as"),
                      r.at("onto"),  r.at("base"), r.at("changelog")};
        for (const auto& d : doc.at("decided")) {
            PatchOutcome p;
            p.name = d.at("name");
            const std::string fate = d.at("fate");
            p.fate = fate == "carried"   ? PatchFate::Carried
                     : fate == "skipped" ? PatchFate::Skipped
                                         : PatchFate::Dropped;
            p.reason = d.at("reason");
            if (p.fate == PatchFate::Carried) {
                auto done = (*tree)->read("done/" + p.name);
                if (!done) {
                    return std::unexpected(done.error());
                }
                if (!*done) {
                    return fail(ErrorKind::NotFound,
                                fmt::format("{}/done/{} is missing", dir.string(), p.name));
                }
                p.text = std::move(**done);
            }
            ws.decided.push_back(std::move(p));
        }
        ws.stopped = doc.at("stopped");
        ws.files = doc.at("files").get<std::vector<std::string>>();
    } catch (const nlohmann::json::exception& e) {
        return fail(ErrorKind::Parse, fmt::format("damaged workspace state: {}", e.what()),
                    Location{file, 0});
    }
    return ws;
}

Expected<std::string> Workspace::resolved_header(const fs::path& dir,
                                                 const patch::Patch& original) const {
    auto tree = source::DirectoryTree::open(dir);
    if (!tree) {
        return std::unexpected(tree.error());
    }
    auto text = (*tree)->read(stopped + ".header");
    if (!text) {
        return std::unexpected(text.error());
    }
    if (!*text) {
        return original.preamble;
    }
    if (const auto line = conflict_line(**text); line || (*text)->find("\n--- ") != std::string::npos ||
                                                  (*text)->starts_with("--- ")) {
        return fail(ErrorKind::Parse, "a patch header may not hold diff lines or conflict markers",
                    Location{(dir / (stopped + ".header")).string(), line.value_or(0)});
    }
    return std::move(**text);
}

Expected<std::vector<FileOutcome>> Workspace::resolved_files(const fs::path& dir,
                                                             const patch::Patch& original) const {
    auto tree = source::DirectoryTree::open(dir);
    if (!tree) {
        return std::unexpected(tree.error());
    }
    std::vector<FileOutcome> out;
    for (std::size_t i = 0; i < files.size(); ++i) {
        FileOutcome f;
        f.path = files[i];
        if (i >= original.files.size()) {
            return fail(ErrorKind::Parse,
                        fmt::format("{} no longer has the files the workspace holds", stopped));
        }
        f.file = &original.files[i];
        auto before = (*tree)->read("orig/" + f.path);
        if (!before) {
            return std::unexpected(before.error());
        }
        f.before = std::move(*before);
        auto edited = (*tree)->read("tree/" + f.path);
        if (!edited) {
            return std::unexpected(edited.error());
        }
        const std::string shown = (dir / "tree" / f.path).string();
        if (!*edited && !f.file->deletes()) {
            return fail(ErrorKind::NotFound, fmt::format("{} is missing", shown));
        }
        if (*edited) {
            if (const auto line = conflict_line(**edited)) {
                return fail(ErrorKind::Parse,
                            "still holds a conflict marker: resolve it, then --continue",
                            Location{shown, *line});
            }
            f.placement.content = std::move(**edited);
        }
        out.push_back(std::move(f));
    }
    return out;
}

} // namespace kseries::rebase
