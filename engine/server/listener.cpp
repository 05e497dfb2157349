#include "engine/server/listener.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "engine/base/errors.hpp"
#include "engine/server/http_session.hpp"

namespace neuro::server {

Listener::Listener(net::io_context& io, tcp::endpoint endpoint, ServerContext& server)
    : io_(io), acceptor_(net::make_strand(io)), server_(server) {
  beast::error_code ec;
  const auto fail = [&](const char* what) {
    throw base::Error(base::ExitCode::kBadInput, "listen " + endpoint.address().to_string() + ":" +
                                                     std::to_string(endpoint.port()) + ": " + what +
                                                     ": " + ec.message());
  };
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) fail("open");
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  acceptor_.bind(endpoint, ec);
  if (ec) fail("bind");
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) fail("listen");
  port_ = acceptor_.local_endpoint().port();
}

void Listener::run() { do_accept(); }

void Listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ec;
    self->acceptor_.close(ec);
  });
}

void Listener::do_accept() {
  // With one I/O thread every handler already runs on it, one after another: a strand per
  // connection would only add a queue and a type-erased hop to every completion.
  auto bound = beast::bind_front_handler(&Listener::on_accept, shared_from_this());
  if (server_.options.threads == 1)
    return acceptor_.async_accept(net::any_io_executor(io_.get_executor()), std::move(bound));
  acceptor_.async_accept(net::make_strand(io_), std::move(bound));
}

void Listener::on_accept(beast::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (!ec) {
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::make_shared<HttpSession>(std::move(socket), server_)->run();
  }
  do_accept();  // a failed accept (e.g. out of descriptors) does not stop the listener
}

}  // namespace neuro::server
