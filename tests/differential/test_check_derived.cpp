// check::run runs GNU patch once at the highest fuzz any column needs and
// takes the lower-fuzz results from it when that run proves them (every hunk
// failed, or was placed or found reversed within the lower fuzz). This
// property test holds that shortcut to what it stands for: on generated
// cases of real kernel code, every policy's verdict and the shown results
// equal a run of that program on its own.
#include <map>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <kseries/check/check.hpp>
#include <kseries/kernel/policy.hpp>
#include <kseries/patch/parser.hpp>

#include "generator.hpp"
#include "harness.hpp"

namespace {

using namespace kseries;

constexpr std::uint64_t seed = 20261201;

// A tree held in memory: the case's one file.
class MemoryTree final : public source::SourceTree {
public:
    MemoryTree(std::string path, std::string data)
        : m_path(std::move(path)), m_data(source::make_content(std::move(data))) {}
    [[nodiscard]] Expected<source::Content> load(std::string_view path) override {
        return path == m_path ? m_data : source::Content{};
    }
    [[nodiscard]] std::string describe() const override { return "memory"; }

private:
    std::string m_path;
    source::Content m_data;
};

// The case's patch cut into two: its first hunks and the rest, so the second
// patch meets what the first left.
std::pair<std::string, std::string> halves(const std::string& patch) {
    std::string header;
    std::vector<std::string> hunks;
    std::size_t at = 0;
    while (at < patch.size()) {
        const std::size_t end = std::min(patch.find('\n', at), patch.size() - 1) + 1;
        const std::string line = patch.substr(at, end - at);
        if (line.starts_with("@@ ")) {
            hunks.push_back(line);
        } else if (hunks.empty()) {
            header += line;
        } else {
            hunks.back() += line;
        }
        at = end;
    }
    const std::size_t cut = (hunks.size() + 1) / 2;
    std::string first = header;
    std::string second = hunks.size() > 1 ? header : std::string();
    for (std::size_t i = 0; i < hunks.size(); ++i) {
        (i < cut ? first : second) += hunks[i];
    }
    return {first, second};
}

series::LoadedSeries make_series(const std::vector<std::pair<std::string, bool>>& patches) {
    series::LoadedSeries out;
    for (std::size_t i = 0; i < patches.size(); ++i) {
        const auto& [text, reverse] = patches[i];
        const std::string name = fmt::format("{:04}.patch", i + 1);
        auto parsed = patch::parse(text, name);
        EXPECT_TRUE(parsed) << parsed.error().to_string();
        const auto lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
        out.patches.push_back({{name, 1, reverse, i + 1}, std::move(*parsed), lines});
    }
    return out;
}

std::string describe(const std::vector<apply::TreeFileResult>& files) {
    std::string out;
    for (const auto& f : files) {
        out += fmt::format("{} status {}:", f.path, static_cast<int>(f.result.status));
        for (std::size_t i = 0; i < f.result.hunks.size(); ++i) {
            const auto& h = f.result.hunks[i];
            out += fmt::format(" [{} line {} where {} offset {} fuzz {}", static_cast<int>(h.status),
                               h.line, h.where, h.offset, h.fuzz);
            if (i < f.closest.size() && f.closest[i]) {
                out += fmt::format(" closest {}/{}", f.closest[i]->line, f.closest[i]->matched);
            }
            out += "]";
        }
        out += "\n";
    }
    return out;
}


} // namespace

TEST(CheckDerived, every_policy_and_the_shown_run_equal_their_own_runs) {
    using namespace kseries::difftest;
    const std::uint64_t cases = env_number("KSERIES_DERIVED_CASES", 1500);
    const Generator gen(load_corpus(KSERIES_CORPUS_DIR, "fs/overlayfs"), seed);
    std::vector<check::Options> shown_options;
    for (const auto& p : kernel::all_policies()) {
        shown_options.push_back({p.id, std::nullopt});
    }
    for (long fuzz = 0; fuzz <= 3; ++fuzz) {
        shown_options.push_back({kernel::PolicyId::KernelSpec, fuzz});
    }
    std::map<std::string, std::uint64_t> seen;
    for (std::uint64_t i = 0; i < cases; ++i) {
        const Case c = gen.make(i);
        const auto [first, second] = halves(c.patch);
        std::vector<std::vector<std::pair<std::string, bool>>> shapes = {
            {{c.patch, false}},
            {{c.patch, false}, {c.patch, false}}, // the second finds it applied
        };
        if (!second.empty()) {
            shapes.push_back({{first, false}, {second, false}});
            shapes.push_back({{first, false}, {first, true}}); // taken out again (-R)
        }
        for (const auto& shape : shapes) {
            const auto series = make_series(shape);
            for (const auto& options : shown_options) {
                MemoryTree tree(c.path, c.target);
                auto report = check::run(series, tree, "case", options);
                ASSERT_TRUE(report) << report.error().to_string();
                const std::string where =
                    fmt::format("case {} ({}), {} patches, shown {}", i, c.path, shape.size(),
                                options.label());

                for (std::size_t k = 0; k < kernel::all_policies().size(); ++k) {
                    const auto& p = kernel::all_policies()[k];
                    MemoryTree own_tree(c.path, c.target);
                    source::OverlayTree overlay(own_tree);
                    auto own = check::run_series(series, overlay, {p.engine, p.fuzz},
                                                 p.optional_patch_rule);
                    ASSERT_TRUE(own) << own.error().to_string();
                    for (std::size_t n = 0; n < series.patches.size(); ++n) {
                        ASSERT_EQ(report->patches[n].verdicts[k], own->verdicts[n])
                            << where << ": policy " << p.key << ", patch " << n + 1;
                        ++seen[fmt::format("{} {}", p.key, check::verdict_key(own->verdicts[n]))];
                    }
                }

                MemoryTree shown_tree(c.path, c.target);
                source::OverlayTree overlay(shown_tree);
                auto shown = check::run_series(series, overlay, options.engine(), false);
                ASSERT_TRUE(shown) << shown.error().to_string();
                for (std::size_t n = 0; n < series.patches.size(); ++n) {
                    ASSERT_EQ(describe(report->patches[n].files), describe(shown->results[n].files))
                        << where << ", patch " << n + 1;
                }
            }
        }
    }
    // The cases must reach every verdict under the GNU patch policies.
    for (const char* key : {"rpm-patch", "kernel-spec", "gnu-patch"}) {
        for (const char* v : {"applies", "fails", "already-applied"}) {
            EXPECT_GT(seen[fmt::format("{} {}", key, v)], 0u) << key << " " << v;
        }
    }
    std::string summary;
    for (const auto& [what, n] : seen) {
        summary += fmt::format("{} {}; ", what, n);
    }
    std::printf("%llu cases agree: %s\n", static_cast<unsigned long long>(cases), summary.c_str());
}
