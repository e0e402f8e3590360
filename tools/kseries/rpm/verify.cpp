#include <fmt/format.h>

#include <kseries/rpm/verify.hpp>
#include <kseries/util/text.hpp>

namespace kseries::rpm {

namespace {

// What rpmkeys -K said against a file, without the file's path it starts
// with ("/cache/x.src.rpm: DIGESTS NOT OK" -> "DIGESTS NOT OK"); it prints
// nothing after the path for a file that is not an rpm at all.
std::string rpmkeys_says(const proc::Result& r, const std::string& path) {
    const std::string& said = text::trim(r.err).empty() ? r.out : r.err;
    for (const auto line : text::split_lines(said)) {
        std::string_view l = text::trim(text::chomp(line));
        if (l.starts_with(path)) {
            l.remove_prefix(path.size());
        }
        if (l.starts_with(":")) {
            l.remove_prefix(1);
        }
        l = text::trim(l);
        if (!l.empty()) {
            return text::quote_line(l);
        }
    }
    return "not an rpm package";
}

} // namespace

Expected<void> verify_digests(proc::Runner& runner, const std::filesystem::path& file,
                              std::string_view refusal) {
    const auto checked =
        KSERIES_TRY(runner.run({{"rpmkeys", "-K", "--nosignature", file.string()}, {}, {}}));
    if (!checked.ok()) {
        return fail(ErrorKind::Parse,
                    fmt::format("{} (rpmkeys -K, {}): {}", refusal, checked.status(),
                                rpmkeys_says(checked, file.string())));
    }
    return {};
}

} // namespace kseries::rpm
