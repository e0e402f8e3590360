// The smallest bytes that read as an x86-64 ELF file (its 64-byte header):
// what a fake make writes as the module it "built", for the flows that
// check a module's architecture.
#pragma once

#include <string>

namespace kseries::test {

inline std::string elf_x86_64() {
    std::string h(64, '\0');
    h.replace(0, 4,
              "\x7f"
              "ELF");
    h[4] = 2;   // ELFCLASS64
    h[5] = 1;   // little-endian
    h[18] = 62; // EM_X86_64
    return h;
}

} // namespace kseries::test
