#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <stop_token>
#include <thread>
#include <utility>

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <kseries/boot/elf_closure.hpp>
#include <kseries/boot/harness.hpp>
#include <kseries/boot/initramfs.hpp>
#include <kseries/flow/boot_proof.hpp>
#include <kseries/flow/patched_module.hpp>
#include <kseries/kbuild/kernel_image.hpp>
#include <kseries/series/store.hpp>
#include <kseries/util/clock.hpp>
#include <kseries/util/temp_dir.hpp>
#include <kseries/util/version.hpp>

namespace kseries::flow {

namespace {

namespace fs = std::filesystem;
using Clock = SteadyClock;

std::string utc_now() {
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", now);
}

// What the store says must be proved for the version the job picked.
struct Plan {
    series::Store store;
    const series::Version* version = nullptr;
    std::vector<series::Scenario> scenarios;
    std::vector<series::Proof> proofs;
};

Expected<std::unique_ptr<Plan>> plan_proofs(const Job& job) {
    const fs::path dir = fs::absolute(job.series.dir).lexically_normal();
    if (!series::Store::is_store(dir.parent_path())) {
        return fail(ErrorKind::Usage,
                    fmt::format("verify --boot proves a store version: its scenarios are kept in "
                                "the store (STORE/scenarios/); {} is not one",
                                job.label));
    }
    auto plan = std::make_unique<Plan>(
        Plan{KSERIES_TRY(series::Store::open(dir.parent_path())), nullptr, {}, {}});
    plan->version = plan->store.find(dir.filename().string());
    if (plan->version == nullptr) {
        return fail(ErrorKind::Usage,
                    fmt::format("{} is not a version of {}", dir.string(), plan->store.name()));
    }
    plan->scenarios = KSERIES_TRY(series::load_scenarios(plan->store.dir()));
    plan->proofs = KSERIES_TRY(series::proofs_for(*plan->version, plan->scenarios));
    if (plan->proofs.empty()) {
        return fail(ErrorKind::Usage,
                    fmt::format("no scenario of {} proves a patch of {} (docs/formats/"
                                "scenario.md): nothing to boot for",
                                plan->store.name(), plan->version->name));
    }
    return plan;
}

// The kernel as three paths, or unpacked from its packages into `work`.
Expected<kbuild::KernelImage> open_kernel(const BootProofRequest& request, const fs::path& work) {
    const auto& k = request.kernel;
    if (!k.rpms.empty()) {
        if (!k.vmlinuz.empty() || !k.modules.empty() || !k.devel.empty()) {
            return fail(ErrorKind::Usage, "give the kernel as packages or as paths, not both");
        }
        return kbuild::kernel_from_rpms(k.rpms, work, request.runner);
    }
    if (k.vmlinuz.empty() || k.modules.empty() || k.devel.empty()) {
        return fail(ErrorKind::Usage, "the kernel needs its image, its modules directory and its "
                                      "devel headers (or its kernel-core, kernel-modules and "
                                      "kernel-devel packages)");
    }
    return kbuild::kernel_from_paths(k.vmlinuz, k.modules, k.devel);
}

// One boot of one scenario: what the console showed, read.
struct Boot {
    series::BootRecord record;
    std::string log;
    boot::HarnessReport harness;
    boot::VmRun vm;
};

// Everything the proof's steps share; the steps run on two threads.
struct Context {
    Context(const BootProofRequest& r, kbuild::KernelImage k, fs::path w)
        : request(r), kernel(std::move(k)), work(std::move(w)), machine(r.accel, r.runner, r.qemu) {
    }

    const BootProofRequest& request;
    kbuild::KernelImage kernel;
    fs::path work;
    boot::Machine machine;
    Clock::time_point started = Clock::now();
    std::mutex mutex;

    void say(std::string_view what) {
        if (request.progress) {
            const std::lock_guard lock(mutex);
            request.progress(fmt::format("[{:4.0f} s] {}", seconds_since(started), what));
        }
    }
};

// Why a boot gave no verdict, from what qemu and the harness said.
std::string problem_of(const Boot& b, const series::Scenario& s) {
    if (b.vm.end == boot::VmEnd::TimedOut) {
        return fmt::format("timed out after {} s ({})", s.timeout_seconds,
                           b.harness.started ? "the scenario hung" : "the kernel did not boot");
    }
    if (b.vm.end == boot::VmEnd::Failed) {
        return fmt::format("qemu could not boot the kernel: {}", b.vm.qemu_said);
    }
    if (!b.harness.started) {
        return "the kernel did not reach /init (a panic or a kernel that does not boot)";
    }
    if (b.harness.error) {
        return *b.harness.error;
    }
    if (!b.harness.done) {
        return "the VM stopped before the scenario ended";
    }
    return fmt::format("the script gave no verdict (exit status {})",
                       b.harness.script_exit.value_or(-1));
}

Expected<Boot> boot_scenario(Context& ctx, const series::Scenario& s, const std::string& side,
                             const std::map<std::string, fs::path>& replaced,
                             std::stop_token stop = {}) {
    const fs::path image = ctx.work / fmt::format("{}.{}.cpio", s.name, side);
    KSERIES_TRY(boot::write_initramfs({.scenario = &s,
                                       .modules_dir = ctx.kernel.modules_dir,
                                       .replaced = replaced,
                                       .busybox = ctx.request.busybox},
                                      image));
    ctx.say(fmt::format("booting {}: {}", side, s.name));
    Boot b;
    b.vm = KSERIES_TRY(ctx.machine.boot({.kernel = ctx.kernel.vmlinuz,
                                         .initramfs = image,
                                         .append = {},
                                         .memory_mib = s.memory_mib,
                                         .timeout = std::chrono::seconds(s.timeout_seconds),
                                         .on_line = {},
                                         .stop = std::move(stop)}));
    b.log = b.vm.log;
    b.harness = boot::parse_harness(b.log);
    const auto symptom = KSERIES_TRY(series::parse_serial_log(b.log, s));
    b.record = {.symptom = symptom.symptom,
                .detail = symptom.detail,
                .evidence = symptom.evidence,
                .problem = {},
                .seconds = b.vm.seconds,
                .accel = std::string(boot::accel_name(b.vm.accel)),
                .log = fmt::format("{}.{}.log", s.name, side)};
    if (symptom.symptom == series::Symptom::NoVerdict) {
        b.record.problem = problem_of(b, s);
    }
    ctx.say(fmt::format("{} {}: {} ({:.0f} s)", side, s.name,
                        symptom.symptom == series::Symptom::Yes  ? "symptom"
                        : symptom.symptom == series::Symptom::No ? "no symptom"
                                                                 : b.record.problem,
                        b.vm.seconds));
    return b;
}

// The stock kernel must boot, be the release its modules and headers are
// for, and load its own modules: when it does not, the input is wrong, not
// the patch (exit 2).
Expected<void> check_stock(const Boot& b, const Context& ctx) {
    if (b.vm.end == boot::VmEnd::Failed || !b.harness.started) {
        return fail(ErrorKind::Usage, fmt::format("kernel {} does not boot: {}",
                                                  ctx.kernel.vmlinuz.string(), b.record.problem));
    }
    if (b.harness.kernel_release != ctx.kernel.release) {
        return fail(ErrorKind::Usage,
                    fmt::format("{} boots kernel {}, but the modules and headers are for {}",
                                ctx.kernel.vmlinuz.string(), b.harness.kernel_release,
                                ctx.kernel.release));
    }
    if (b.harness.error) {
        return fail(ErrorKind::Usage, fmt::format("on the stock kernel {}: {}", ctx.kernel.release,
                                                  *b.harness.error));
    }
    return {};
}

// The stock boots, one scenario after another (run beside the build);
// fewer when `stop` is requested, the last one then Cancelled.
Expected<std::vector<Boot>> stock_boots(Context& ctx, const Plan& plan,
                                        const std::stop_token& stop) {
    std::vector<Boot> out;
    for (const auto& p : plan.proofs) {
        if (stop.stop_requested()) {
            break;
        }
        out.push_back(KSERIES_TRY(boot_scenario(ctx, *p.scenario, "stock", {}, stop)));
    }
    return out;
}

// The patched module, built and stripped of its debug information (a
// 4 MB module becomes 0.3 MB of initramfs), named as the kernel names it:
// Kbuild's KBUILD_MODNAME, the file's stem with '-' read as '_'.
Expected<std::optional<std::pair<std::string, fs::path>>> patched_module(Context& ctx, Job& job,
                                                                         BootProofResult& result) {
    ctx.say("building the patched module");
    const auto built = KSERIES_TRY(build_patched_module(job, {.tree = ctx.request.job.tree,
                                                              .devel = ctx.kernel.build_dir,
                                                              .kver = ctx.kernel.release,
                                                              .work = ctx.work,
                                                              .jobs = ctx.request.jobs,
                                                              .runner = ctx.request.runner}));
    result.record.build_seconds = built.build_seconds;
    result.record.module_vermagic = built.vermagic;
    static constexpr BootProofOutcome outcomes[] = {
        BootProofOutcome::Judged, BootProofOutcome::DoesNotApply, BootProofOutcome::DoesNotBuild,
        BootProofOutcome::NotOneModule, BootProofOutcome::WrongKernel};
    result.outcome = outcomes[static_cast<int>(built.outcome)];
    if (result.outcome != BootProofOutcome::Judged) {
        result.report = built.report;
        result.failure = built.outcome == ModuleOutcome::WrongKernel
                             ? fmt::format("the module's vermagic \"{}\" is not for {}",
                                           built.vermagic, ctx.kernel.release)
                             : built.failure;
        return std::nullopt;
    }
    std::string name = built.ko.stem().string();
    std::replace(name.begin(), name.end(), '-', '_');
    const fs::path stripped = ctx.work / (name + ".ko");
    const auto r = KSERIES_TRY(ctx.request.runner.run(
        {{"strip", "--strip-debug", "-o", stripped.string(), built.ko.string()}, {}, {}}));
    if (!r.ok()) {
        return fail(ErrorKind::Tool, fmt::format("strip --strip-debug {}: {}: {}",
                                                 built.ko.string(), r.status(), r.err));
    }
    ctx.say(fmt::format("built {} ({:.0f} s)", name, built.build_seconds));
    return std::pair{name, stripped};
}

// The patched boots: only where the version carries the patch.
Expected<std::vector<std::optional<Boot>>>
patched_boots(Context& ctx, const Plan& plan, const std::pair<std::string, fs::path>& module) {
    std::vector<std::optional<Boot>> out;
    for (const auto& p : plan.proofs) {
        if (p.expect != series::Expect::Fixed) {
            out.emplace_back();
            continue;
        }
        out.emplace_back(KSERIES_TRY(
            boot_scenario(ctx, *p.scenario, "patched", {{module.first, module.second}})));
    }
    return out;
}

// The record of what was seen, judged, with its logs.
std::map<std::string, std::string> judge_all(const Plan& plan, const std::vector<Boot>& stock,
                                             const std::vector<std::optional<Boot>>& patched,
                                             series::ProofRecord& record) {
    std::map<std::string, std::string> logs;
    for (std::size_t i = 0; i < plan.proofs.size(); ++i) {
        const auto& p = plan.proofs[i];
        series::ScenarioRecord s{.scenario = p.scenario->name,
                                 .patch = p.patch,
                                 .expect = p.expect,
                                 .stock = stock[i].record,
                                 .patched = std::nullopt,
                                 .verdict = series::ProofVerdict::NoVerdict};
        logs[stock[i].record.log] = stock[i].log;
        if (i < patched.size() && patched[i]) {
            s.patched = patched[i]->record;
            logs[patched[i]->record.log] = patched[i]->log;
        }
        s.verdict = series::judge(s.expect, s.stock, s.patched);
        record.scenarios.push_back(std::move(s));
    }
    return logs;
}

// The module build and the patched boots on this thread, the stock boots
// beside them: on two cores the stock VM runs while make does. When the
// module does not apply or build there is nothing to judge, and the stock
// boots still running are stopped.
Expected<void> run_proof(Context& ctx, const Plan& plan, Job& job, BootProofResult& result) {
    std::optional<Expected<std::vector<Boot>>> stock;
    std::vector<std::optional<Boot>> patched;
    Expected<void> built_and_booted{};
    {
        std::jthread stock_thread(
            [&](const std::stop_token& stop) { stock = stock_boots(ctx, plan, stop); });
        built_and_booted = [&]() -> Expected<void> {
            const auto module = KSERIES_TRY(patched_module(ctx, job, result));
            if (module) {
                patched = KSERIES_TRY(patched_boots(ctx, plan, *module));
            }
            return {};
        }();
        if (!built_and_booted || result.outcome != BootProofOutcome::Judged) {
            ctx.say("nothing to judge: stopping the stock boots");
            stock_thread.request_stop();
        }
        // Joined here: a jthread's destructor would request the stop first.
        stock_thread.join();
    }
    const auto stock_runs = KSERIES_TRY(std::move(*stock));
    for (const auto& b : stock_runs) {
        if (b.vm.end != boot::VmEnd::Cancelled) {
            KSERIES_TRY(check_stock(b, ctx));
        }
    }
    KSERIES_TRY(built_and_booted);
    if (result.outcome != BootProofOutcome::Judged) {
        return {}; // the outcome says why; nothing is recorded
    }
    const auto logs = judge_all(plan, stock_runs, patched, result.record);
    result.record.kvm_note = ctx.machine.kvm_note();
    result.record.seconds = seconds_since(ctx.started);
    result.saved = KSERIES_TRY(series::save_proof(plan.store.dir(), result.record, logs));
    return {};
}

} // namespace

Expected<BootProofResult> boot_proof(const BootProofRequest& request) {
    KSERIES_TRY(boot::Machine(request.accel, request.runner, request.qemu).preflight());
    if (!KSERIES_TRY(boot::is_static_executable(request.busybox))) {
        return fail(ErrorKind::Usage,
                    fmt::format("{} is not a static busybox: the VM has no libraries for it "
                                "(Debian: apt-get install busybox-static)",
                                request.busybox.string()));
    }
    auto job = std::make_shared<Job>(KSERIES_TRY(load_job(request.job)));
    const auto plan = KSERIES_TRY(plan_proofs(*job));
    auto work = KSERIES_TRY(TempDir::create(request.temp_root, "kseries-boot-"));
    BootProofResult result;
    if (request.keep) {
        work.keep();
        result.work = work.path();
    }
    result.job = job;
    result.label = job->label;
    result.policy = job->options.label();
    Context ctx(request, KSERIES_TRY(open_kernel(request, work.path())), work.path());
    result.record.store = plan->store.name();
    result.record.version = plan->version->name;
    result.record.kernel_release = ctx.kernel.release;
    result.record.date = utc_now();
    result.record.kseries_version = std::string(kseries::version());
    KSERIES_TRY(run_proof(ctx, *plan, *job, result));
    return result;
}

} // namespace kseries::flow
