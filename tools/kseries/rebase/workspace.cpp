#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <kseries/patch/writer.hpp>
#include <kseries/rebase/c_function.hpp>
#include <kseries/rebase/c_shape.hpp>
#include <kseries/rebase/workspace.hpp>
#include <kseries/source/directory_tree.hpp>
#include <kseries/util/temp_dir.hpp>
#include <kseries/util/text.hpp>

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

// The first problem of a resolved C file's shape: the functions the
// patch's hunks are in (by their @@ headings) and the ones the resolution
// edits must still be defined where the target (orig/) defines them.
std::optional<ShapeProblem> shape_problem(std::string_view text, const patch::FilePatch& file,
                                          const std::optional<std::string>& before) {
    // A target file kseries cannot judge itself is not judged: a false
    // refusal would leave the maintainer no way on.
    if (before && check_c_shape(*before, {})) {
        return std::nullopt;
    }
    std::vector<std::string> functions =
        before ? changed_functions(*before, text) : std::vector<std::string>{};
    const auto had = before ? defined_functions(*before) : std::set<std::string>{};
    for (const auto& h : file.hunks) {
        if (auto name = defined_function(h.section);
            name && had.contains(*name) &&
            std::find(functions.begin(), functions.end(), *name) == functions.end()) {
            functions.push_back(std::move(*name));
        }
    }
    return check_c_shape(text, functions);
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

std::string summary(const Request& request, const Result& result, const fs::path& dir,
                    const StopContext& context) {
    // Names, paths and reasons come from the inputs: each is shown on its
    // own line with its control characters escaped, as every text format.
    const auto show = [](std::string_view s) { return text::printable(s); };
    std::string out = fmt::format("kseries rebase {} -> {} of {} onto {}\n\n", show(request.from),
                                  show(request.as), show(request.store), show(request.onto));
    for (const auto& p : result.patches) {
        out += fmt::format("{}: {}{}\n", show(p.name), fate_key(p.fate),
                           p.reason.empty() ? "" : " (" + show(p.reason) + ")");
        for (const auto& f : p.files) {
            for (std::size_t i = 0; i < f.placement.hunks.size(); ++i) {
                const auto& h = f.placement.hunks[i];
                out += fmt::format("  {} hunk {} (stated line {}): {}", show(f.path), i + 1,
                                   h.stated, step_key(h.step));
                if (h.step != Step::Unplaced && h.line != 0) {
                    out += fmt::format(" at line {} (moved {:+})", h.line, h.moved);
                }
                out += h.note.empty() ? "\n" : " - " + show(h.note) + "\n";
            }
        }
    }
    if (result.stopped()) {
        const std::string name = show(result.patches.back().name);
        const std::string ws = show(dir.string());
        out += fmt::format(
            "\nStopped at {}. Resolve it in {}/tree/: each unplaced hunk is shown between\n"
            "'<<<<<<< target' and '>>>>>>> {} (new)' markers where it comes closest\n"
            "(the hunks themselves are in {}/{}.rej). Edit the files into the change the\n"
            "patch intends and remove every marker; edit only the files the patch touches\n"
            "(--continue refuses edits to others). Edit {}/{}.header too: it is the\n"
            "carried patch's header, so say there how the carried change differs.\n",
            name, ws, name, ws, name, ws, name);
        out += fmt::format("\nThe other patches of {}:\n", show(request.from));
        for (std::size_t i = 0; i + 1 < result.patches.size(); ++i) {
            const auto& p = result.patches[i];
            out += fmt::format("  {}: {} ({})\n", show(p.name),
                               p.fate == PatchFate::Carried ? "carried, in " + ws + "/done/"
                                                            : std::string(fate_key(p.fate)),
                               p.reason.empty() ? "decided" : show(p.reason));
        }
        for (const auto& todo : context.still_to_do) {
            out += fmt::format("  {}: still to do: carried after --continue or --skip (the\n"
                               "    rebase may stop there again)\n",
                               show(todo));
        }
        if (result.patches.size() == 1 && context.still_to_do.empty()) {
            out += "  (none)\n";
        }
        out += fmt::format(
            "\nWhen {} is written, the carried patches' \"[PATCH n/m]\" Subjects are\n"
            "renumbered over the carried ones, and a Base-Kernel: line that still names\n"
            "{}'s kernel is set to the target's release.\n",
            show(request.as), show(request.from));
        out += fmt::format("\nThen run one of:\n\n"
                           "  kseries rebase --continue --workspace {}   # take tree/ and "
                           "{}.header as the resolved patch\n"
                           "  kseries rebase --skip --reason TEXT --workspace {}  # leave {} out "
                           "of {} (recorded as skipped, with TEXT) and carry the rest\n"
                           "  kseries rebase --abort --workspace {}      # forget this rebase; the "
                           "store is unchanged\n",
                           ws, name, ws, name, show(request.as), ws);
        if (!context.kernel_tree.empty()) {
            out += fmt::format(
                "\nThe target is a whole kernel tree: once {} is written, build it there with\n\n"
                "  kseries verify --compile --series {}/{} --tree {}\n",
                show(request.as), show(request.store), show(request.as), show(context.kernel_tree));
        }
    }
    return out;
}

Expected<Workspace> Workspace::create(const fs::path& dir, const Request& request,
                                      const Result& result, const StopContext& context) {
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
            files.push_back({"done/" + p.name, source::make_content(p.text)});
        }
    }
    for (const auto& f : stopped.files) {
        ws.files.push_back(f.path);
        if (f.before) {
            files.push_back({"orig/" + f.path, source::make_content(*f.before)});
        }
        std::string shown = f.placement.content;
        for (std::size_t i = f.placement.hunks.size(); i-- > 0;) {
            if (f.placement.hunks[i].step == Step::Unplaced) {
                shown = with_conflict(shown, f.file->hunks[i], stopped.name);
            }
        }
        files.push_back({"tree/" + f.path, source::make_content(std::move(shown))});
    }
    files.push_back({stopped.name + ".rej", source::make_content(rejects(stopped))});
    files.push_back({stopped.name + ".header", source::make_content(stopped.header)});
    files.push_back({"SUMMARY", source::make_content(summary(request, result, dir, context))});
    files.push_back(
        {"state.json", source::make_content(state_json(request, ws.decided, ws.stopped, ws.files))});

    const fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
    // Staged beside the final directory and renamed into place: a reader
    // sees the whole workspace or none; the stage goes if anything fails.
    auto temp =
        KSERIES_TRY(TempDir::create(parent, fmt::format(".{}.tmp-", dir.filename().string())));
    auto tree = KSERIES_TRY(source::DirectoryTree::open(temp.path()));
    KSERIES_TRY(tree->commit(files));
    fs::rename(temp.path(), dir, ec);
    if (ec) {
        return fail(ErrorKind::Io, fmt::format("cannot rename {} to {}: {}", temp.path().string(),
                                               dir.string(), ec.message()));
    }
    temp.keep(); // it is `dir` now
    return ws;
}

Expected<Workspace> Workspace::open(const fs::path& dir) {
    auto tree = source::DirectoryTree::open(dir);
    if (!tree) {
        return fail(ErrorKind::NotFound,
                    fmt::format("no rebase to resume: {} is not a rebase workspace ({})",
                                dir.string(), tree.error().message()));
    }
    auto text = KSERIES_TRY((*tree)->read("state.json"));
    const std::string file = (dir / "state.json").string();
    if (!text) {
        return fail(ErrorKind::NotFound,
                    fmt::format("no rebase to resume: {} has no state.json", dir.string()));
    }
    Workspace ws;
    try {
        const auto doc = nlohmann::json::parse(*text);
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
                auto done = KSERIES_TRY((*tree)->read("done/" + p.name));
                if (!done) {
                    return fail(ErrorKind::NotFound,
                                fmt::format("{}/done/{} is missing", dir.string(), p.name));
                }
                p.text = std::move(*done);
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
    auto tree = KSERIES_TRY(source::DirectoryTree::open(dir));
    auto text = KSERIES_TRY(tree->read(stopped + ".header"));
    if (!text) {
        return original.preamble;
    }
    if (const auto line = conflict_line(*text); line || text->find("\n--- ") != std::string::npos ||
                                                  text->starts_with("--- ")) {
        return fail(ErrorKind::Parse, "a patch header may not hold diff lines or conflict markers",
                    Location{(dir / (stopped + ".header")).string(), line.value_or(0)});
    }
    return std::move(*text);
}

Expected<std::vector<FileOutcome>> Workspace::resolved_files(const fs::path& dir,
                                                             const patch::Patch& original) const {
    auto tree = KSERIES_TRY(source::DirectoryTree::open(dir));
    std::vector<FileOutcome> out;
    for (std::size_t i = 0; i < files.size(); ++i) {
        FileOutcome f;
        f.path = files[i];
        if (i >= original.files.size()) {
            return fail(ErrorKind::Parse,
                        fmt::format("{} no longer has the files the workspace holds", stopped));
        }
        f.file = &original.files[i];
        auto before = KSERIES_TRY(tree->read("orig/" + f.path));
        f.before = std::move(before);
        auto edited = KSERIES_TRY(tree->read("tree/" + f.path));
        const std::string shown = (dir / "tree" / f.path).string();
        if (!edited && !f.file->deletes()) {
            return fail(ErrorKind::NotFound, fmt::format("{} is missing", shown));
        }
        if (edited) {
            if (const auto line = conflict_line(*edited)) {
                return fail(ErrorKind::Parse,
                            "still holds a conflict marker: resolve it, then --continue",
                            Location{shown, *line});
            }
            if (is_c_file(f.path)) {
                if (auto bad = shape_problem(*edited, *f.file, f.before)) {
                    return fail(ErrorKind::Parse, std::move(bad->message),
                                Location{shown, bad->line});
                }
            }
            f.placement.content = std::move(*edited);
        }
        out.push_back(std::move(f));
    }
    const bool unchanged = std::all_of(out.begin(), out.end(), [](const FileOutcome& f) {
        return !f.file->deletes() && f.before && *f.before == f.placement.content;
    });
    if (unchanged) {
        return fail(
            ErrorKind::Usage,
            fmt::format("the resolved {} would be empty: {}/tree/ equals the target (orig/) "
                        "for every file the patch touches. If the target needs none of "
                        "it, run `kseries rebase --skip --workspace {}`: it drops {} from "
                        "{} (recorded as skipped by the maintainer) and carries the rest; "
                        "else edit tree/ into the change and --continue again",
                        stopped, dir.string(), dir.string(), stopped, request.as));
    }
    return out;
}

Expected<std::vector<std::string>> Workspace::unrelated_edits(const fs::path& dir,
                                                              source::SourceTree& target) const {
    std::vector<std::string> out;
    const fs::path root = dir / "tree";
    std::error_code ec;
    if (!fs::exists(root, ec)) {
        return out; // no tree/ at all: nothing edited there
    }
    auto it = fs::recursive_directory_iterator(root, ec);
    if (ec) {
        return fail(ErrorKind::Io, fmt::format("cannot read {}: {}", root.string(), ec.message()));
    }
    auto tree = KSERIES_TRY(source::DirectoryTree::open(dir));
    for (const auto& entry : it) {
        if (!entry.is_regular_file(ec)) {
            continue;
        }
        const std::string path = entry.path().lexically_relative(root).generic_string();
        if (std::find(files.begin(), files.end(), path) != files.end()) {
            continue;
        }
        auto edited = KSERIES_TRY(tree->read("tree/" + path));
        auto theirs = KSERIES_TRY(target.read(path));
        if (edited != theirs) {
            out.push_back(path);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

Expected<RetiredWorkspace> RetiredWorkspace::retire(const fs::path& dir) {
    RetiredWorkspace out;
    out.m_dir = dir;
    out.m_retired = dir.parent_path() / ("." + dir.filename().string() + ".done");
    std::error_code ec;
    fs::remove_all(out.m_retired, ec);
    if (ec) {
        return fail(ErrorKind::Io, fmt::format("cannot retire {}: cannot remove {}: {}",
                                               dir.string(), out.m_retired.string(), ec.message()));
    }
    fs::rename(dir, out.m_retired, ec);
    if (ec) {
        return fail(ErrorKind::Io, fmt::format("cannot retire {}: {}", dir.string(), ec.message()));
    }
    return out;
}

Expected<void> RetiredWorkspace::restore() const {
    std::error_code ec;
    fs::rename(m_retired, m_dir, ec);
    if (ec) {
        return fail(ErrorKind::Io, fmt::format("cannot put the workspace back from {} to {}: {}",
                                               m_retired.string(), m_dir.string(), ec.message()));
    }
    return {};
}

Expected<void> RetiredWorkspace::discard() const {
    std::error_code ec;
    fs::remove_all(m_retired, ec);
    if (ec) {
        return fail(ErrorKind::Io,
                    fmt::format("cannot remove {}: {}", m_retired.string(), ec.message()));
    }
    return {};
}

} // namespace kseries::rebase
