#include "engine/server/auth.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <filesystem>
#include <fstream>

#include "engine/base/errors.hpp"

namespace neuro::server {
namespace {

TEST(Auth, Pbkdf2MatchesRfc7914TestVector) {
  // RFC 7914 section 11: PBKDF2-HMAC-SHA256("passwd", "salt", 1, 64); first 32 bytes.
  EXPECT_EQ(to_hex(pbkdf2_sha256("passwd", "salt", 1)),
            "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc");
}

TEST(Auth, UsersFileVerifiesOnlyTheRightPassword) {
  const auto path = std::filesystem::temp_directory_path() / "neuroperf_auth_test_users.txt";
  {
    std::ofstream out(path);
    out << "# comment\n\n" << users_file_line("alice", hash_password("s3cret", 1000)) << "\n";
  }
  const UserStore users = UserStore::load(path);
  EXPECT_TRUE(users.verify("alice", "s3cret"));
  EXPECT_FALSE(users.verify("alice", "s3cret "));
  EXPECT_FALSE(users.verify("bob", "s3cret"));
  {
    std::ofstream out(path);
    out << "alice pbkdf2-sha256 1000 zz 00\n";
  }
  EXPECT_THROW(UserStore::load(path), base::InvalidArgument);
  std::filesystem::remove(path);
}

TEST(Auth, ShippedUsersFileHasDocumentedAccounts) {
  const UserStore users = UserStore::load(std::filesystem::path(NEURO_FIXTURES_DIR) / "users.txt");
  EXPECT_EQ(users.size(), 14u);
  EXPECT_TRUE(users.verify("test_user", "test_pass"));
  EXPECT_TRUE(users.verify("clinician_9", "test_pass"));
  EXPECT_TRUE(users.verify("test@example.com", "password"));
  EXPECT_FALSE(users.verify("test_user", "password"));
}

TEST(Auth, TokensExpireAndCannotBeForged) {
  const TokenSigner signer("0123456789abcdef", std::chrono::seconds(60));
  const std::string token = signer.issue("test@example.com", 1000);
  EXPECT_EQ(signer.verify(token, 1059), "test@example.com");
  EXPECT_EQ(signer.verify(token, 1060), std::nullopt);
  const TokenSigner other("fedcba9876543210", std::chrono::seconds(60));
  EXPECT_EQ(other.verify(token, 1000), std::nullopt);
  std::string changed = token;
  changed[token.find('.') + 1] = '9';  // a later expiry, same signature
  EXPECT_EQ(signer.verify(changed, 1000), std::nullopt);
  EXPECT_EQ(signer.verify("", 0), std::nullopt);
  EXPECT_EQ(signer.verify("a.b", 0), std::nullopt);
  EXPECT_THROW(TokenSigner("short", std::chrono::seconds(1)), base::InvalidArgument);
}

TEST(Auth, Base64UrlRoundTrips) {
  for (const std::string s : {"", "a", "ab", "abc", "abcd", "\xff\x00\x10"}) {
    EXPECT_EQ(base64url_decode(base64url_encode(s)), s);
  }
  EXPECT_EQ(base64url_decode("***"), std::nullopt);
}

}  // namespace
}  // namespace neuro::server
