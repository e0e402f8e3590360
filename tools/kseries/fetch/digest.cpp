#include <kseries/fetch/digest.hpp>

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <rpm/rpmcrypto.h>
#include <unistd.h>
#include <utility>

namespace kseries::fetch {

namespace {

// A digest context that librpm frees when it is finalised.
class Sha256 {
public:
    Sha256() {
        static std::once_flag init;
        std::call_once(init, [] { (void)rpmInitCrypto(); });
        m_ctx = rpmDigestInit(RPM_HASH_SHA256, RPMDIGEST_NONE);
    }
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    Sha256(Sha256&&) = delete;
    Sha256& operator=(Sha256&&) = delete;
    ~Sha256() {
        if (m_ctx != nullptr) {
            (void)rpmDigestFinal(m_ctx, nullptr, nullptr, 0);
        }
    }

    void update(const void* data, std::size_t size) { (void)rpmDigestUpdate(m_ctx, data, size); }

    std::string hex() {
        void* out = nullptr;
        (void)rpmDigestFinal(std::exchange(m_ctx, nullptr), &out, nullptr, 1);
        const std::unique_ptr<void, decltype(&std::free)> owned(out, &std::free);
        return out == nullptr ? std::string{} : std::string(static_cast<const char*>(out));
    }

private:
    DIGEST_CTX m_ctx = nullptr;
};

} // namespace

Expected<std::string> sha256_of_fd(int fd, std::string_view name) {
    Sha256 digest;
    std::array<char, 1 << 16> buffer{};
    off_t offset = 0;
    for (;;) {
        const ssize_t n = ::pread(fd, buffer.data(), buffer.size(), offset);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return fail(ErrorKind::Io, fmt::format("cannot read {}: {}", name, std::strerror(errno)));
        }
        if (n == 0) {
            break;
        }
        digest.update(buffer.data(), static_cast<std::size_t>(n));
        offset += n;
    }
    std::string hex = digest.hex();
    if (hex.size() != 64) {
        return fail(ErrorKind::Internal, "librpm cannot compute a SHA-256 digest");
    }
    return hex;
}

} // namespace kseries::fetch
