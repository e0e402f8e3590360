#include <kseries/check/check.hpp>
#include <kseries/flow/verify.hpp>

namespace kseries::flow {

namespace fs = std::filesystem;

namespace {

// The work directory, given or temporary; a temporary one is removed when
// the run ends unless it is to be kept.
class WorkDir {
public:
    static Expected<WorkDir> make(const VerifyRequest& request) {
        WorkDir w;
        w.m_path = request.workdir;
        if (w.m_path.empty()) {
            w.m_path = KSERIES_TRY(temporary_workdir("kseries-verify"));
            w.m_remove = !request.keep;
        }
        return w;
    }
    WorkDir() = default;
    WorkDir(WorkDir&& o) noexcept : m_path(std::move(o.m_path)), m_remove(o.m_remove) {
        o.m_remove = false;
    }
    WorkDir(const WorkDir&) = delete;
    WorkDir& operator=(const WorkDir&) = delete;
    WorkDir& operator=(WorkDir&&) = delete;
    ~WorkDir() {
        std::error_code ec;
        if (m_remove) {
            fs::remove_all(m_path, ec);
        }
    }
    [[nodiscard]] const fs::path& path() const { return m_path; }
    [[nodiscard]] bool removed() const { return m_remove; }

private:
    fs::path m_path;
    bool m_remove = false;
};

} // namespace

Expected<VerifyResult> verify(const VerifyRequest& request) {
    auto in = KSERIES_TRY(load_job(request.job));
    VerifyResult out;
    out.label = in.label;
    const auto applied = KSERIES_TRY(check::apply_in_memory(in.series, *in.tree, in.options));
    for (std::size_t i = 0; i < applied.verdicts.size(); ++i) {
        if (applied.verdicts[i] != check::Verdict::Applies) {
            out.not_applied = NotApplied{in.series.patches[i].entry.patch, in.options.label(),
                                         std::string(check::verdict_key(applied.verdicts[i]))};
            return out;
        }
    }
    const auto work = KSERIES_TRY(WorkDir::make(request));
    auto built =
        compile_modules(*in.tree, request.job.tree, applied.changes, work.path(), request.jobs);
    if (!built) {
        if (built.error().kind() != ErrorKind::Tool) {
            return std::unexpected(built.error());
        }
        out.build_error = built.error().message();
        return out;
    }
    out.compiled = std::move(*built);
    if (!work.removed()) {
        out.build_log = work.path() / "build.log";
    }
    return out;
}

} // namespace kseries::flow
