#include "load/engine/curl/curl_exchange.hpp"

#include "engine/base/errors.hpp"
#include "load/engine/curl/curl_easy.hpp"

namespace neuro::load {
namespace {

std::size_t append_body(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

}  // namespace

Exchange curl_exchange_once(const TargetUrl& target, const TransportOptions& transport,
                            const Step& step, double timeout_s) {
  Exchange out;
  CurlEasy easy = make_easy(target, transport, timeout_s);
  std::string body;
  const CurlHeaders headers = set_request(easy.get(), step, target, "", {}, body);
  char reason[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(easy.get(), CURLOPT_ERRORBUFFER, reason);
  curl_easy_setopt(easy.get(), CURLOPT_WRITEFUNCTION, &append_body);
  curl_easy_setopt(easy.get(), CURLOPT_WRITEDATA, &out.body);
  const CURLcode rc = curl_easy_perform(easy.get());
  if (rc != CURLE_OK) {
    std::string what = target.base_url() + step.path + ": " +
                       (reason[0] ? std::string(reason) : curl_easy_strerror(rc));
    if (error_kind_of(rc) == ErrorKind::kTls && transport.tls_verify) {
      what += " (a self-signed server needs tls_verify: false, --insecure or ca_file)";
    }
    throw base::Error(base::ExitCode::kUnreachable, what);
  }
  long status = 0;
  curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status);
  out.status = static_cast<int>(status);
  return out;
}

}  // namespace neuro::load
