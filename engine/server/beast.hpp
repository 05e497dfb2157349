// Short names for the Boost.Beast and Asio types every part of the server uses, and the two
// message types handlers exchange (string bodies; large uploads are streamed separately).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <string_view>

namespace neuro::server {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
using tcp = boost::asio::ip::tcp;

using StringRequest = http::request<http::string_body>;
using StringResponse = http::response<http::string_body>;

// Beast 1.74 hands out boost::string_view; the rest of the code speaks std::string_view.
inline std::string_view to_sv(beast::string_view s) { return {s.data(), s.size()}; }

}  // namespace neuro::server
