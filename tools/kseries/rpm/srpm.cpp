#include <fstream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>

#include <kseries/proc/run.hpp>
#include <kseries/rpm/prep_log.hpp>
#include <kseries/rpm/rpm_tools.hpp>
#include <kseries/rpm/srpm.hpp>
#include <kseries/rpm/verify.hpp>
#include <kseries/source/archive.hpp>
#include <kseries/util/file.hpp>
#include <kseries/util/lock.hpp>
#include <kseries/util/temp_dir.hpp>
#include <kseries/util/text.hpp>

namespace fs = std::filesystem;

namespace kseries::rpm {

namespace {

// Gives a file of the work directory the mode rpmbuild -bs should record.
Expected<void> set_mode(const fs::path& path, fs::perms mode) {
    std::error_code ec;
    fs::permissions(path, mode, fs::perm_options::replace | fs::perm_options::nofollow, ec);
    if (ec) {
        return fail(ErrorKind::Io,
                    fmt::format("cannot set the mode of {}: {}", path.string(), ec.message()));
    }
    return {};
}

// The directory under BUILD holding the kernel tree %prep made: the one
// where the first expected file is.
std::optional<fs::path> find_prepped_tree(const fs::path& build, const std::string& probe) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(build, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it.depth() > 2) {
            it.disable_recursion_pending();
            continue;
        }
        if (it->is_directory(ec) && !it->is_symlink(ec) &&
            fs::is_regular_file(fs::symlink_status(it->path() / probe, ec))) {
            return it->path();
        }
    }
    return std::nullopt;
}

// Runs %prep; on success checks every expected file.
Expected<void> run_prep(const RpmTools& tools, const SrpmRequest& request, SrpmResult& result,
                        const fs::path& work) {
    auto argv = tools.args("rpmbuild");
    argv.insert(argv.end(), {"-bp", "--nodeps", tools.spec.string()});
    // One stream, in the order rpm and the script wrote it: the script's
    // messages (stdout) and its shell trace and errors (stderr) interleave.
    std::string log;
    const auto r = KSERIES_TRY(
        request.runner.run_streaming({argv, work, std::nullopt}, [&](std::string_view line) {
            log += line;
            log += '\n';
        }));
    if (!r.ok()) {
        // The log stays for the maintainer; it is the only file written.
        const fs::path kept = request.out_dir / fmt::format("{}-prep.log", request.original.name);
        KSERIES_TRY(write_file_atomic(kept, log));
        result.prep_log = kept;
        result.prep_failure = fmt::format("rpmbuild -bp failed ({}); its first error:\n{}",
                                          r.status(), prep_failure_excerpt(log, 20));
        return {};
    }
    if (request.expected_files.empty()) {
        result.prep_ok = true;
        return {};
    }
    const auto tree = find_prepped_tree(tools.top / "BUILD", request.expected_files.begin()->first);
    if (!tree) {
        result.prep_failure =
            fmt::format("rpmbuild -bp succeeded but left no {} under {}",
                        request.expected_files.begin()->first, (tools.top / "BUILD").string());
        return {};
    }
    for (const auto& [path, content] : request.expected_files) {
        auto got = read_regular_file(*tree / path);
        if (!got || *got != content) {
            result.prep_failure =
                fmt::format("after rpmbuild -bp, {} is not what the series makes of it: %prep "
                            "did not apply every patch as kseries did",
                            path);
            return {};
        }
    }
    result.prep_ok = true;
    return {};
}

// Every `Patch<n>:` tag and ApplyOptionalPatch line the edit added must
// survive rpmspec's parse: an anchor inside a conditional that is off for
// this build would otherwise drop them without a word.
Expected<void> check_parsed(std::string_view parsed, const SpecEdit& edit,
                            const SpecPatches& patches, const std::string& label) {
    const auto lines = text::split_lines(parsed);
    for (std::size_t k = 0; k < patches.files.size(); ++k) {
        const unsigned n = edit.first_number + static_cast<unsigned>(k);
        const std::string tag = fmt::format("Patch{}: {}", n, patches.files[k]);
        bool tag_seen = false;
        bool apply_seen = false;
        for (const auto raw : lines) {
            const std::string_view line = text::trim(text::chomp(raw));
            tag_seen = tag_seen || line == tag;
            if (line.starts_with("ApplyOptionalPatch ") &&
                (line.ends_with(" " + patches.files[k]) ||
                 line.ends_with("/" + patches.files[k]))) {
                apply_seen = true;
            }
        }
        if (!tag_seen || !apply_seen) {
            return fail(ErrorKind::Parse,
                        fmt::format("{}: after the edit, rpmspec -P shows no {} for {}: the "
                                    "spec's anchor sits inside a conditional that is off for "
                                    "this build",
                                    label, !tag_seen ? "'" + tag + "'" : "ApplyOptionalPatch line",
                                    patches.files[k]));
        }
    }
    return {};
}

// The work directory of one make_srpm, beside the result so the finished
// SRPM is renamed into place, never copied; removed whatever way it leaves.
struct Workspace {
    UniqueFd lock{};
    std::optional<TempDir> work{}; // removed whatever way make_srpm leaves
    RpmTools tools{};
    std::string spec_name{}; // kernel.spec's name in the payload
    std::string label{};      // "kernel.spec (in kernel-....src.rpm)", for messages
};

// Pass 1, the output directory: created, taken in turn by one run at a
// time, and cleared of the work directories of runs killed on the way
// (only lock holders make them, so any found now is stale).
Expected<UniqueFd> claim_out_dir(const SrpmRequest& request, const StepCallback& step) {
    std::error_code ec;
    fs::create_directories(request.out_dir, ec);
    if (ec || !fs::is_directory(request.out_dir, ec)) {
        return fail(ErrorKind::Io, fmt::format("--out {}: not a directory we can create",
                                               request.out_dir.string()));
    }
    auto lock = KSERIES_TRY(
        lock_directory(request.out_dir, LockWait::Wait,
                       fmt::format("the output directory {}", request.out_dir.string()),
                       [&] { step("waiting for another kseries srpm writing there"); }));
    for (const auto& e : fs::directory_iterator(request.out_dir, ec)) {
        if (e.path().filename().string().starts_with(".kseries-srpm-") && e.is_directory(ec) &&
            !e.is_symlink(ec)) {
            fs::remove_all(e.path(), ec);
        }
    }
    return lock;
}

// Pass 2, the work directory rpmbuild is pointed at. rpmbuild runs with it
// as its cwd, so every path handed to it (and to rpmspec) is absolute: a
// relative --out would otherwise name a directory inside it.
Expected<void> make_work_dir(const SrpmRequest& request, Workspace& ws) {
    std::error_code ec;
    const fs::path out = fs::absolute(request.out_dir, ec);
    if (ec) {
        return fail(ErrorKind::Io, fmt::format("cannot resolve the output directory {}: {}",
                                               request.out_dir.string(), ec.message()));
    }
    ws.work = KSERIES_TRY(TempDir::create(out, ".kseries-srpm-"));
    ws.tools.top = ws.work->path();
    ws.tools.sources = ws.work->path() / "SOURCES";
    ws.tools.defines = request.defines;
    for (const char* d : {"SOURCES", "SRPMS", "BUILD", "RPMS", "BUILDROOT"}) {
        fs::create_directory(ws.work->path() / d, ec);
    }
    return {};
}

// Pass 3, the stock payload: unpacked into SOURCES, holding one spec.
Expected<void> unpack(const SrpmRequest& request, Workspace& ws) {
    const auto names = KSERIES_TRY(source::extract_srpm(request.kernel_srpm, ws.tools.sources));
    std::vector<std::string> specs;
    for (const auto& n : names) {
        if (n.ends_with(".spec")) {
            specs.push_back(n);
        }
    }
    if (specs.size() != 1) {
        return fail(ErrorKind::Parse, fmt::format("{} holds {} spec files; a kernel SRPM holds one",
                                                  request.kernel_srpm.string(), specs.size()));
    }
    ws.spec_name = specs.front();
    ws.tools.spec = ws.tools.sources / ws.spec_name;
    ws.label = fmt::format("{} (in {})", ws.spec_name, request.kernel_srpm.filename().string());
    return {};
}

// Pass 5a, the patch files beside the spec, each lengthened past
// ApplyOptionalPatch's trap when it is that short.
Expected<void> write_patches(const SrpmRequest& request, const RpmTools& tools,
                             SrpmResult& result) {
    for (const auto& name : request.patches.files) {
        const auto it = request.patch_texts.find(name);
        if (it == request.patch_texts.end()) {
            return fail(ErrorKind::Internal, fmt::format("no text for patch {}", name));
        }
        std::string content = it->second;
        if (auto padded = pad_optional_patch(content)) {
            content = std::move(*padded);
            result.padded.push_back(name);
        }
        // A file of the payload by the same name, which the spec does not
        // declare (edit_spec refuses declared ones), is replaced. Patches
        // are data: 0644 whatever the umask, as rpmbuild -bs records it.
        KSERIES_TRY(write_file_atomic(tools.sources / name, content));
        KSERIES_TRY(set_mode(tools.sources / name, fs::perms{0644}));
    }
    return {};
}

// Pass 5, the spec edited (patches, buildid), the patches written, and a
// changelog entry naming the release the edited spec makes. The rewritten
// spec keeps the stock one's mode (extract_srpm gave it).
Expected<void> edit(const SrpmRequest& request, const Workspace& ws, SrpmResult& result) {
    const RpmTools& tools = ws.tools;
    const auto spec_text = KSERIES_TRY(read_regular_file(tools.spec));
    std::error_code ec;
    const fs::perms spec_mode = fs::status(tools.spec, ec).permissions() & fs::perms::all;
    if (ec) {
        return fail(ErrorKind::Io, fmt::format("cannot read the mode of {}", tools.spec.string()));
    }
    auto edited = KSERIES_TRY(edit_spec(spec_text, ws.label, request.patches, request.buildid));
    KSERIES_TRY(write_patches(request, tools, result));
    KSERIES_TRY(write_file_atomic(tools.spec, edited.text));
    auto after = tools.evr();
    if (!after) {
        return std::unexpected(after.error().with_context(ws.label));
    }
    result.evr = *after;
    ChangelogEntry entry{request.date, request.packager, result.evr, {}};
    entry.lines.push_back(fmt::format("kseries: apply {} {} ({})", request.patches.series,
                                      request.patches.version,
                                      text::join(request.patches.files, ", ")));
    auto final_text = KSERIES_TRY(add_changelog(edited.text, ws.label, entry));
    KSERIES_TRY(write_file_atomic(tools.spec, final_text));
    KSERIES_TRY(set_mode(tools.spec, spec_mode));
    result.edit = std::move(edited);
    result.edit.text = std::move(final_text);
    return {};
}

// Pass 6, rpmspec's own reading of the edited spec keeps every line added.
Expected<void> check_with_rpmspec(const SrpmRequest& request, const Workspace& ws,
                                  const SrpmResult& result) {
    auto parse = ws.tools.args("rpmspec");
    parse.insert(parse.end(), {"-P", ws.tools.spec.string()});
    auto parsed = run_tool(ws.tools.runner, parse);
    if (!parsed) {
        return std::unexpected(parsed.error().with_context(ws.label));
    }
    return check_parsed(parsed->out, result.edit, request.patches, ws.label);
}

// Pass 7, the SRPM, still inside the work directory.
Expected<fs::path> build_srpm(const Workspace& ws) {
    auto build = ws.tools.args("rpmbuild");
    build.insert(build.end(), {"-bs", "--nodeps", ws.tools.spec.string()});
    KSERIES_TRY(run_tool(ws.tools.runner, build, ws.work->path()));
    std::optional<fs::path> made;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(ws.work->path() / "SRPMS", ec)) {
        if (e.path().string().ends_with(".src.rpm")) {
            made = e.path();
        }
    }
    if (!made) {
        return fail(ErrorKind::Tool, "rpmbuild -bs wrote no .src.rpm");
    }
    return *made;
}

} // namespace

Expected<PackageId> query_package(const fs::path& file, proc::Runner& runner) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
        return fail(ErrorKind::NotFound, fmt::format("{}: no such file", file.string()));
    }
    KSERIES_TRY(
        verify_digests(runner, file, fmt::format("{} is not an intact RPM package", file.string())));
    const auto r = KSERIES_TRY(
        runner.run({{"rpm", "-qp", "--nosignature", "--qf",
                     "%{NAME}\\n%{VERSION}\\n%{RELEASE}\\n%|SOURCEPACKAGE?{source}:{binary}|\\n",
                     file.string()},
                    {},
                    std::nullopt}));
    const auto lines = text::split_lines(r.out);
    if (!r.ok() || lines.size() != 4) {
        return fail(ErrorKind::Parse, fmt::format("{} is not a readable RPM package: {}",
                                                  file.string(), text::trim(r.err)));
    }
    return PackageId{std::string(text::chomp(lines[0])), std::string(text::chomp(lines[1])),
                     std::string(text::chomp(lines[2])), text::chomp(lines[3]) == "source"};
}

Expected<SrpmResult> make_srpm(const SrpmRequest& request, const StepCallback& step) {
    if (!request.original.source) {
        return fail(ErrorKind::Usage, fmt::format("{} is a binary package, not an SRPM",
                                                  request.kernel_srpm.string()));
    }
    SrpmResult result;
    Workspace ws{.tools = {.runner = request.runner}};
    ws.lock = KSERIES_TRY(claim_out_dir(request, step));
    KSERIES_TRY(make_work_dir(request, ws));
    step(fmt::format("unpacking {}", request.kernel_srpm.filename().string()));
    KSERIES_TRY(unpack(request, ws));
    // Pass 4: rpmbuild here must evaluate the spec as the SRPM's build did:
    // the dist tag of RHEL builds is derived from the SRPM unless the
    // caller defined it.
    result.dist = KSERIES_TRY(match_release(ws.tools, request.original, ws.label));
    step(fmt::format("editing {}", ws.spec_name));
    KSERIES_TRY(edit(request, ws, result));
    step("checking the spec with rpmspec -P");
    KSERIES_TRY(check_with_rpmspec(request, ws, result));
    step("writing the SRPM with rpmbuild -bs");
    const auto made = KSERIES_TRY(build_srpm(ws));
    if (request.prep) {
        // Pass 8: %prep, when asked; a failure writes its log, not the SRPM.
        step("running %prep with rpmbuild -bp");
        KSERIES_TRY(run_prep(ws.tools, request, result, ws.work->path()));
        if (!result.prep_ok) {
            return result;
        }
    }
    // Pass 9: only a finished SRPM reaches the output directory.
    result.srpm = request.out_dir / made.filename();
    KSERIES_TRY(move_file_durably(made, result.srpm));
    return result;
}

} // namespace kseries::rpm
