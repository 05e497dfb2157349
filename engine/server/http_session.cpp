#include "engine/server/http_session.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <functional>
#include <limits>

#include "engine/server/api_error.hpp"
#include "engine/server/response_head.hpp"
#include "engine/server/websocket_host.hpp"

namespace neuro::server {

void SessionRegistry::add(HttpSession* session, std::weak_ptr<HttpSession> weak) {
  std::lock_guard lock(mutex_);
  sessions_[session] = std::move(weak);
}
void SessionRegistry::remove(HttpSession* session) {
  std::lock_guard lock(mutex_);
  sessions_.erase(session);
}
std::vector<std::shared_ptr<HttpSession>> SessionRegistry::snapshot() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<HttpSession>> out;
  for (const auto& [raw, weak] : sessions_) {
    if (auto s = weak.lock()) out.push_back(std::move(s));
  }
  return out;
}

HttpSession::HttpSession(tcp::socket&& socket, ServerContext& server)
    : stream_(std::move(socket)), server_(server) {}

HttpSession::~HttpSession() {
  server_.sessions.remove(this);
  if (counted_) server_.metrics.connection_closed();
}

void HttpSession::run() {
  server_.metrics.connection_opened();
  counted_ = true;
  server_.sessions.add(this, weak_from_this());
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    if (static_cast<std::size_t>(self->server_.metrics.open_connections()) >
        self->server_.options.limits.max_connections) {
      self->server_.metrics.connection_rejected();
      self->keep_alive_ = false;
      self->route_index_ = self->server_.metrics.unmatched();
      self->started_ = std::chrono::steady_clock::now();
      self->do_write(error_response(
          http::status::service_unavailable,
          "connection limit reached (" +
              std::to_string(self->server_.options.limits.max_connections) + " open connections)"));
      return;
    }
    self->do_read_header();
  });
}

void HttpSession::close_if_idle() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    if (self->idle_) self->stream_.cancel();
  });
}

void HttpSession::do_read_header() {
  if (server_.draining.load()) return do_close();
  header_parser_.emplace();
  head_request_ = false;
  header_parser_->header_limit(static_cast<std::uint32_t>(server_.options.limits.header_bytes));
  // The route's limit is applied after routing. Not boost::none: Beast 1.74 compares a
  // Content-Length with an empty optional as greater and refuses every body.
  header_parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
  body_parser_.reset();
  stream_parser_.reset();
  sink_.reset();
  route_ = nullptr;
  route_index_ = server_.metrics.unmatched();
  idle_ = buffer_.size() == 0;
  watch(server_.options.limits.idle_timeout);
  http::async_read_header(
      stream_, buffer_, *header_parser_,
      beast::bind_front_handler(&HttpSession::on_read_header, shared_from_this()));
}

void HttpSession::on_read_header(beast::error_code ec, std::size_t) {
  unwatch();
  idle_ = false;
  started_ = std::chrono::steady_clock::now();
  if (ec == http::error::header_limit) {
    keep_alive_ = false;
    return do_write(error_response(
        http::status::request_header_fields_too_large,
        "request header over " + std::to_string(server_.options.limits.header_bytes) + " bytes"));
  }
  if (ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
      ec == beast::error::timeout || ec == net::error::connection_reset || ec == net::error::eof) {
    return do_close();
  }
  if (ec) {
    keep_alive_ = false;
    return do_write(
        error_response(http::status::bad_request, "malformed request: " + ec.message()));
  }
  const auto& header = header_parser_->get();
  head_request_ = header.method() == http::verb::head;
  keep_alive_ = header.keep_alive() && !server_.draining.load();
  request_ = RequestContext{};
  request_.server = &server_;
  request_.header = &header;
  try {
    split_target(to_sv(header.target()), request_.path, request_.query);
  } catch (const ApiError& e) {
    return reject(e.status(), e.what());
  }
  RouteMatch match = server_.router.match(header.method(), request_.path);
  if (!match.route) {
    if (match.path_known) {
      return reject(http::status::method_not_allowed,
                    std::string(header.method_string()) + " is not allowed on " + request_.path);
    }
    return reject(http::status::not_found, "no route for " + request_.path);
  }
  route_ = match.route;
  route_index_ = match.index;
  request_.params = std::move(match.params);

  if (route_->auth_required) {
    auto user = authenticate(route_->websocket);
    if (!user) {
      return reject(http::status::unauthorized,
                    "missing, malformed, expired or forged bearer token");
    }
    request_.user = std::move(*user);
  }
  if (route_->websocket) return hand_over_websocket(request_.user);
  if (route_->needs_store && !server_.health.postgres_up()) {
    return reject(http::status::service_unavailable, "PostgreSQL is unreachable");
  }
  if (header.has_content_length() && header_parser_->content_length() &&
      *header_parser_->content_length() > route_->body_limit_bytes) {
    return reject(http::status::payload_too_large,
                  "body of " + std::to_string(*header_parser_->content_length()) +
                      " bytes is over this route's limit of " +
                      std::to_string(route_->body_limit_bytes));
  }
  if (route_->body == BodyMode::kStreamed) {
    try {
      sink_ = route_->streamed(request_);
    } catch (const std::exception& e) {
      const ApiError error = to_api_error(e);
      return reject(error.status(), error.what());
    }
    stream_parser_.emplace(std::move(*header_parser_));
    stream_parser_->body_limit(route_->body_limit_bytes);
    request_.header = &stream_parser_->get();
    stream_buffer_.resize(1 << 20);
    return do_continue([this] { do_read_stream(); });
  }
  body_parser_.emplace(std::move(*header_parser_));
  body_parser_->body_limit(route_->body_limit_bytes);
  request_.header = &body_parser_->get();
  if (body_parser_->is_done())
    return do_handle(std::make_shared<StringRequest>(body_parser_->release()));
  do_continue([this] { do_read_body(); });
}

void HttpSession::do_continue(const std::function<void()>& next) {
  // A client that sent "Expect: 100-continue" (curl does for large bodies) waits for this
  // before sending the body, or a second without it.
  if (!beast::iequals((*request_.header)[http::field::expect], "100-continue")) return next();
  static constexpr char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
  watch(server_.options.limits.read_timeout);
  net::async_write(stream_, net::buffer(kContinue, sizeof kContinue - 1),
                   [self = shared_from_this(), next](beast::error_code ec, std::size_t) {
                     if (ec) return self->do_close();
                     next();
                   });
}

std::optional<std::string> HttpSession::authenticate(bool allow_query_token) {
  const auto& header = *request_.header;
  const auto it = header.find(http::field::authorization);
  std::string_view token;
  if (it != header.end()) {
    const std::string_view value = to_sv(it->value());
    if (value.size() > 7 && beast::iequals(beast::string_view(value.data(), 7), "Bearer "))
      token = value.substr(7);
  } else if (allow_query_token) {
    if (const auto q = request_.query.find("token"); q != request_.query.end()) token = q->second;
  }
  if (token.empty()) return std::nullopt;
  return server_.tokens.verify(token);
}

void HttpSession::hand_over_websocket(const std::string& user) {
  if (!beast::websocket::is_upgrade(header_parser_->get())) {
    return reject(http::status::upgrade_required, request_.path + " is a WebSocket route");
  }
  if (!server_.websocket || server_.draining.load()) {
    return reject(http::status::service_unavailable, "WebSocket service not available");
  }
  server_.metrics.record(route_index_, 101, std::chrono::steady_clock::now() - started_);
  unwatch();  // the stream is the WebSocket session's now
  server_.websocket->accept(std::move(stream_), header_parser_->release(), user);
}

void HttpSession::do_read_body() {
  watch(server_.options.limits.body_timeout);
  http::async_read(stream_, buffer_, *body_parser_,
                   beast::bind_front_handler(&HttpSession::on_read_body, shared_from_this()));
}

namespace {
// A body the parser refused (a bad chunk header, a chunk size past 64 bits), as opposed to one
// the client stopped sending: the first is answered 400, the second has no one to answer.
bool malformed_body(const beast::error_code& ec) {
  return ec.category() == make_error_code(http::error::bad_chunk).category() &&
         ec != http::error::partial_message && ec != http::error::end_of_stream;
}
}  // namespace

void HttpSession::on_read_body(beast::error_code ec, std::size_t) {
  if (ec == http::error::body_limit) {
    keep_alive_ = false;
    return do_write(error_response(
        http::status::payload_too_large,
        "body over this route's limit of " + std::to_string(route_->body_limit_bytes) + " bytes"));
  }
  if (malformed_body(ec)) {
    keep_alive_ = false;
    return do_write(error_response(http::status::bad_request, "malformed body: " + ec.message()));
  }
  if (ec) return do_close();  // the client went away or stalled mid-body: nothing to answer
  do_handle(std::make_shared<StringRequest>(body_parser_->release()));
}

// A streamed body read in the pieces loopback delivers (a few KB) costs a wake-up, a timer
// re-arm and a strand hop per piece: 55,000 of them for a 153.6 MB upload, most of its time.
// A body of known length is therefore read raw: SO_RCVLOWAT makes the kernel report the socket
// readable once this much has arrived (or the body's rest, so the last piece never waits), and
// each wake-up drains what is there in one recv. Chunked bodies go through Beast's parser.
constexpr std::uint64_t kStreamLowWaterBytes = 256 << 10;

void HttpSession::set_low_water(std::size_t bytes) {
  if (bytes == low_water_bytes_) return;
  const int value = static_cast<int>(bytes);
  if (::setsockopt(stream_.socket().native_handle(), SOL_SOCKET, SO_RCVLOWAT, &value,
                   sizeof value) == 0) {
    low_water_bytes_ = bytes;
  }
}

bool HttpSession::write_to_sink(std::string_view bytes) {
  try {
    if (!bytes.empty()) sink_->write(bytes);
    return true;
  } catch (const std::exception& e) {
    sink_.reset();
    keep_alive_ = false;
    const ApiError error = to_api_error(e);
    do_write(error_response(error.status(), error.what()));
    return false;
  }
}

void HttpSession::start_raw_body() {
  raw_remaining_ = stream_parser_->content_length_remaining().value_or(0);
  // What arrived with the header is in buffer_ already.
  const auto head =
      static_cast<std::size_t>(std::min<std::uint64_t>(buffer_.size(), raw_remaining_));
  if (!write_to_sink({static_cast<const char*>(buffer_.data().data()), head})) return;
  buffer_.consume(head);
  raw_remaining_ -= head;
  wait_raw_body();
}

void HttpSession::wait_raw_body() {
  if (raw_remaining_ == 0) {
    set_low_water(1);
    return do_finish_stream();
  }
  set_low_water(static_cast<std::size_t>(std::min(raw_remaining_, kStreamLowWaterBytes)));
  // Nothing for read_timeout: the watchdog closes the socket, the wait fails and the upload is
  // dropped.
  watch(server_.options.limits.read_timeout);
  stream_.socket().async_wait(
      tcp::socket::wait_read,
      beast::bind_front_handler(&HttpSession::on_raw_body_readable, shared_from_this()));
}

void HttpSession::on_raw_body_readable(beast::error_code ec) {
  unwatch();
  std::size_t got = 0;
  if (!ec) {
    auto& socket = stream_.socket();
    socket.non_blocking(true, ec);
    const auto want =
        static_cast<std::size_t>(std::min<std::uint64_t>(raw_remaining_, stream_buffer_.size()));
    if (!ec) got = socket.read_some(net::buffer(stream_buffer_.data(), want), ec);
    if (ec == net::error::would_block) ec = {};  // a spurious wake-up: wait again
  }
  if (ec) {
    sink_.reset();  // a truncated or stalled upload: the sink removes its partial file
    return do_close();
  }
  if (!write_to_sink({stream_buffer_.data(), got})) return;
  raw_remaining_ -= got;
  wait_raw_body();
}

void HttpSession::do_read_stream() {
  if (!stream_parser_->chunked() && stream_parser_->content_length()) return start_raw_body();
  read_chunked_body();
}

void HttpSession::read_chunked_body() {
  auto& body = stream_parser_->get().body();
  body.data = stream_buffer_.data();
  body.size = stream_buffer_.size();
  watch(server_.options.limits.read_timeout);
  http::async_read(stream_, buffer_, *stream_parser_,
                   beast::bind_front_handler(&HttpSession::on_read_stream, shared_from_this()));
}

void HttpSession::on_read_stream(beast::error_code ec, std::size_t) {
  if (ec == http::error::need_buffer) ec = {};
  if (ec == http::error::body_limit) {
    keep_alive_ = false;
    sink_.reset();
    return do_write(error_response(
        http::status::payload_too_large,
        "body over this route's limit of " + std::to_string(route_->body_limit_bytes) + " bytes"));
  }
  if (ec) {
    sink_.reset();  // a truncated or malformed upload: the sink removes its partial file
    if (!malformed_body(ec)) return do_close();
    keep_alive_ = false;
    return do_write(error_response(http::status::bad_request, "malformed body: " + ec.message()));
  }
  const std::size_t got = stream_buffer_.size() - stream_parser_->get().body().size;
  if (!write_to_sink({stream_buffer_.data(), got})) return;
  if (stream_parser_->is_done()) return do_finish_stream();
  read_chunked_body();
}

void HttpSession::do_finish_stream() {
  unwatch();
  net::post(server_.handler_pool, [self = shared_from_this()] {
    StringResponse response;
    try {
      response = self->sink_->finish();
    } catch (const std::exception& e) {
      const ApiError error = to_api_error(e);
      response = error_response(error.status(), error.what());
    }
    net::post(self->stream_.get_executor(), [self, r = std::move(response)]() mutable {
      self->sink_.reset();
      self->do_write(std::move(r));
    });
  });
}

namespace {
StringResponse run_handler(const Route& route, RequestContext& request) {
  try {
    return route.handler(request);
  } catch (const std::exception& e) {
    const ApiError error = to_api_error(e);
    return error_response(error.status(), error.what());
  }
}
}  // namespace

void HttpSession::do_handle(const std::shared_ptr<StringRequest>& request) {
  request_.request = request.get();
  request_.header = request.get();
  if (route_->execution == Execution::kInline) {
    StringResponse response = run_handler(*route_, request_);
    return do_write(std::move(response));
  }
  unwatch();
  net::post(server_.handler_pool, [self = shared_from_this(), request] {
    StringResponse response = run_handler(*self->route_, self->request_);
    net::post(self->stream_.get_executor(),
              [self, r = std::move(response)]() mutable { self->do_write(std::move(r)); });
  });
}

void HttpSession::reject(http::status status, const std::string& detail) {
  const auto& header = header_parser_->get();
  if (header.chunked() ||
      (header_parser_->content_length() && *header_parser_->content_length() > 0)) {
    keep_alive_ = false;
  }
  do_write(error_response(status, detail));
}

void HttpSession::do_write(StringResponse response) {
  response.version(11);
  response.keep_alive(keep_alive_ && !server_.draining.load());
  response.prepare_payload();
  response_ = std::move(response);
  write_response_head(*response_, head_bytes_);
  // A HEAD answer carries the GET answer's head (its Content-Length too) and no body.
  const std::array<net::const_buffer, 2> bytes{
      net::buffer(head_bytes_),
      head_request_ ? net::const_buffer() : net::buffer(response_->body())};
  watch(server_.options.limits.read_timeout);
  net::async_write(stream_, bytes,
                   beast::bind_front_handler(&HttpSession::on_write, shared_from_this(),
                                             !response_->keep_alive()));
}

void HttpSession::on_write(bool close, beast::error_code ec, std::size_t) {
  unwatch();
  server_.metrics.record(route_index_, response_->result_int(),
                         std::chrono::steady_clock::now() - started_);
  response_.reset();
  if (ec || close) return do_close();
  do_read_header();
}

void HttpSession::watch(std::chrono::steady_clock::duration timeout) {
  watch_until_ = std::chrono::steady_clock::now() + timeout;
  // The watchdog never sleeps longer than the shortest request timeout (arm_watchdog), so a
  // deadline of a request phase is never earlier than its wake-up and needs no re-arm; only a
  // shorter one (the close's drain) re-arms it.
  if (!watchdog_armed_ || watch_until_ < watchdog_->expiry()) arm_watchdog();
}

void HttpSession::arm_watchdog() {
  if (!watchdog_) watchdog_.emplace(stream_.get_executor());
  const auto& limits = server_.options.limits;
  const auto longest_sleep =
      std::min({limits.idle_timeout, limits.read_timeout, limits.body_timeout});
  watchdog_armed_ = true;
  // Moving the expiry cancels a wait still pending (its handler sees operation_aborted).
  watchdog_->expires_at(std::min(watch_until_, std::chrono::steady_clock::now() + longest_sleep));
  // A weak pointer: the watchdog must not keep a finished connection alive until it wakes.
  watchdog_->async_wait([weak = weak_from_this()](beast::error_code ec) {
    if (auto self = weak.lock()) self->on_watchdog(ec);
  });
}

void HttpSession::on_watchdog(beast::error_code ec) {
  if (ec == net::error::operation_aborted) return;  // re-armed (a newer wait is pending)
  watchdog_armed_ = false;
  if (ec || watch_until_ == std::chrono::steady_clock::time_point::max()) return;
  if (std::chrono::steady_clock::now() < watch_until_) return arm_watchdog();  // moved on
  beast::error_code ignored;
  stream_.socket().close(ignored);  // the operation pending fails; its handler closes up
}

void HttpSession::do_close() {
  // Half-close, then read and drop what the peer still sends until it closes too (or a
  // second passes): closing with unread bytes would reset the connection, and the peer could
  // lose the answer it has not read yet (e.g. a 413 sent before its body).
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) {
    stream_.socket().close(ec);
    return;
  }
  stream_buffer_.resize(64 << 10);
  watch(std::chrono::seconds(1));
  do_drain();
}

void HttpSession::do_drain() {
  stream_.async_read_some(net::buffer(stream_buffer_),
                          [self = shared_from_this()](beast::error_code ec, std::size_t) {
                            if (ec) {
                              beast::error_code ignored;
                              self->stream_.socket().close(ignored);
                              return;
                            }
                            self->do_drain();
                          });
}

}  // namespace neuro::server
