#include "load/engine/make_load_thread.hpp"

#include "load/engine/curl/curl_thread.hpp"
#include "load/engine/epoll/epoll_thread.hpp"

namespace neuro::load {

std::unique_ptr<LoadThread> make_load_thread(LoadThreadConfig config) {
  if (config.scenario->uses_libcurl()) return std::make_unique<CurlThread>(std::move(config));
  return std::make_unique<EpollThread>(std::move(config));
}

}  // namespace neuro::load
