#include "load/engine/make_load_thread.hpp"

#include "load/engine/curl/curl_transport.hpp"
#include "load/engine/epoll/epoll_transport.hpp"
#include "load/engine/epoll/ws_transport.hpp"
#include "load/engine/user_driver.hpp"

namespace neuro::load {

std::unique_ptr<LoadThread> make_load_thread(LoadThreadConfig config) {
  std::unique_ptr<Transport> transport;
  if (config.scenario->uses_websocket()) {
    transport = std::make_unique<WsTransport>();
  } else if (config.scenario->uses_libcurl()) {
    transport = std::make_unique<CurlTransport>();
  } else {
    transport = std::make_unique<EpollTransport>();
  }
  return std::make_unique<UserDriver>(std::move(config), std::move(transport));
}

}  // namespace neuro::load
