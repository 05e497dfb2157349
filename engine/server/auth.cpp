#include "engine/server/auth.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "engine/base/errors.hpp"

namespace neuro::server {

namespace {
constexpr std::string_view kScheme = "pbkdf2-sha256";
constexpr std::string_view kBase64Url =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    throw base::Error(base::ExitCode::kBadInput, "auth: OpenSSL RAND_bytes failed");
  }
  return out;
}
}  // namespace

std::int64_t unix_now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string pbkdf2_sha256(std::string_view password, std::string_view salt, int iterations) {
  std::string out(32, '\0');
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()),
                        static_cast<int>(salt.size()), iterations, EVP_sha256(),
                        static_cast<int>(out.size()),
                        reinterpret_cast<unsigned char*>(out.data())) != 1) {
    throw base::InvalidArgument("auth: PBKDF2 failed (iterations " + std::to_string(iterations) +
                                ")");
  }
  return out;
}

PasswordHash hash_password(std::string_view password, int iterations) {
  PasswordHash h;
  h.iterations = iterations;
  h.salt = random_bytes(16);
  h.hash = pbkdf2_sha256(password, h.salt, iterations);
  return h;
}

std::string users_file_line(std::string_view name, const PasswordHash& hash) {
  return std::string(name) + " " + std::string(kScheme) + " " + std::to_string(hash.iterations) +
         " " + to_hex(hash.salt) + " " + to_hex(hash.hash);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

UserStore UserStore::load(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw base::InvalidArgument("users file " + path.string() + ": cannot be read");
  UserStore store;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const std::size_t hash_mark = line.find('#');
    if (hash_mark != std::string::npos) line.resize(hash_mark);
    std::istringstream fields(line);
    std::string name, scheme, iterations, salt, hash, extra;
    if (!(fields >> name)) continue;  // blank or comment
    const std::string where = path.string() + ":" + std::to_string(number) + ": ";
    if (!(fields >> scheme >> iterations >> salt >> hash) || (fields >> extra)) {
      throw base::InvalidArgument(where + "expected NAME pbkdf2-sha256 ITERATIONS SALT HASH");
    }
    if (scheme != kScheme) {
      throw base::InvalidArgument(std::string(where).append("unknown scheme '").append(scheme) +
                                  "'");
    }
    PasswordHash h;
    try {
      h.iterations = std::stoi(iterations);
    } catch (const std::exception&) {
      h.iterations = 0;
    }
    if (h.iterations < 1) throw base::InvalidArgument(where + "bad iteration count");
    auto s = from_hex(salt);
    auto d = from_hex(hash);
    if (!s || !d || d->size() != 32) {
      throw base::InvalidArgument(where + "salt and hash must be hex (hash 32 bytes)");
    }
    h.salt = *s;
    h.hash = *d;
    store.add(name, h);
  }
  if (store.size() == 0) throw base::InvalidArgument("users file " + path.string() + ": no users");
  return store;
}

void UserStore::add(std::string name, PasswordHash hash) {
  users_[std::move(name)] = std::move(hash);
}

bool UserStore::verify(std::string_view name, std::string_view password) const {
  const auto it = users_.find(name);
  if (it == users_.end()) {
    // Same work as a real check, so a missing name is not faster.
    const PasswordHash& any = users_.begin()->second;
    (void)pbkdf2_sha256(password, any.salt, any.iterations);
    return false;
  }
  const PasswordHash& h = it->second;
  return constant_time_equal(pbkdf2_sha256(password, h.salt, h.iterations), h.hash);
}

TokenSigner::TokenSigner(std::string secret, std::chrono::seconds lifetime)
    : secret_(std::move(secret)), lifetime_(lifetime) {
  if (secret_.size() < 16) throw base::InvalidArgument("token secret: at least 16 bytes needed");
  if (lifetime_.count() <= 0) throw base::InvalidArgument("token lifetime must be positive");
}

std::string TokenSigner::sign(std::string_view payload) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), mac, &length);
  return base64url_encode(std::string_view(reinterpret_cast<const char*>(mac), length));
}

std::string TokenSigner::issue(std::string_view user, std::int64_t now_unix_s) const {
  const std::string payload =
      base64url_encode(user) + "." + std::to_string(now_unix_s + lifetime_.count());
  return payload + "." + sign(payload);
}
std::string TokenSigner::issue(std::string_view user) const { return issue(user, unix_now_s()); }

std::optional<std::string> TokenSigner::verify(std::string_view token,
                                               std::int64_t now_unix_s) const {
  const std::size_t last = token.rfind('.');
  if (last == std::string_view::npos) return std::nullopt;
  const std::string_view payload = token.substr(0, last);
  if (!constant_time_equal(sign(payload), token.substr(last + 1))) return std::nullopt;
  const std::size_t dot = payload.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  std::int64_t expiry = 0;
  const std::string_view digits = payload.substr(dot + 1);
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    expiry = expiry * 10 + (c - '0');
  }
  if (expiry <= now_unix_s) return std::nullopt;
  return base64url_decode(payload.substr(0, dot));
}
std::optional<std::string> TokenSigner::verify(std::string_view token) const {
  return verify(token, unix_now_s());
}

std::string load_or_create_secret(const std::filesystem::path& dir) {
  const auto path = dir / "token_secret";
  {
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::string secret((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      if (secret.size() >= 16) return secret;
    }
  }
  std::string secret = random_bytes(32);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0 || ::write(fd, secret.data(), secret.size()) != static_cast<ssize_t>(secret.size()) ||
      ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    throw base::Error(base::ExitCode::kBadInput,
                      "token secret " + path.string() + ": cannot be written");
  }
  ::close(fd);
  return secret;
}

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kBase64Url[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(kBase64Url[(acc << (6 - bits)) & 63]);
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const std::size_t v = kBase64Url.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return out;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::optional<std::string> from_hex(std::string_view text) {
  if (text.size() % 2) return std::nullopt;
  std::string out;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    auto v = [](char c) {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    const int hi = v(text[i]), lo = v(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return out;
}

}  // namespace neuro::server
