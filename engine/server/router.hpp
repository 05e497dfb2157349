// The route table: method, path pattern ("/api/v2/sessions/{id}/data"), whether a token is
// required, the body limit, how the body is read, and the handler. The session matches the
// request header against it before reading any body, so limits and auth apply first.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/server/beast.hpp"

namespace neuro::server {

struct ServerContext;

// What a handler sees of a request.
struct RequestContext {
  const StringRequest* request = nullptr;  // null for streamed bodies (header in `header`)
  const http::request_header<>* header = nullptr;
  std::string path;                          // decoded, without the query
  std::map<std::string, std::string> query;  // decoded; a repeated key keeps the last value
  std::vector<std::string> params;           // the {..} segments of the pattern, in order
  std::string user;                          // authenticated user, empty on open routes
  ServerContext* server = nullptr;

  const std::string& param(std::size_t i) const { return params.at(i); }
  // The query value or nullopt.
  std::optional<std::string> query_value(const std::string& key) const;
};

// Receives a streamed request body piece by piece on the connection's strand, then answers
// from a worker thread (finish() may block on disk and the database).
class BodySink {
 public:
  virtual ~BodySink() = default;
  virtual void write(std::string_view bytes) = 0;  // throws ApiError to stop the upload
  virtual StringResponse finish() = 0;
};

enum class BodyMode {
  kNone,      // no body expected (GET); any body is still read up to the limit and ignored
  kBuffered,  // read whole into memory up to body_limit_bytes
  kStreamed,  // handed to a BodySink as it arrives, up to body_limit_bytes
};

enum class Execution {
  kInline,    // cheap: runs on the I/O thread (health, metrics, devices)
  kBlocking,  // touches the database or computes: runs on the handler pool
};

using Handler = std::function<StringResponse(RequestContext&)>;
using StreamHandler = std::function<std::unique_ptr<BodySink>(RequestContext&)>;

struct Route {
  http::verb method = http::verb::get;
  std::string pattern;
  bool auth_required = true;
  std::size_t body_limit_bytes = 1 << 20;
  BodyMode body = BodyMode::kNone;
  Execution execution = Execution::kBlocking;
  Handler handler;           // kNone and kBuffered
  StreamHandler streamed;    // kStreamed
  bool websocket = false;    // an upgrade route: handled by the WebSocket service
  bool needs_store = false;  // answered 503 at once while PostgreSQL is down
};

struct RouteMatch {
  const Route* route = nullptr;  // null: no route for this method and path
  std::size_t index = 0;         // position in the table (metrics label)
  std::vector<std::string> params;
  bool path_known = false;  // some route has this path under another method (405)
};

class Router {
 public:
  void add(Route route);
  RouteMatch match(http::verb method, std::string_view path) const;
  const std::vector<Route>& routes() const noexcept { return routes_; }

 private:
  std::vector<Route> routes_;
};

// "/a/b?x=1&y=%20" -> path "/a/b", query {x: 1, y: " "}. Throws ApiError 400 for bad escapes.
void split_target(std::string_view target, std::string& path,
                  std::map<std::string, std::string>& query);
std::string percent_decode(std::string_view text, bool plus_is_space);

}  // namespace neuro::server
