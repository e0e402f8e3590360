#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>

#include <fmt/format.h>

#include <kseries/util/temp_dir.hpp>

namespace kseries {

namespace fs = std::filesystem;

Expected<TempDir> TempDir::create(const fs::path& parent, std::string_view prefix) {
    fs::path where = parent;
    if (where.empty()) {
        std::error_code ec;
        where = fs::temp_directory_path(ec);
        if (ec) {
            return fail(ErrorKind::Io,
                        fmt::format("no temporary directory to create one in: {}", ec.message()));
        }
    }
    std::string tmpl = (where / fmt::format("{}XXXXXX", prefix)).string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
        return fail(ErrorKind::Io, fmt::format("cannot create a temporary directory in {}: {}",
                                               where.string(), std::strerror(errno)));
    }
    return TempDir(fs::path(std::move(tmpl)));
}

TempDir::TempDir(TempDir&& other) noexcept
    : m_path(std::move(other.m_path)), m_owned(std::exchange(other.m_owned, false)) {}

TempDir& TempDir::operator=(TempDir&& other) noexcept {
    if (this != &other) {
        remove();
        m_path = std::move(other.m_path);
        m_owned = std::exchange(other.m_owned, false);
    }
    return *this;
}

TempDir::~TempDir() {
    remove();
}

fs::path TempDir::release() {
    m_owned = false;
    return m_path;
}

void TempDir::remove() noexcept {
    if (m_owned && !m_path.empty()) {
        std::error_code ignored;
        fs::remove_all(m_path, ignored);
    }
    m_owned = false;
}

} // namespace kseries
