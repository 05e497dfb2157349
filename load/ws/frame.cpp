#include "load/ws/frame.hpp"

namespace neuro::load::ws {

void apply_mask(char* data, std::size_t size, std::uint32_t mask_key, std::size_t offset) {
  unsigned char key[4];
  // The key's bytes in wire order: the most significant first.
  for (int i = 0; i < 4; ++i) key[i] = static_cast<unsigned char>(mask_key >> (24 - 8 * i));
  std::size_t i = 0;
  // Eight bytes at a time where the key lines up; the XOR is the bulk of a large frame's cost.
  if (size >= 16) {
    unsigned char rotated[8];
    for (int k = 0; k < 8; ++k) rotated[k] = key[(offset + static_cast<std::size_t>(k)) % 4];
    std::uint64_t word_key;
    std::memcpy(&word_key, rotated, 8);
    for (; i + 8 <= size; i += 8) {
      std::uint64_t word;
      std::memcpy(&word, data + i, 8);
      word ^= word_key;
      std::memcpy(data + i, &word, 8);
    }
  }
  for (; i < size; ++i) data[i] = static_cast<char>(data[i] ^ key[(offset + i) % 4]);
}

void append_frame(std::string& out, Opcode opcode, std::string_view payload, bool fin,
                  std::optional<std::uint32_t> mask_key) {
  const std::size_t n = payload.size();
  const unsigned char mask_bit = mask_key ? 0x80 : 0x00;
  out.push_back(static_cast<char>((fin ? 0x80 : 0x00) | static_cast<unsigned char>(opcode)));
  if (n < 126) {
    out.push_back(static_cast<char>(mask_bit | n));
  } else if (n <= 0xFFFF) {
    out.push_back(static_cast<char>(mask_bit | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xFF));
  } else {
    out.push_back(static_cast<char>(mask_bit | 127));
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.push_back(static_cast<char>((static_cast<std::uint64_t>(n) >> shift) & 0xFF));
    }
  }
  if (mask_key) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      out.push_back(static_cast<char>((*mask_key >> shift) & 0xFF));
    }
  }
  const std::size_t at = out.size();
  out.append(payload.data(), n);
  if (mask_key) apply_mask(out.data() + at, n, *mask_key);
}

void append_close(std::string& out, std::uint16_t code, std::string_view reason,
                  std::optional<std::uint32_t> mask_key) {
  std::string payload;
  payload.push_back(static_cast<char>(code >> 8));
  payload.push_back(static_cast<char>(code & 0xFF));
  payload.append(reason.substr(0, 123));
  append_frame(out, Opcode::kClose, payload, true, mask_key);
}

bool valid_close_code(std::uint16_t code) {
  if (code >= 3000 && code <= 4999) return true;
  if (code < 1000 || code > 1014) return false;
  return code != 1004 && code != 1005 && code != 1006;
}

const char* read_error_name(ReadError e) {
  switch (e) {
    case ReadError::kNone:
      return "none";
    case ReadError::kProtocol:
      return "protocol";
    case ReadError::kMasked:
      return "masked";
    case ReadError::kTooBig:
      return "too_big";
  }
  return "unknown";
}

std::optional<FrameReader::Header> FrameReader::parse_header(const unsigned char* p,
                                                             std::size_t size) {
  if (size < 2) return std::nullopt;
  Header h;
  h.fin = (p[0] & 0x80) != 0;
  const unsigned opcode = p[0] & 0x0F;
  // No extension is negotiated, so every reserved bit must be clear.
  if ((p[0] & 0x70) != 0) {
    error_ = ReadError::kProtocol;
    return std::nullopt;
  }
  switch (opcode) {
    case 0x0:
    case 0x1:
    case 0x2:
    case 0x8:
    case 0x9:
    case 0xA:
      h.opcode = static_cast<Opcode>(opcode);
      break;
    default:
      error_ = ReadError::kProtocol;
      return std::nullopt;
  }
  h.masked = (p[1] & 0x80) != 0;
  if (h.masked != expect_masked_) {
    error_ = ReadError::kMasked;
    return std::nullopt;
  }
  const unsigned len7 = p[1] & 0x7F;
  std::size_t at = 2;
  if (len7 == 126) {
    if (size < 4) return std::nullopt;
    h.payload_bytes = (static_cast<std::uint64_t>(p[2]) << 8) | p[3];
    at = 4;
  } else if (len7 == 127) {
    if (size < 10) return std::nullopt;
    for (int i = 0; i < 8; ++i) h.payload_bytes = (h.payload_bytes << 8) | p[2 + i];
    at = 10;
    if (h.payload_bytes >> 63) {
      error_ = ReadError::kProtocol;
      return std::nullopt;
    }
  } else {
    h.payload_bytes = len7;
  }
  const bool control = opcode >= 0x8;
  if (control && (!h.fin || h.payload_bytes > 125 || (opcode == 0x8 && h.payload_bytes == 1))) {
    error_ = ReadError::kProtocol;
    return std::nullopt;
  }
  if ((h.opcode == Opcode::kContinuation && !in_message_) ||
      ((h.opcode == Opcode::kText || h.opcode == Opcode::kBinary) && in_message_)) {
    error_ = ReadError::kProtocol;
    return std::nullopt;
  }
  const std::uint64_t so_far = h.opcode == Opcode::kContinuation ? fragments_.size() : 0;
  // Refused from the header, before its payload is buffered.
  if (!control && h.payload_bytes + so_far > max_message_bytes_) {
    error_ = ReadError::kTooBig;
    return std::nullopt;
  }
  if (h.masked) {
    if (size < at + 4) return std::nullopt;
    h.mask_key = (static_cast<std::uint32_t>(p[at]) << 24) |
                 (static_cast<std::uint32_t>(p[at + 1]) << 16) |
                 (static_cast<std::uint32_t>(p[at + 2]) << 8) | p[at + 3];
    at += 4;
  }
  h.header_bytes = at;
  return h;
}

}  // namespace neuro::load::ws
