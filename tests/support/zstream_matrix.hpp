// A matrix over 150 z-stream releases of RHEL 8 in 8 minors, built in code
// (no tree is read): 19 or 18 releases a minor, a GA release then its
// z-stream updates, as the catalog names them. Two patches:
// - 0001 applies exactly up to 4.18.0-305.10.1.el8_4 and fails from
//   4.18.0-305.11.1.el8_4 on;
// - 0002 applies exactly up to 8.5 and at an offset of +3 from 8.6 on;
// and 4.18.0-425.5.1.el8_7 has no source. The report tests check the
// grouping and the summary against these boundaries.
#pragma once

#include <array>
#include <string>

#include <fmt/format.h>

#include <kseries/kernel/release.hpp>
#include <kseries/matrix/matrix.hpp>

namespace kseries::test {

inline matrix::Cell zstream_cell(matrix::CellKind kind, long offset = 0) {
    matrix::Cell c;
    c.kind = kind;
    c.accepted = kind == matrix::CellKind::Exact || kind == matrix::CellKind::Offset;
    c.verdict = c.accepted ? check::Verdict::Applies : check::Verdict::Fails;
    c.offset = offset;
    return c;
}

inline matrix::Matrix zstream_matrix() {
    using matrix::CellKind;
    struct Minor {
        int minor;
        long build;
        int releases;
    };
    constexpr std::array<Minor, 8> minors{{{1, 147, 19},
                                           {2, 193, 19},
                                           {3, 240, 19},
                                           {4, 305, 19},
                                           {5, 348, 19},
                                           {6, 372, 19},
                                           {7, 425, 18},
                                           {8, 477, 18}}};
    matrix::Matrix m;
    m.series = "series/overlayfs-nfsroot/v1";
    m.patches = {"0001-ovl-super.patch", "0002-ovl-copy-up.patch"};
    for (const auto& mi : minors) {
        for (int z = 0; z < mi.releases; ++z) {
            const auto name = z == 0 ? fmt::format("4.18.0-{}.el8", mi.build)
                                     : fmt::format("4.18.0-{}.{}.1.el8_{}", mi.build, z, mi.minor);
            matrix::Row r;
            r.release = *kernel::parse_release(name);
            r.policy_verified = true;
            r.source = "git /srv/git/almalinux-kernel.git@kernel-" + name;
            if (mi.build == 425 && z == 5) {
                r.unavailable = "no source given for this release";
                r.source = "catalog";
                r.cells = {matrix::Cell{}, matrix::Cell{}};
                m.rows.push_back(std::move(r));
                continue;
            }
            r.report = check::Report{};
            const bool applies = mi.build < 305 || (mi.build == 305 && z <= 10);
            r.cells = {zstream_cell(applies ? CellKind::Exact : CellKind::Fails),
                       mi.minor >= 6 ? zstream_cell(CellKind::Offset, 3)
                                     : zstream_cell(CellKind::Exact)};
            m.rows.push_back(std::move(r));
        }
    }
    return m;
}

} // namespace kseries::test
