#include "load/ws/handshake.hpp"

#include <gtest/gtest.h>

namespace neuro::load::ws {
namespace {

// RFC 6455 section 1.3's example key and the accept value it prints.
constexpr const char* kRfcKey = "dGhlIHNhbXBsZSBub25jZQ==";
constexpr const char* kRfcAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

std::string answer(const std::string& accept, const std::string& extra = "") {
  return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
         "Sec-WebSocket-Accept: " +
         accept + "\r\n" + extra + "\r\n";
}

TEST(WsHandshake, AcceptKeyOfTheRfcExample) { EXPECT_EQ(accept_key(kRfcKey), kRfcAccept); }

TEST(WsHandshake, KeyIsSixteenBytesOfBase64) {
  const auto key = make_key(0x0123456789abcdefULL, 0xfedcba9876543210ULL);
  EXPECT_EQ(key.size(), 24u);
  EXPECT_EQ(key.substr(22), "==");
  EXPECT_NE(key, make_key(1, 2));
}

TEST(WsHandshake, RequestHasPathHeadersAndSubprotocol) {
  HandshakeRequest r;
  r.host = "127.0.0.1:8000";
  r.path = "/ws/stream?token=abc";
  r.key = kRfcKey;
  r.headers = {{"Authorization", "Bearer abc"}};
  r.subprotocol = "chat";
  const auto text = serialize(r);
  EXPECT_EQ(text.find("GET /ws/stream?token=abc HTTP/1.1\r\n"), 0u);
  EXPECT_NE(text.find("\r\nHost: 127.0.0.1:8000\r\n"), std::string::npos);
  EXPECT_NE(text.find("\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"), std::string::npos);
  EXPECT_NE(text.find("\r\nSec-WebSocket-Key: " + std::string(kRfcKey) + "\r\n"),
            std::string::npos);
  EXPECT_NE(text.find("\r\nSec-WebSocket-Version: 13\r\n"), std::string::npos);
  EXPECT_NE(text.find("\r\nSec-WebSocket-Protocol: chat\r\n"), std::string::npos);
  EXPECT_NE(text.find("\r\nAuthorization: Bearer abc\r\n"), std::string::npos);
  EXPECT_EQ(text.substr(text.size() - 4), "\r\n\r\n");
}

TEST(WsHandshake, AcceptsTheRightAnswerInPieces) {
  const std::string full = answer(kRfcAccept) + "\x81\x02hi";
  auto r = read_handshake_response(full.substr(0, 30), kRfcKey, "");
  EXPECT_EQ(r.state, HandshakeResult::State::kNeedMore);
  r = read_handshake_response(full, kRfcKey, "");
  ASSERT_EQ(r.state, HandshakeResult::State::kAccepted) << r.problem;
  EXPECT_EQ(r.status, 101);
  EXPECT_EQ(full.substr(r.head_bytes), "\x81\x02hi");
}

TEST(WsHandshake, RejectsWrongAnswers) {
  auto r = read_handshake_response(answer("AAAAAAAAAAAAAAAAAAAAAAAAAAA="), kRfcKey, "");
  EXPECT_EQ(r.state, HandshakeResult::State::kRejected);
  EXPECT_EQ(r.problem, "bad Sec-WebSocket-Accept");
  r = read_handshake_response("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n", kRfcKey,
                              "");
  EXPECT_EQ(r.state, HandshakeResult::State::kRejected);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.problem, "status 401");
  r = read_handshake_response("HTTP/1.1 101 OK\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: " +
                                  std::string(kRfcAccept) + "\r\n\r\n",
                              kRfcKey, "");
  EXPECT_EQ(r.problem, "no 'Upgrade: websocket'");
  r = read_handshake_response(std::string(20000, 'x'), kRfcKey, "");
  EXPECT_EQ(r.state, HandshakeResult::State::kRejected);
}

TEST(WsHandshake, SubprotocolMustBeTheOneAskedFor) {
  const auto chosen = answer(kRfcAccept, "Sec-WebSocket-Protocol: chat\r\n");
  EXPECT_EQ(read_handshake_response(chosen, kRfcKey, "chat").state,
            HandshakeResult::State::kAccepted);
  EXPECT_EQ(read_handshake_response(chosen, kRfcKey, "superchat, chat").subprotocol, "chat");
  EXPECT_EQ(read_handshake_response(chosen, kRfcKey, "other").state,
            HandshakeResult::State::kRejected);
  EXPECT_EQ(read_handshake_response(chosen, kRfcKey, "").problem, "a subprotocol not asked for");
  EXPECT_EQ(read_handshake_response(answer(kRfcAccept), kRfcKey, "chat").problem,
            "no subprotocol chosen");
  // Header names and the Connection token are case-insensitive; Connection may list others.
  const std::string mixed =
      "HTTP/1.1 101 x\r\nupgrade: WebSocket\r\nconnection: keep-alive, upgrade"
      "\r\nsec-websocket-accept: " +
      std::string(kRfcAccept) + "\r\n\r\n";
  EXPECT_EQ(read_handshake_response(mixed, kRfcKey, "").state, HandshakeResult::State::kAccepted);
}

}  // namespace
}  // namespace neuro::load::ws
