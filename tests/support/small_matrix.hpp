// The matrix the report unit tests render: small_series.hpp's one patch on
// a release it fits (193), one it fails (240) and a catalog release without
// a source (305), the series directory named as the test asks (the HTML
// test names it with markup).
#pragma once

#include <string>
#include <vector>

#include <kseries/kernel/catalog.hpp>
#include <kseries/matrix/matrix.hpp>
#include <kseries/series/selection.hpp>
#include <kseries/source/directory_tree.hpp>

#include "small_series.hpp"
#include "temp_dir.hpp"

namespace kseries::test {

struct SmallMatrix {
    TempDir dir;
    series::Selection selection;
    kernel::Catalog catalog;
    matrix::Matrix m;

    explicit SmallMatrix(const std::string& series_name) {
        dir.write(series_name + "/series", "0001-fix.patch\n");
        dir.write(series_name + "/0001-fix.patch", fix_patch);
        dir.write("c.toml", "lineage = \"RHEL 8\"\n"
                            "[[release]]\nname = \"4.18.0-193.el8\"\npolicy = \"kernel-spec\"\n"
                            "[[release]]\nname = \"4.18.0-240.el8\"\npolicy = \"kernel-spec\"\n"
                            "[[release]]\nname = \"4.18.0-305.el8\"\npolicy = \"kernel-spec\"\n");
        dir.write("193/f", numbered(20));
        dir.write("240/f", conflicting_file());
        selection = *series::Selection::open(dir.path() / series_name);
        catalog = *kernel::Catalog::load({dir.path() / "c.toml"});
        std::vector<matrix::RowSource> sources{row("193", "4.18.0-193.el8"),
                                               row("240", "4.18.0-240.el8")};
        matrix::Options options;
        options.catalog_rows = {catalog.find(*kernel::parse_release("4.18.0-305.el8"))};
        m = *matrix::run(selection, series_name, sources, catalog, options);
    }

    [[nodiscard]] matrix::RowSource row(const char* sub, const char* release) const {
        const auto p = (dir.path() / sub).string();
        matrix::RowSource s;
        s.description = "tree " + p;
        s.named = kernel::parse_release(release);
        s.open = [p]() -> Expected<matrix::OpenedSource> {
            return matrix::OpenedSource{KSERIES_TRY(source::DirectoryTree::open(p)), std::nullopt};
        };
        return s;
    }
};

} // namespace kseries::test
