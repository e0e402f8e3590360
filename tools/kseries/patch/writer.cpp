#include <kseries/patch/writer.hpp>

namespace kseries::patch {

std::string write(const Patch& patch) {
    std::string out = patch.preamble;
    for (const auto& file : patch.files) {
        for (const auto& line : file.header) {
            out += line;
        }
        for (const auto& hunk : file.hunks) {
            out += hunk.header;
            for (const auto& line : hunk.lines) {
                out += line.raw;
                out += line.marker;
            }
        }
    }
    out += patch.trailer;
    return out;
}

} // namespace kseries::patch
