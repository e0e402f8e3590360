// SHA-256 through librpm, against the FIPS 180-2 test vectors.
#include <fcntl.h>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>

#include <kseries/fetch/digest.hpp>
#include <kseries/util/fd.hpp>

#include "temp_dir.hpp"

using namespace kseries;

namespace {

std::string sha256_of(const std::string& content) {
    const test::TempDir dir;
    dir.write("f", content);
    const UniqueFd fd(::open((dir.path() / "f").c_str(), O_RDONLY | O_CLOEXEC));
    auto sha = fetch::sha256_of_fd(fd.get(), "f");
    return sha ? *sha : "error: " + sha.error().message();
}

TEST(FetchDigest, KnownVectors) {
    EXPECT_EQ(sha256_of(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_of("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(FetchDigest, MoreThanOneReadBuffer) {
    // One million 'a's: the third FIPS vector, read in many pieces.
    EXPECT_EQ(sha256_of(std::string(1000000, 'a')),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(FetchDigest, ReadsFromTheStartWhateverTheOffset) {
    const test::TempDir dir;
    dir.write("f", "abc");
    const UniqueFd fd(::open((dir.path() / "f").c_str(), O_RDONLY | O_CLOEXEC));
    ASSERT_EQ(::lseek(fd.get(), 2, SEEK_SET), 2);
    auto sha = fetch::sha256_of_fd(fd.get(), "f");
    ASSERT_TRUE(sha);
    EXPECT_EQ(*sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(FetchDigest, AnUnreadableDescriptorIsAnError) {
    auto sha = fetch::sha256_of_fd(-1, "nothing");
    ASSERT_FALSE(sha);
    EXPECT_NE(sha.error().message().find("nothing"), std::string::npos);
}

} // namespace
