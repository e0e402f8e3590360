// The step `kmod` and `verify --boot` share: a series applied in memory
// under its tree's policy, the one module directory it changes built
// against a kernel's devel (headers) directory, and the module's vermagic
// checked against that kernel.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include <kseries/check/check.hpp>
#include <kseries/flow/inputs.hpp>
#include <kseries/proc/run.hpp>
#include <kseries/util/error.hpp>

namespace kseries::flow {

enum class ModuleOutcome {
    Built,
    DoesNotApply, // the series does not apply: `report` says where
    DoesNotBuild, // make failed: `failure` shows the end of its output
    NotOneModule, // the build made `modules` .ko files, not one
    WrongKernel,  // the module's vermagic is not for the devel kernel
};

struct PatchedModule {
    ModuleOutcome outcome = ModuleOutcome::Built;
    std::optional<check::Report> report{}; // DoesNotApply
    std::string failure{};                 // DoesNotBuild
    std::string module_dir{};              // the tree's directory that was built
    std::size_t modules = 0;               // NotOneModule: how many .ko files
    std::filesystem::path ko{};            // Built: the module, inside `work`
    std::string vermagic{};                // the module's (Built, WrongKernel)
    double build_seconds = 0;              // the module build
};

struct ModuleBuild {
    const std::string& tree;     // the tree as the request named it
    std::filesystem::path devel; // the target kernel's devel directory
    std::string kver;            // its release
    std::filesystem::path work;  // where to build (work/module) and log (work/build.log)
    unsigned jobs = 2;           // make -j
    proc::Runner& runner;        // make and modinfo
};

// An Error for bad input (a series changing more than one module
// directory) or a program that cannot run; otherwise how far it got.
[[nodiscard]] Expected<PatchedModule> build_patched_module(Job& job, const ModuleBuild& build);

} // namespace kseries::flow
