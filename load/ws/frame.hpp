// RFC 6455 frames for the load runner's WebSocket client: writing (masked, as a client must;
// unmasked only for tests that play the server) and an incremental reader that reassembles
// fragmented messages, passes control frames (ping, pong, close) through between fragments,
// and refuses what a client must refuse (masked server frames, reserved bits, bad close codes,
// messages over the size limit).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace neuro::load::ws {

enum class Opcode : std::uint8_t {
  kContinuation = 0x0,
  kText = 0x1,
  kBinary = 0x2,
  kClose = 0x8,
  kPing = 0x9,
  kPong = 0xA,
};

// Close codes the runner sends or tells apart.
inline constexpr std::uint16_t kCloseNormal = 1000;
inline constexpr std::uint16_t kCloseGoingAway = 1001;
inline constexpr std::uint16_t kCloseProtocolError = 1002;
inline constexpr std::uint16_t kCloseNoStatus = 1005;  // a close frame without a code
inline constexpr std::uint16_t kCloseTooBig = 1009;

// Appends one frame to `out`. With a mask key the payload is masked (every client frame);
// without one it goes as is (a server's frame).
void append_frame(std::string& out, Opcode opcode, std::string_view payload, bool fin,
                  std::optional<std::uint32_t> mask_key);
// A close frame carrying `code` (and `reason`, at most 123 bytes).
void append_close(std::string& out, std::uint16_t code, std::string_view reason,
                  std::optional<std::uint32_t> mask_key);
// XORs `data` with the 4-byte key, starting at key byte `offset % 4`.
void apply_mask(char* data, std::size_t size, std::uint32_t mask_key, std::size_t offset = 0);

// A close code a peer may send (1000-1003, 1007-1014, 3000-4999).
bool valid_close_code(std::uint16_t code);

// One complete message or control frame as the reader hands it on. `payload` points into the
// reader's buffers or the bytes fed, valid only during the callback.
struct Message {
  Opcode opcode = Opcode::kText;  // kText, kBinary, kPing, kPong or kClose
  std::string_view payload;       // for kClose: the reason, after the code
  std::uint16_t close_code = 0;   // kClose only: kCloseNoStatus when the frame had none
};

enum class ReadError {
  kNone,
  kProtocol,  // reserved bits, unknown opcode, bad fragmentation, bad control frame, bad code
  kMasked,    // a server frame with a mask (or, reading as a server, one without)
  kTooBig,    // a message over the limit
};
const char* read_error_name(ReadError e);

class FrameReader {
 public:
  // `expect_masked`: read frames a client wrote (tests); the runner reads server frames.
  explicit FrameReader(std::size_t max_message_bytes, bool expect_masked = false)
      : max_message_bytes_(max_message_bytes), expect_masked_(expect_masked) {}

  // Feeds the next bytes of the stream; calls on_message(const Message&) for each message and
  // control frame completed by them, in order. `data` is writable: masked payloads are unmasked
  // in place. After an error the reader stays failed.
  template <class OnMessage>
  ReadError feed(char* data, std::size_t size, OnMessage&& on_message);

  // Bytes held between calls (a partial frame, the fragments of a message so far).
  std::size_t buffered_bytes() const { return pending_.size() + fragments_.size(); }
  ReadError error() const { return error_; }

 private:
  // One frame at the start of [p, end): its size when whole (0 when more bytes are needed).
  struct Header {
    bool fin = false;
    Opcode opcode = Opcode::kText;
    std::size_t header_bytes = 0;
    std::uint64_t payload_bytes = 0;
    bool masked = false;
    std::uint32_t mask_key = 0;
  };
  // Parses a header; nullopt when more bytes are needed; sets error_ on a bad one.
  std::optional<Header> parse_header(const unsigned char* p, std::size_t size);
  // Handles one whole frame whose payload (unmasked in place) is [payload, payload + n).
  template <class OnMessage>
  void on_frame(const Header& h, char* payload, std::size_t n, OnMessage& on_message);
  // Parses whole frames from [data, data + size) (writable: payloads are unmasked in place);
  // returns the bytes used.
  template <class OnMessage>
  std::size_t parse(char* data, std::size_t size, OnMessage& on_message);

  std::size_t max_message_bytes_;
  bool expect_masked_;
  ReadError error_ = ReadError::kNone;
  std::string pending_;      // a frame not yet whole
  std::string fragments_;    // the data frames of a fragmented message so far
  bool in_message_ = false;  // a message's first fragment came without FIN
  Opcode message_opcode_ = Opcode::kText;
};

// The parse loop is inline in the caller's read path: a small frame costs a header parse and
// one callback.

template <class OnMessage>
ReadError FrameReader::feed(char* data, std::size_t size, OnMessage&& on_message) {
  if (error_ != ReadError::kNone) return error_;
  if (pending_.empty()) {
    const std::size_t used = parse(data, size, on_message);
    if (error_ == ReadError::kNone && used < size) pending_.assign(data + used, size - used);
  } else {
    pending_.append(data, size);
    const std::size_t used = parse(pending_.data(), pending_.size(), on_message);
    pending_.erase(0, used);
  }
  if (error_ != ReadError::kNone) pending_.clear();
  // An idle session keeps no buffer: what a burst needed goes back once it is consumed.
  if (pending_.empty() && pending_.capacity() > 4096) std::string().swap(pending_);
  return error_;
}

template <class OnMessage>
std::size_t FrameReader::parse(char* data, std::size_t size, OnMessage& on_message) {
  std::size_t at = 0;
  while (error_ == ReadError::kNone) {
    const auto header = parse_header(reinterpret_cast<const unsigned char*>(data + at), size - at);
    if (!header) break;
    const std::size_t whole =
        header->header_bytes + static_cast<std::size_t>(header->payload_bytes);
    if (size - at < whole) break;
    char* payload = data + at + header->header_bytes;
    const auto n = static_cast<std::size_t>(header->payload_bytes);
    if (header->masked) apply_mask(payload, n, header->mask_key);
    at += whole;
    on_frame(*header, payload, n, on_message);
  }
  return at;
}

template <class OnMessage>
void FrameReader::on_frame(const Header& h, char* payload, std::size_t n, OnMessage& on_message) {
  Message m;
  m.opcode = h.opcode;
  switch (h.opcode) {
    case Opcode::kPing:
    case Opcode::kPong:
      m.payload = std::string_view(payload, n);
      on_message(m);
      return;
    case Opcode::kClose:
      if (n == 0) {
        m.close_code = kCloseNoStatus;
      } else {
        m.close_code = static_cast<std::uint16_t>((static_cast<unsigned char>(payload[0]) << 8) |
                                                  static_cast<unsigned char>(payload[1]));
        if (!valid_close_code(m.close_code)) {
          error_ = ReadError::kProtocol;
          return;
        }
        m.payload = std::string_view(payload + 2, n - 2);
      }
      on_message(m);
      return;
    case Opcode::kText:
    case Opcode::kBinary:
      if (h.fin) {
        m.payload = std::string_view(payload, n);
        on_message(m);
        return;
      }
      in_message_ = true;
      message_opcode_ = h.opcode;
      fragments_.assign(payload, n);
      return;
    case Opcode::kContinuation:
      fragments_.append(payload, n);
      if (!h.fin) return;
      in_message_ = false;
      m.opcode = message_opcode_;
      m.payload = fragments_;
      on_message(m);
      fragments_.clear();
      if (fragments_.capacity() > 4096) std::string().swap(fragments_);
      return;
  }
}

}  // namespace neuro::load::ws
