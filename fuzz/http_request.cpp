// Fuzz harness: one request's bytes through everything the engine server does before a handler
// runs, in the session's order: Beast's parser with the server's header limit, target splitting
// and percent decoding, the real route table's match, the bearer token check, the route's body
// limit, and the body parsers a handler would call first (JSON, multipart). The bytes are fed in
// two pieces, cut where the first byte says, so incremental parsing is exercised as well.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/base/errors.hpp"
#include "engine/server/api_error.hpp"
#include "engine/server/auth.hpp"
#include "engine/server/handlers/common.hpp"
#include "engine/server/handlers/handlers.hpp"
#include "engine/server/multipart.hpp"
#include "engine/server/options.hpp"
#include "engine/server/router.hpp"

namespace {

using namespace neuro::server;

const Limits& limits() {
  static const Limits value;
  return value;
}
const Router& router() {
  static const Router value = handlers::make_router(limits());
  return value;
}
const TokenSigner& signer() {
  static const TokenSigner value("fuzz-secret-of-32-bytes-or-more!", std::chrono::hours(1));
  return value;
}

std::string_view sv(beast::string_view s) { return {s.data(), s.size()}; }

// Feeds `arrived` to the parser after the bytes it left unconsumed before (`pending`), as the
// session's flat buffer does: after need_more Beast expects the same bytes again, followed by the
// new ones. False when the parser refused them (the session answers 400).
template <class Parser>
bool feed(Parser& parser, std::string& pending, std::string_view arrived) {
  pending.append(arrived);
  while (!pending.empty() && !parser.is_done()) {
    beast::error_code ec;
    const std::size_t used = parser.put(net::buffer(pending.data(), pending.size()), ec);
    pending.erase(0, used);
    if (ec == http::error::need_more) return true;
    if (ec) return false;
    if (used == 0) return true;
  }
  return true;
}

void after_routing(const Route& route, http::request_parser<http::string_body>& parser,
                   RequestContext& request) {
  const auto& header = parser.get();
  if (route.auth_required) {
    const auto it = header.find(http::field::authorization);
    if (it != header.end()) {
      const std::string_view value = sv(it->value());
      if (value.size() > 7) (void)signer().verify(value.substr(7));
    } else if (const auto q = request.query.find("token"); q != request.query.end()) {
      (void)signer().verify(q->second);
    }
  }
  if (!parser.is_done() || route.body != BodyMode::kBuffered) return;
  if (parser.get().body().size() > route.body_limit_bytes) return;  // answered 413
  const std::string& body = parser.get().body();
  if (const auto boundary = multipart_boundary(sv(header[http::field::content_type]))) {
    const auto parts = parse_multipart(body, *boundary);
    (void)find_part(parts, "data");
    return;
  }
  StringRequest whole = parser.get();
  request.request = &whole;
  (void)handlers::json_body(request);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::size_t cut = size == 0 ? 0 : static_cast<std::uint8_t>(bytes[0]) % (size + 1);
  http::request_parser<http::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(limits().header_bytes));
  parser.body_limit(limits().json_body_bytes);
  parser.eager(true);
  std::string pending;
  if (!feed(parser, pending, bytes.substr(0, cut)) || !feed(parser, pending, bytes.substr(cut)))
    return 0;
  if (!parser.is_header_done()) return 0;
  try {
    RequestContext request;
    request.header = &parser.get();
    split_target(sv(parser.get().target()), request.path, request.query);
    RouteMatch match = router().match(parser.get().method(), request.path);
    if (!match.route) return 0;
    request.params = std::move(match.params);
    after_routing(*match.route, parser, request);
  } catch (const ApiError&) {
    // A 4xx answer: what hostile input must get.
  } catch (const neuro::base::InvalidArgument&) {
    // Turned into 400 by the session.
  }
  return 0;
}
