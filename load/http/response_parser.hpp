// An incremental HTTP/1.1 response parser that allocates nothing: status line, Content-Length,
// chunked transfer coding, Connection, bodies delimited by close. Bodies are skipped unless a
// sink is given (for captures). Fed the bytes of one connection as they arrive.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "load/http/body_buffer.hpp"

namespace neuro::load {

// Bytes a body sink has room for past a body of stated length: readers that load whole SIMD
// words (simdjson reads up to 64 bytes past the end) then read the body in place, without a
// padded copy (JsonAnswer).
inline constexpr std::size_t kBodyPadding = 64;
// The most a stated Content-Length reserves ahead of the bytes.
inline constexpr std::int64_t kMaxBodyReserve = std::int64_t{64} << 20;

class ResponseParser {
 public:
  enum class Status { kIncomplete, kComplete, kError };

  // Prepares for the next response. A HEAD request's response has no body; `body_sink` (may be
  // null) receives the body bytes.
  void reset(bool head_request = false, BodyBuffer* body_sink = nullptr) noexcept;

  // Consumes up to `size` bytes; *used says how many. kComplete once the response ends (bytes
  // after it are left unconsumed); kError on a malformed response.
  Status feed(const char* data, std::size_t size, std::size_t* used);
  // The peer closed the connection: completes a body delimited by close, else kError.
  Status on_eof();

  // Inside a body of stated length that goes to the sink: the sink's room for the rest of it,
  // where a reader may put the next bytes itself (one recv, no copy through feed()); then
  // body_read() with how many it put there. Empty anywhere else (headers, chunked bodies, no
  // sink), and never past the body: bytes after the response stay unread.
  std::span<char> body_room();
  Status body_read(std::size_t n) noexcept;

  int status_code() const noexcept { return status_code_; }
  bool keep_alive() const noexcept { return keep_alive_; }
  bool started() const noexcept { return started_; }

  // A status line plus headers longer than this is a malformed response (wrk's parser stops at
  // the same 80 KiB): a hostile or broken server cannot make a connection buffer without end.
  static constexpr std::size_t kMaxHeaderBytes = 80 << 10;

 private:
  enum class State {
    kStatusLine,
    kHeaderLine,
    kBody,
    kChunkSize,
    kChunkData,
    kChunkDataEnd,
    kTrailerLine,
    kUntilClose,
    kDone
  };
  bool end_of_line() noexcept;  // processes line_; false on a malformed line
  bool status_line() noexcept;
  void header_line() noexcept;
  bool end_of_headers() noexcept;
  void reserve_body();
  void append_body(const char* data, std::size_t n);

  static constexpr std::size_t kLineCapacity = 256;
  State state_ = State::kStatusLine;
  std::size_t header_bytes_ = 0;  // status, header and trailer lines so far
  char line_[kLineCapacity];
  std::size_t line_size_ = 0;
  std::int64_t remaining_ = 0;
  std::int64_t content_length_ = -1;
  int status_code_ = 0;
  bool keep_alive_ = true;
  bool chunked_ = false;
  bool head_request_ = false;
  bool started_ = false;
  BodyBuffer* body_sink_ = nullptr;
};

}  // namespace neuro::load
