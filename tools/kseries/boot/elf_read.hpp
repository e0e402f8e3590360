// Reading ELF structures out of a file's bytes that may be truncated or
// hostile (boot/elf_closure.cpp, boot/kernel_modules.cpp): no offset the
// file holds is trusted.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

namespace kseries::boot::detail {

// A T at `offset` of `bytes` when it fits.
template <typename T>
std::optional<T> read_at(std::string_view bytes, std::uint64_t offset) {
    if (offset > bytes.size() || bytes.size() - offset < sizeof(T)) {
        return std::nullopt;
    }
    T value;
    std::memcpy(&value, bytes.data() + offset, sizeof(T));
    return value;
}

} // namespace kseries::boot::detail
