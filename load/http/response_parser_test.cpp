#include "load/http/response_parser.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <span>
#include <string>

namespace neuro::load {
namespace {

using Status = ResponseParser::Status;

// Feeds `wire` in pieces of `piece` bytes; returns the final status and the bytes consumed.
std::pair<Status, std::size_t> feed_in_pieces(ResponseParser& p, const std::string& wire,
                                              std::size_t piece) {
  std::size_t at = 0;
  Status s = Status::kIncomplete;
  while (at < wire.size() && s == Status::kIncomplete) {
    std::size_t used = 0;
    const std::size_t n = std::min(piece, wire.size() - at);
    s = p.feed(wire.data() + at, n, &used);
    at += used;
  }
  return {s, at};
}

// More digits than int64 holds (found by fuzz_http_response as a signed overflow): a malformed
// response, not a wrapped-around length.
TEST(ResponseParser, ContentLengthPastInt64IsAnError) {
  for (const std::string length : {"9223372036854775808", "1111111111111111111111"}) {
    const std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: " + length + "\r\n\r\nabc";
    ResponseParser p;
    p.reset();
    std::size_t used = 0;
    EXPECT_EQ(p.feed(wire.data(), wire.size(), &used), Status::kError) << length;
  }
  // The largest that fits is a length (the body simply has not arrived).
  const std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: 9223372036854775799\r\n\r\nabc";
  ResponseParser p;
  p.reset();
  std::size_t used = 0;
  EXPECT_EQ(p.feed(wire.data(), wire.size(), &used), Status::kIncomplete);
}

TEST(ResponseParser, ContentLengthAtEverySplit) {
  const std::string wire =
      "HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\ncontent-length: 11\r\n\r\nhello world";
  for (std::size_t piece = 1; piece <= wire.size(); ++piece) {
    ResponseParser p;
    BodyBuffer body;
    p.reset(false, &body);
    const auto [status, used] = feed_in_pieces(p, wire, piece);
    ASSERT_EQ(status, Status::kComplete) << "piece " << piece;
    EXPECT_EQ(used, wire.size());
    EXPECT_EQ(p.status_code(), 201);
    EXPECT_TRUE(p.keep_alive());
    EXPECT_EQ(body.view(), "hello world");
  }
}

// A stated length reserves the body and the readers' padding past it (JsonAnswer then reads in
// place); a length past the bound reserves nothing ahead, and the body still arrives.
TEST(ResponseParser, StatedLengthReservesThePadding) {
  const std::string wire =
      "HTTP/1.1 200 OK\r\nContent-Length: 3000\r\n\r\n" + std::string(3000, 'x');
  ResponseParser p;
  BodyBuffer body;
  p.reset(false, &body);
  std::size_t used = 0;
  ASSERT_EQ(p.feed(wire.data(), wire.size(), &used), Status::kComplete);
  EXPECT_EQ(body.size(), 3000u);
  EXPECT_GE(body.capacity(), 3000 + kBodyPadding);

  const std::string huge =
      "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(kMaxBodyReserve + 1) + "\r\n\r\nabc";
  BodyBuffer sink;
  p.reset(false, &sink);
  EXPECT_EQ(p.feed(huge.data(), huge.size(), &used), Status::kIncomplete);
  EXPECT_EQ(sink.view(), "abc");
  EXPECT_LT(sink.capacity(), std::size_t{1} << 20);
}

// The epoll transport receives a stated-length body straight into the sink's room: the room is
// exactly what is left of the body (never the next response's bytes), and the body is the same
// whether its bytes came through feed() first, in place, or both, in any split.
TEST(ResponseParser, BodyReadInPlaceAtEverySplit) {
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n";
  const std::string payload = "hello world";
  for (std::size_t fed = 0; fed <= payload.size(); ++fed) {
    for (std::size_t piece = 1; piece <= payload.size(); ++piece) {
      ResponseParser p;
      BodyBuffer body;
      p.reset(false, &body);
      const std::string start = head + payload.substr(0, fed);
      std::size_t used = 0;
      auto status = p.feed(start.data(), start.size(), &used);
      ASSERT_EQ(used, start.size());
      for (std::size_t at = fed; at < payload.size();) {
        ASSERT_EQ(status, Status::kIncomplete);
        const std::span<char> room = p.body_room();
        ASSERT_EQ(room.size(), payload.size() - at) << "fed " << fed << ", piece " << piece;
        const std::size_t n = std::min(piece, room.size());
        std::memcpy(room.data(), payload.data() + at, n);
        status = p.body_read(n);
        at += n;
      }
      EXPECT_EQ(status, Status::kComplete) << "fed " << fed << ", piece " << piece;
      EXPECT_EQ(body.view(), payload);
      EXPECT_GE(body.room_after(), kBodyPadding);  // JsonAnswer reads it in place
      EXPECT_TRUE(p.body_room().empty());
    }
  }
}

// No room where the bytes are not a stated-length body for the sink: before the headers end, in
// a chunked body, without a sink, for HEAD; a length past kMaxBodyReserve offers room in steps.
TEST(ResponseParser, NoBodyRoomOutsideAStatedBody) {
  ResponseParser p;
  BodyBuffer body;
  std::size_t used = 0;
  p.reset(false, &body);
  EXPECT_TRUE(p.body_room().empty());
  const std::string partial = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n";
  p.feed(partial.data(), partial.size(), &used);
  EXPECT_TRUE(p.body_room().empty());

  const std::string chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhe";
  p.reset(false, &body);
  EXPECT_EQ(p.feed(chunked.data(), chunked.size(), &used), Status::kIncomplete);
  EXPECT_TRUE(p.body_room().empty());

  const std::string stated = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n";
  p.reset(false, nullptr);
  EXPECT_EQ(p.feed(stated.data(), stated.size(), &used), Status::kIncomplete);
  EXPECT_TRUE(p.body_room().empty());
  p.reset(true, &body);
  EXPECT_EQ(p.feed(stated.data(), stated.size(), &used), Status::kComplete);
  EXPECT_TRUE(p.body_room().empty());

  const std::string huge =
      "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(kMaxBodyReserve + 1) + "\r\n\r\n";
  p.reset(false, &body);
  EXPECT_EQ(p.feed(huge.data(), huge.size(), &used), Status::kIncomplete);
  const std::span<char> room = p.body_room();
  EXPECT_GT(room.size(), 0u);
  EXPECT_LE(room.size(), std::size_t{1} << 20);
}

TEST(ResponseParser, ChunkedAtEverySplit) {
  const std::string wire =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, Chunked\r\n\r\n5;ext=1\r\nhello\r\n"
      "6\r\n world\r\n0\r\nX-Trailer: y\r\n\r\n";
  for (std::size_t piece = 1; piece <= wire.size(); ++piece) {
    ResponseParser p;
    BodyBuffer body;
    p.reset(false, &body);
    const auto [status, used] = feed_in_pieces(p, wire, piece);
    ASSERT_EQ(status, Status::kComplete) << "piece " << piece;
    EXPECT_EQ(used, wire.size());
    EXPECT_EQ(body.view(), "hello world");
  }
}

TEST(ResponseParser, StopsAtTheEndOfOneResponse) {
  const std::string one = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  ResponseParser p;
  p.reset();
  std::size_t used = 0;
  const std::string two = one + one;
  EXPECT_EQ(p.feed(two.data(), two.size(), &used), Status::kComplete);
  EXPECT_EQ(used, one.size());
}

TEST(ResponseParser, BodiesWithoutLength) {
  ResponseParser p;
  BodyBuffer body;
  p.reset(false, &body);
  const std::string wire = "HTTP/1.0 200 OK\r\n\r\nuntil close";
  std::size_t used = 0;
  EXPECT_EQ(p.feed(wire.data(), wire.size(), &used), Status::kIncomplete);
  EXPECT_EQ(p.on_eof(), Status::kComplete);
  EXPECT_EQ(body.view(), "until close");
  EXPECT_FALSE(p.keep_alive());

  for (const char* no_body : {"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n",
                              "HTTP/1.1 304 Not Modified\r\n\r\n"}) {
    p.reset();
    const std::string w = no_body;
    EXPECT_EQ(p.feed(w.data(), w.size(), &used), Status::kComplete) << no_body;
  }
  p.reset(true);  // HEAD: the length describes a body that is not sent
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n";
  EXPECT_EQ(p.feed(head.data(), head.size(), &used), Status::kComplete);
}

TEST(ResponseParser, ContinueThenFinal) {
  ResponseParser p;
  p.reset();
  const std::string wire =
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 503 Busy\r\nConnection: close\r\n"
      "Content-Length: 0\r\n\r\n";
  std::size_t used = 0;
  EXPECT_EQ(p.feed(wire.data(), wire.size(), &used), Status::kComplete);
  EXPECT_EQ(p.status_code(), 503);
  EXPECT_FALSE(p.keep_alive());
}

TEST(ResponseParser, MalformedIsAnError) {
  for (const char* bad : {"SMTP 220 hello\r\n", "HTTP/1.1 2x0 OK\r\n",
                          "HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n",
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"}) {
    ResponseParser p;
    p.reset();
    std::size_t used = 0;
    const std::string w = bad;
    EXPECT_EQ(p.feed(w.data(), w.size(), &used), Status::kError) << bad;
  }
  ResponseParser p;
  p.reset();
  std::size_t used = 0;
  const std::string cut = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc";
  EXPECT_EQ(p.feed(cut.data(), cut.size(), &used), Status::kIncomplete);
  EXPECT_EQ(p.on_eof(), Status::kError);  // the peer closed mid-body
}

// A 2 MB header (one line or many, fed in small pieces) is an error, not an endless buffer; the
// same response with headers just under the bound is read as usual.
TEST(ResponseParser, HeadersPastTheBoundAreAnError) {
  const auto feed_in_pieces = [](const std::string& wire) {
    ResponseParser p;
    p.reset();
    for (std::size_t at = 0; at < wire.size();) {
      std::size_t used = 0;
      const std::size_t n = std::min<std::size_t>(1000, wire.size() - at);
      const auto status = p.feed(wire.data() + at, n, &used);
      if (status != Status::kIncomplete) return status;
      at += used;
    }
    return Status::kIncomplete;
  };
  const std::string one_line =
      "HTTP/1.1 200 OK\r\nX-Big: " + std::string(2'000'000, 'a') + "\r\nContent-Length: 0\r\n\r\n";
  EXPECT_EQ(feed_in_pieces(one_line), Status::kError);
  std::string many = "HTTP/1.1 200 OK\r\n";
  while (many.size() < 2'000'000) many += "X-Header: " + std::string(100, 'b') + "\r\n";
  EXPECT_EQ(feed_in_pieces(many + "Content-Length: 0\r\n\r\n"), Status::kError);
  std::string near = "HTTP/1.1 200 OK\r\n";
  while (near.size() < ResponseParser::kMaxHeaderBytes - 200) {
    near += "X-Header: " + std::string(100, 'b') + "\r\n";
  }
  EXPECT_EQ(feed_in_pieces(near + "Content-Length: 0\r\n\r\n"), Status::kComplete);
}

}  // namespace
}  // namespace neuro::load
