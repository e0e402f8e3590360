#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>

#include <kseries/proc/run.hpp>
#include <kseries/rpm/prep_log.hpp>
#include <kseries/rpm/rpm_tools.hpp>
#include <kseries/rpm/srpm.hpp>
#include <kseries/source/archive.hpp>
#include <kseries/util/file.hpp>
#include <kseries/util/lock.hpp>
#include <kseries/util/text.hpp>

namespace fs = std::filesystem;

namespace kseries::rpm {

namespace {

Expected<std::string> read_whole(const fs::path& path) {
    return read_regular_file(path);
}

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

// Removes the work directory whatever way make_srpm leaves.
struct WorkDir {
    fs::path path;
    WorkDir() = default;
    WorkDir(const WorkDir&) = delete;
    WorkDir& operator=(const WorkDir&) = delete;
    ~WorkDir() {
        if (!path.empty()) {
            std::error_code ec;
            fs::remove_all(path, ec);
        }
    }
};

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
    auto r = proc::run_streaming({argv, work, std::nullopt}, [&](std::string_view line) {
        log += line;
        log += '\n';
    });
    if (!r) {
        return std::unexpected(r.error());
    }
    if (!r->ok()) {
        // The log stays for the maintainer; it is the only file written.
        const fs::path kept = request.out_dir / fmt::format("{}-prep.log", request.original.name);
        if (auto ok = write_file_atomic(kept, log); !ok) {
            return std::unexpected(ok.error());
        }
        result.prep_log = kept;
        result.prep_failure = fmt::format("rpmbuild -bp failed ({}); its first error:\n{}",
                                          r->status(), prep_failure_excerpt(log, 20));
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
        auto got = read_whole(*tree / path);
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

} // namespace

Expected<PackageId> query_package(const fs::path& file) {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
        return fail(ErrorKind::NotFound, fmt::format("{}: no such file", file.string()));
    }
    auto digests = proc::run({{"rpmkeys", "-K", "--nosignature", file.string()}, {}, std::nullopt});
    if (!digests) {
        return std::unexpected(digests.error());
    }
    if (!digests->ok()) {
        return fail(ErrorKind::Parse,
                    fmt::format("{} is not an intact RPM package (rpmkeys -K: {})", file.string(),
                                text::trim(digests->out + digests->err)));
    }
    auto r =
        proc::run({{"rpm", "-qp", "--nosignature", "--qf",
                    "%{NAME}\\n%{VERSION}\\n%{RELEASE}\\n%|SOURCEPACKAGE?{source}:{binary}|\\n",
                    file.string()},
                   {},
                   std::nullopt});
    if (!r) {
        return std::unexpected(r.error());
    }
    const auto lines = text::split_lines(r->out);
    if (!r->ok() || lines.size() != 4) {
        return fail(ErrorKind::Parse, fmt::format("{} is not a readable RPM package: {}",
                                                  file.string(), text::trim(r->err)));
    }
    return PackageId{std::string(text::chomp(lines[0])), std::string(text::chomp(lines[1])),
                     std::string(text::chomp(lines[2])), text::chomp(lines[3]) == "source"};
}

Expected<SrpmResult> make_srpm(const SrpmRequest& request, const StepCallback& step) {
    SrpmResult result;
    const PackageId& original = request.original;
    if (!original.source) {
        return fail(ErrorKind::Usage, fmt::format("{} is a binary package, not an SRPM",
                                                  request.kernel_srpm.string()));
    }

    std::error_code ec;
    fs::create_directories(request.out_dir, ec);
    if (ec || !fs::is_directory(request.out_dir, ec)) {
        return fail(ErrorKind::Io, fmt::format("--out {}: not a directory we can create",
                                               request.out_dir.string()));
    }
    // Runs into one output directory take turns; a run killed on the way
    // left its work directory behind, which the next run removes (only lock
    // holders make them, so any found now is stale).
    auto lock = lock_directory(request.out_dir, LockWait::Wait,
                               fmt::format("the output directory {}", request.out_dir.string()),
                               [&] { step("waiting for another kseries srpm writing there"); });
    if (!lock) {
        return std::unexpected(lock.error());
    }
    for (const auto& e : fs::directory_iterator(request.out_dir, ec)) {
        if (e.path().filename().string().starts_with(".kseries-srpm-") && e.is_directory(ec) &&
            !e.is_symlink(ec)) {
            fs::remove_all(e.path(), ec);
        }
    }
    // The work directory sits beside the result so the finished SRPM is
    // renamed into place, never copied.
    std::string pattern = (request.out_dir / ".kseries-srpm-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        return fail(ErrorKind::Io,
                    fmt::format("cannot create a work directory in {}", request.out_dir.string()));
    }
    WorkDir work;
    // rpmbuild runs with the work directory as its cwd, so every path handed
    // to it (and to rpmspec) is absolute: a relative --out would otherwise
    // name a directory inside the work directory.
    work.path = fs::absolute(fs::path(pattern), ec);
    if (ec) {
        fs::remove_all(fs::path(pattern), ec);
        return fail(ErrorKind::Io, fmt::format("cannot resolve the work directory {}", pattern));
    }
    RpmTools tools{work.path, work.path / "SOURCES", {}, request.defines};
    for (const char* d : {"SOURCES", "SRPMS", "BUILD", "RPMS", "BUILDROOT"}) {
        fs::create_directory(work.path / d, ec);
    }

    step(fmt::format("unpacking {}", request.kernel_srpm.filename().string()));
    auto names = source::extract_srpm(request.kernel_srpm, tools.sources);
    if (!names) {
        return std::unexpected(names.error());
    }
    std::vector<std::string> specs;
    for (const auto& n : *names) {
        if (n.ends_with(".spec")) {
            specs.push_back(n);
        }
    }
    if (specs.size() != 1) {
        return fail(ErrorKind::Parse, fmt::format("{} holds {} spec files; a kernel SRPM holds one",
                                                  request.kernel_srpm.string(), specs.size()));
    }
    tools.spec = tools.sources / specs.front();
    const std::string label =
        fmt::format("{} (in {})", specs.front(), request.kernel_srpm.filename().string());

    // rpmbuild here must evaluate the spec as the SRPM's build did: the dist
    // tag of RHEL builds is derived from the SRPM unless the caller defined it.
    auto dist = match_release(tools, original, label);
    if (!dist) {
        return std::unexpected(dist.error());
    }
    result.dist = *dist;

    step(fmt::format("editing {}", specs.front()));
    auto spec_text = read_whole(tools.spec);
    if (!spec_text) {
        return std::unexpected(spec_text.error());
    }
    // The rewritten spec keeps the stock one's mode (extract_srpm gave it).
    const fs::perms spec_mode = fs::status(tools.spec, ec).permissions() & fs::perms::all;
    if (ec) {
        return fail(ErrorKind::Io, fmt::format("cannot read the mode of {}", tools.spec.string()));
    }
    auto edit = edit_spec(*spec_text, label, request.patches, request.buildid);
    if (!edit) {
        return std::unexpected(edit.error());
    }
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
        if (auto ok = write_file_atomic(tools.sources / name, content); !ok) {
            return std::unexpected(ok.error());
        }
        if (auto ok = set_mode(tools.sources / name, fs::perms{0644}); !ok) {
            return std::unexpected(ok.error());
        }
    }
    if (auto ok = write_file_atomic(tools.spec, edit->text); !ok) {
        return std::unexpected(ok.error());
    }
    auto after = tools.evr();
    if (!after) {
        return std::unexpected(after.error().with_context(label));
    }
    result.evr = *after;
    ChangelogEntry entry{request.date, request.packager, result.evr, {}};
    std::string applied;
    for (const auto& f : request.patches.files) {
        applied += applied.empty() ? f : ", " + f;
    }
    entry.lines.push_back(fmt::format("kseries: apply {} {} ({})", request.patches.series,
                                      request.patches.version, applied));
    auto final_text = add_changelog(edit->text, label, entry);
    if (!final_text) {
        return std::unexpected(final_text.error());
    }
    if (auto ok = write_file_atomic(tools.spec, *final_text); !ok) {
        return std::unexpected(ok.error());
    }
    if (auto ok = set_mode(tools.spec, spec_mode); !ok) {
        return std::unexpected(ok.error());
    }
    result.edit = std::move(*edit);
    result.edit.text = std::move(*final_text);

    step("checking the spec with rpmspec -P");
    auto parse = tools.args("rpmspec");
    parse.insert(parse.end(), {"-P", tools.spec.string()});
    auto parsed = run_tool(parse);
    if (!parsed) {
        return std::unexpected(parsed.error().with_context(label));
    }
    if (auto ok = check_parsed(parsed->out, result.edit, request.patches, label); !ok) {
        return std::unexpected(ok.error());
    }

    step("writing the SRPM with rpmbuild -bs");
    auto build = tools.args("rpmbuild");
    build.insert(build.end(), {"-bs", "--nodeps", tools.spec.string()});
    if (auto r = run_tool(build, work.path); !r) {
        return std::unexpected(r.error());
    }
    std::optional<fs::path> made;
    for (const auto& e : fs::directory_iterator(work.path / "SRPMS", ec)) {
        if (e.path().string().ends_with(".src.rpm")) {
            made = e.path();
        }
    }
    if (!made) {
        return fail(ErrorKind::Tool, "rpmbuild -bs wrote no .src.rpm");
    }

    if (request.prep) {
        step("running %prep with rpmbuild -bp");
        if (auto ok = run_prep(tools, request, result, work.path); !ok) {
            return std::unexpected(ok.error());
        }
        if (!result.prep_ok) {
            return result;
        }
    }
    result.srpm = request.out_dir / made->filename();
    if (auto ok = move_file_durably(*made, result.srpm); !ok) {
        return std::unexpected(ok.error());
    }
    return result;
}

} // namespace kseries::rpm
