// The load thread a scenario runs on: the user model (UserDriver) over libcurl when it needs
// TLS or HTTP/2 (Scenario::uses_libcurl), else over the faster epoll transport.
#pragma once

#include <memory>

#include "load/engine/load_thread.hpp"

namespace neuro::load {

std::unique_ptr<LoadThread> make_load_thread(LoadThreadConfig config);

}  // namespace neuro::load
