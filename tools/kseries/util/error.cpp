#include <fmt/format.h>

#include <kseries/util/error.hpp>

namespace kseries {

std::string Error::to_string() const {
    if (m_location.file.empty()) {
        return m_message;
    }
    if (m_location.line == 0) {
        return fmt::format("{}: {}", m_location.file, m_message);
    }
    return fmt::format("{}:{}: {}", m_location.file, m_location.line, m_message);
}

Error Error::with_context(std::string_view what) const {
    return {m_kind, fmt::format("{}: {}", what, m_message), m_location};
}

} // namespace kseries
