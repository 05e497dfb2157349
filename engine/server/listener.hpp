// Accepts connections and starts an HttpSession for each, on a strand of its own.
#pragma once

#include <memory>

#include "engine/server/beast.hpp"
#include "engine/server/context.hpp"

namespace neuro::server {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Binds and listens; throws base::Error (kBadInput) naming the address when it cannot.
  Listener(net::io_context& io, tcp::endpoint endpoint, ServerContext& server);
  void run();
  void stop();  // closes the acceptor (from any thread)
  unsigned short port() const { return port_; }

 private:
  void do_accept();
  void on_accept(beast::error_code ec, tcp::socket socket);

  net::io_context& io_;
  tcp::acceptor acceptor_;
  ServerContext& server_;
  unsigned short port_ = 0;
};

}  // namespace neuro::server
