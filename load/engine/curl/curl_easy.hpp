// libcurl glue shared by the libcurl transport (curl_transport) and the blocking auth step
// (curl_exchange): owners for the C handles, one easy handle's transport settings, a step's
// request on an easy handle, and libcurl's outcomes as the runner's error kinds.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>

#include "load/engine/transport_options.hpp"
#include "load/http/http_request.hpp"
#include "load/results/request_stats.hpp"

namespace neuro::load {

struct CurlEasyDeleter {
  void operator()(CURL* e) const { curl_easy_cleanup(e); }
};
struct CurlMultiDeleter {
  void operator()(CURLM* m) const { curl_multi_cleanup(m); }
};
struct CurlListDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlEasy = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlMulti = std::unique_ptr<CURLM, CurlMultiDeleter>;
using CurlHeaders = std::unique_ptr<curl_slist, CurlListDeleter>;

// curl_global_init once per process, before the first handle (it is not safe to race).
void ensure_curl_initialized();

// Whether this libcurl fails when it reuses an h2c (prior-knowledge HTTP/2 over http://)
// connection: curl issue #10634, fixed in 8.0.0; Debian 12 has 7.88.1. Then every h2c
// request opens its own connection, and the result document says so.
bool h2c_reuse_broken();

// A new easy handle with the settings every request of a run shares: HTTP version, TLS
// verification, timeouts, no signals (threads), no proxy from the environment, TCP_NODELAY.
CurlEasy make_easy(const TargetUrl& target, const TransportOptions& transport, double timeout_s);

// Points `easy` at one request of `step` (method, URL, header lines, body). The returned list
// must outlive the transfer, and so must `body`, which receives the body as sent (its
// ${variables} substituted).
CurlHeaders set_request(CURL* easy, const Step& step, const TargetUrl& target,
                        const std::string& auth_header, const Variables& vars, std::string& body);

// A failed transfer's CURLcode as a counted error kind (TLS problems as kTls).
ErrorKind error_kind_of(CURLcode code);

// CURLINFO_HTTP_VERSION's value as "1.0", "1.1", "2" or "3".
std::string http_version_name(long version);

}  // namespace neuro::load
