#include "benchmarks/bench_http/http_client.hpp"

#include <cstdlib>

namespace neuro::bench::http_bench {

TargetUrl parse_target(const std::string& url) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) {
    throw base::InvalidArgument("NEUROPERF_TARGET_URL '" + url +
                                "': expected http://HOST[:PORT] (no TLS in bench_http)");
  }
  std::string rest = url.substr(scheme.size());
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.empty() || rest.find('/') != std::string::npos) {
    throw base::InvalidArgument("NEUROPERF_TARGET_URL '" + url +
                                "': expected http://HOST[:PORT] without a path");
  }
  TargetUrl t;
  t.url = scheme + rest;
  const auto colon = rest.rfind(':');
  t.host = colon == std::string::npos ? rest : rest.substr(0, colon);
  t.port = colon == std::string::npos ? "80" : rest.substr(colon + 1);
  if (t.host.empty() || t.port.empty() ||
      t.port.find_first_not_of("0123456789") != std::string::npos) {
    throw base::InvalidArgument("NEUROPERF_TARGET_URL '" + url + "': bad host or port");
  }
  return t;
}

TargetUrl target_from_env() {
  const char* url = std::getenv("NEUROPERF_TARGET_URL");
  return parse_target(url != nullptr && *url != '\0' ? url : "http://127.0.0.1:8000");
}

namespace {
// Runs the io_context until `done` or the timeout; on timeout cancels the stream's operations.
template <typename Done>
void run_until(net::io_context& io, beast::tcp_stream& stream, std::chrono::milliseconds timeout,
               const Done& done) {
  io.restart();
  stream.expires_after(timeout);
  while (!done() && io.run_one() > 0) {
  }
}
}  // namespace

HttpClient::HttpClient(TargetUrl target, std::chrono::milliseconds timeout)
    : target_(std::move(target)), timeout_(timeout) {
  connect();
}

void HttpClient::connect() {
  beast::error_code ec;
  tcp::resolver resolver(io_);
  const auto endpoints = resolver.resolve(target_.host, target_.port, ec);
  if (ec) throw Unreachable(target_.url + ": cannot resolve: " + ec.message());
  stream_.emplace(io_);
  bool connected = false;
  stream_->async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) {
    ec = e;
    connected = true;
  });
  run_until(io_, *stream_, timeout_, [&] { return connected; });
  if (ec) throw Unreachable(target_.url + ": " + ec.message());
  stream_->socket().set_option(tcp::no_delay(true), ec);
  buffer_.clear();
  open_ = true;
}

Request HttpClient::make(http::verb method, const std::string& target, std::string body,
                         const std::string& content_type) const {
  Request request{method, target, 11};
  request.set(http::field::host, target_.host);
  request.keep_alive(true);
  if (!token_.empty()) request.set(http::field::authorization, "Bearer " + token_);
  if (!content_type.empty()) request.set(http::field::content_type, content_type);
  request.body() = std::move(body);
  if (!request.body().empty() || method == http::verb::post) request.prepare_payload();
  return request;
}

Response HttpClient::exchange(const Request& request) {
  beast::error_code ec;
  bool written = false;
  http::async_write(*stream_, request, [&](beast::error_code e, std::size_t) {
    ec = e;
    written = true;
  });
  run_until(io_, *stream_, timeout_, [&] { return written; });
  if (ec) throw beast::system_error(ec);
  http::response_parser<http::string_body> parser;
  parser.body_limit(256u << 20);
  bool read = false;
  http::async_read(*stream_, buffer_, parser, [&](beast::error_code e, std::size_t) {
    ec = e;
    read = true;
  });
  run_until(io_, *stream_, timeout_, [&] { return read; });
  if (ec) throw beast::system_error(ec);
  auto& message = parser.get();
  Response response;
  response.status = message.result_int();
  response.content_type = std::string(message[http::field::content_type]);
  response.body = std::move(message.body());
  if (!message.keep_alive()) open_ = false;
  return response;
}

Response HttpClient::send(const Request& request) {
  for (int attempt = 0;; ++attempt) {
    if (!open_) connect();
    try {
      return exchange(request);
    } catch (const beast::system_error& e) {
      open_ = false;
      // A kept-alive connection the server closed in the meantime: one fresh try.
      const bool stale = e.code() == http::error::end_of_stream ||
                         e.code() == net::error::connection_reset ||
                         e.code() == net::error::broken_pipe || e.code() == net::error::eof;
      if (attempt == 0 && stale) continue;
      throw Unreachable(target_.url + std::string(request.target()) + ": " + e.code().message());
    }
  }
}

std::string multipart_body(const std::vector<FormField>& fields, const std::string& boundary) {
  std::string out;
  std::size_t size = 0;
  for (const auto& f : fields) size += f.value.size() + 200;
  out.reserve(size);
  for (const auto& f : fields) {
    out += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.name + "\"";
    if (!f.content_type.empty())
      out += "; filename=\"" + f.name + "\"\r\nContent-Type: " + f.content_type;
    out += "\r\n\r\n";
    out += f.value;
    out += "\r\n";
  }
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace neuro::bench::http_bench
