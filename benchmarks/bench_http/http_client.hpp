// A small blocking HTTP/1.1 client on Boost.Beast for bench_http: one kept-alive connection,
// re-opened when the server closes it, every operation bounded by a timeout. The target is
// NEUROPERF_TARGET_URL (http://host:port, default the embedded server on 127.0.0.1:8000).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "engine/base/errors.hpp"

namespace neuro::bench::http_bench {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct TargetUrl {
  std::string url;  // as given, without a trailing '/'
  std::string host;
  std::string port;
};

// NEUROPERF_TARGET_URL, else http://127.0.0.1:8000. Throws base::InvalidArgument for a URL
// that is not http://HOST[:PORT] (https needs TLS, which this client does not speak).
TargetUrl target_from_env();
TargetUrl parse_target(const std::string& url);

// Thrown when the target cannot be reached (refused, timed out, connection lost): the
// benchmarks turn it into "service unavailable".
class Unreachable : public base::Error {
 public:
  explicit Unreachable(const std::string& message)
      : base::Error(base::ExitCode::kUnreachable, message) {}
};

struct Response {
  unsigned status = 0;
  std::string body;
  std::string content_type;
};

using Request = http::request<http::string_body>;

class HttpClient {
 public:
  // Connects at once; throws Unreachable.
  explicit HttpClient(TargetUrl target,
                      std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // A request with Host, keep-alive and (when set) the bearer token filled in.
  Request make(http::verb method, const std::string& target, std::string body = "",
               const std::string& content_type = "") const;
  // Sends and reads the answer (body up to 256 MiB). A connection the server closed since the
  // last answer is re-opened and the request sent once more. Throws Unreachable.
  Response send(const Request& request);
  Response get(const std::string& target) { return send(make(http::verb::get, target)); }

  void set_token(std::string token) { token_ = std::move(token); }
  const std::string& token() const { return token_; }
  const TargetUrl& target() const { return target_; }

 private:
  void connect();
  Response exchange(const Request& request);

  TargetUrl target_;
  std::chrono::milliseconds timeout_;
  net::io_context io_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  bool open_ = false;
  std::string token_;
};

// A multipart/form-data body: (name, value, content type or "" for a plain field).
struct FormField {
  std::string name;
  std::string value;
  std::string content_type;
};
std::string multipart_body(const std::vector<FormField>& fields, const std::string& boundary);

}  // namespace neuro::bench::http_bench
