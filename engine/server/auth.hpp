// Who may call the API: a users file of PBKDF2-HMAC-SHA256 password hashes (OpenSSL), and
// bearer tokens "user.expiry.signature" signed with HMAC-SHA256, compared in constant time.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace neuro::server {

struct PasswordHash {
  int iterations = 0;
  std::string salt;  // raw bytes
  std::string hash;  // raw bytes, 32 (SHA-256 output)
};

// PBKDF2-HMAC-SHA256 of `password` with this salt and iteration count, 32 bytes.
std::string pbkdf2_sha256(std::string_view password, std::string_view salt, int iterations);
// A fresh random salt (16 bytes) and the hash: for writing users files.
PasswordHash hash_password(std::string_view password, int iterations);
// "NAME pbkdf2-sha256 ITERATIONS SALT_HEX HASH_HEX", one users-file line.
std::string users_file_line(std::string_view name, const PasswordHash& hash);

// Equal length and bytes, in time independent of where they differ.
bool constant_time_equal(std::string_view a, std::string_view b);

class UserStore {
 public:
  // Lines "NAME pbkdf2-sha256 ITERATIONS SALT_HEX HASH_HEX"; '#' starts a comment. Throws
  // base::InvalidArgument naming the file and line for anything else.
  static UserStore load(const std::filesystem::path& path);
  void add(std::string name, PasswordHash hash);

  // True when the user exists and the password matches. An unknown user still costs one
  // PBKDF2, so timing does not tell which names exist.
  bool verify(std::string_view name, std::string_view password) const;
  std::size_t size() const noexcept { return users_.size(); }

 private:
  std::map<std::string, PasswordHash, std::less<>> users_;
};

class TokenSigner {
 public:
  // `secret` at least 16 bytes (throws base::InvalidArgument otherwise).
  TokenSigner(std::string secret, std::chrono::seconds lifetime);

  // A token for `user` that expires `lifetime` after `now` (Unix seconds).
  std::string issue(std::string_view user, std::int64_t now_unix_s) const;
  std::string issue(std::string_view user) const;
  // The user when the token is well formed, correctly signed and not expired at `now`.
  std::optional<std::string> verify(std::string_view token, std::int64_t now_unix_s) const;
  std::optional<std::string> verify(std::string_view token) const;

  std::chrono::seconds lifetime() const noexcept { return lifetime_; }

 private:
  std::string sign(std::string_view payload) const;
  std::string secret_;
  std::chrono::seconds lifetime_;
};

// The token secret kept in `dir`/token_secret (created with 32 random bytes, mode 0600, when
// missing), so tokens stay valid across restarts. Throws base::Error naming the file.
std::string load_or_create_secret(const std::filesystem::path& dir);

std::string base64url_encode(std::string_view bytes);
std::optional<std::string> base64url_decode(std::string_view text);
std::string to_hex(std::string_view bytes);
std::optional<std::string> from_hex(std::string_view text);

std::int64_t unix_now_s();

}  // namespace neuro::server
