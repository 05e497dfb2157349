#include "load/engine/curl/curl_easy.hpp"

#include <mutex>

namespace neuro::load {

void ensure_curl_initialized() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool h2c_reuse_broken() {
  ensure_curl_initialized();
  return curl_version_info(CURLVERSION_NOW)->version_num < 0x080000;
}

CurlEasy make_easy(const TargetUrl& target, const TransportOptions& transport, double timeout_s) {
  ensure_curl_initialized();
  CurlEasy easy(curl_easy_init());
  CURL* e = easy.get();
  const long timeout_ms = static_cast<long>(timeout_s * 1000);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
  // The target is the one in the scenario, never an HTTP(S)_PROXY of the environment.
  curl_easy_setopt(e, CURLOPT_NOPROXY, "*");
  // h2c needs prior knowledge: a plain connection has no ALPN to ask with.
  long version = CURL_HTTP_VERSION_1_1;
  if (transport.http2) {
    version = target.tls ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE;
  }
  curl_easy_setopt(e, CURLOPT_HTTP_VERSION, version);
  const bool fresh_h2c = transport.http2 && !target.tls && h2c_reuse_broken();
  if (fresh_h2c) {
    curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
  } else if (transport.http2) {
    // Over HTTP/2 new requests wait for the connection in use and share it (multiplexing)
    // instead of opening one connection each.
    curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
  }
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, transport.tls_verify ? 1L : 0L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, transport.tls_verify ? 2L : 0L);
  if (!transport.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, transport.ca_file.c_str());
  return easy;
}

CurlHeaders set_request(CURL* easy, const Step& step, const TargetUrl& target,
                        const std::string& auth_header, const Variables& vars, std::string& body) {
  const std::string url = target.base_url() + substitute(step.path, vars);
  curl_easy_setopt(easy, CURLOPT_URL, url.c_str());  // copied by libcurl
  // Method: NOBODY first (clearing it resets the request to GET), then GET or a body.
  curl_easy_setopt(easy, CURLOPT_NOBODY, step.method == "HEAD" ? 1L : 0L);
  if (step.has_body()) {
    body = request_body(step, vars);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, body.data());
  } else if (step.method != "HEAD") {
    curl_easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  }
  const bool custom = step.method != "GET" && step.method != "HEAD" && step.method != "POST";
  curl_easy_setopt(
      easy, CURLOPT_CUSTOMREQUEST,
      custom || (step.method == "GET" && step.has_body()) ? step.method.c_str() : nullptr);
  curl_slist* list = nullptr;
  request_header_lines(step, auth_header, vars, [&list](const std::string& line) {
    list = curl_slist_append(list, line.c_str());
  });
  // Send what the epoll engine sends: no Accept, no form Content-Type for an empty POST, and
  // never wait for a "100 Continue" the server may not send.
  for (const char* drop : {"Accept:", "Expect:"}) list = curl_slist_append(list, drop);
  if (step.has_body() && step.content_type.empty()) list = curl_slist_append(list, "Content-Type:");
  curl_easy_setopt(easy, CURLOPT_HTTPHEADER, list);
  return CurlHeaders(list);
}

ErrorKind error_kind_of(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return ErrorKind::kConnect;
    case CURLE_OPERATION_TIMEDOUT:
      return ErrorKind::kTimeout;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_USE_SSL_FAILED:
      return ErrorKind::kTls;
    case CURLE_SEND_ERROR:
    case CURLE_SEND_FAIL_REWIND:
      return ErrorKind::kWrite;
    default:
      // Resets, closes before the end, malformed responses, HTTP/2 stream errors.
      return ErrorKind::kRead;
  }
}

std::string http_version_name(long version) {
  switch (version) {
    case CURL_HTTP_VERSION_1_0:
      return "1.0";
    case CURL_HTTP_VERSION_1_1:
      return "1.1";
    case CURL_HTTP_VERSION_2_0:
      return "2";
    case CURL_HTTP_VERSION_3:
      return "3";
    default:
      return "unknown";
  }
}

}  // namespace neuro::load
