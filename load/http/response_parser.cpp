#include "load/http/response_parser.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string_view>

namespace neuro::load {
namespace {

bool iequals_prefix(std::string_view line, std::string_view name) {
  if (line.size() < name.size()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = line[i] >= 'A' && line[i] <= 'Z' ? static_cast<char>(line[i] + 32) : line[i];
    if (c != name[i]) return false;
  }
  return true;
}

bool contains_token(std::string_view value, std::string_view token) {
  for (std::size_t i = 0; i + token.size() <= value.size(); ++i) {
    if (iequals_prefix(value.substr(i), token)) return true;
  }
  return false;
}

std::string_view header_value(std::string_view line, std::size_t name_size) {
  std::string_view v = line.substr(name_size);
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

}  // namespace

void ResponseParser::reset(bool head_request, BodyBuffer* body_sink) noexcept {
  state_ = State::kStatusLine;
  line_size_ = 0;
  header_bytes_ = 0;
  remaining_ = 0;
  content_length_ = -1;
  status_code_ = 0;
  keep_alive_ = true;
  chunked_ = false;
  head_request_ = head_request;
  started_ = false;
  body_sink_ = body_sink;
  if (body_sink_) body_sink_->clear();
}

void ResponseParser::reserve_body() {
  // A length the server states is not trusted past kMaxBodyReserve: the sink still grows to a
  // larger body as it arrives.
  if (content_length_ <= kMaxBodyReserve) {
    body_sink_->reserve(static_cast<std::size_t>(content_length_) + kBodyPadding);
  }
}

void ResponseParser::append_body(const char* data, std::size_t n) {
  if (body_sink_) body_sink_->append(data, n);
}

bool ResponseParser::status_line() noexcept {
  const std::string_view line(line_, line_size_);
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || line[8] != ' ') return false;
  int code = 0;
  for (int i = 9; i < 12; ++i) {
    if (line[i] < '0' || line[i] > '9') return false;
    code = code * 10 + (line[i] - '0');
  }
  status_code_ = code;
  keep_alive_ = line[7] == '1';  // HTTP/1.0 closes unless it says keep-alive
  state_ = State::kHeaderLine;
  return true;
}

void ResponseParser::header_line() noexcept {
  const std::string_view line(line_, line_size_);
  if (iequals_prefix(line, "content-length:")) {
    std::int64_t n = 0;
    for (char c : header_value(line, 15)) {
      // Not a digit, or more than int64 holds (no body that large is real): malformed.
      if (c < '0' || c > '9' || n > (std::numeric_limits<std::int64_t>::max() - 9) / 10) {
        n = -2;
        break;
      }
      n = n * 10 + (c - '0');
    }
    content_length_ = n;
  } else if (iequals_prefix(line, "transfer-encoding:")) {
    chunked_ = contains_token(header_value(line, 18), "chunked");
  } else if (iequals_prefix(line, "connection:")) {
    const auto v = header_value(line, 11);
    if (contains_token(v, "close")) keep_alive_ = false;
    if (contains_token(v, "keep-alive")) keep_alive_ = true;
  }
}

bool ResponseParser::end_of_headers() noexcept {
  if (status_code_ >= 100 && status_code_ < 200) {  // 100 Continue: the real one follows
    state_ = State::kStatusLine;
    return true;
  }
  if (content_length_ == -2) return false;
  if (head_request_ || status_code_ == 204 || status_code_ == 304) {
    state_ = State::kDone;
  } else if (chunked_) {
    state_ = State::kChunkSize;
  } else if (content_length_ >= 0) {
    remaining_ = content_length_;
    state_ = remaining_ == 0 ? State::kDone : State::kBody;
  } else {
    keep_alive_ = false;
    state_ = State::kUntilClose;
  }
  return true;
}

bool ResponseParser::end_of_line() noexcept {
  if (line_size_ > 0 && line_[line_size_ - 1] == '\r') --line_size_;
  bool ok = true;
  switch (state_) {
    case State::kStatusLine:
      ok = status_line();
      break;
    case State::kHeaderLine:
      if (line_size_ == 0) {
        ok = end_of_headers();
      } else {
        header_line();
      }
      break;
    case State::kChunkSize: {
      std::int64_t n = 0;
      std::size_t digits = 0;
      for (; digits < line_size_; ++digits) {
        const char c = line_[digits];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0) break;
        if (n > (INT64_MAX >> 4)) return false;
        n = n * 16 + d;
      }
      if (digits == 0) return false;
      remaining_ = n;
      state_ = n == 0 ? State::kTrailerLine : State::kChunkData;
      break;
    }
    case State::kChunkDataEnd:
      if (line_size_ != 0) return false;
      state_ = State::kChunkSize;
      break;
    case State::kTrailerLine:
      if (line_size_ == 0) state_ = State::kDone;
      break;
    default:
      break;
  }
  line_size_ = 0;
  return ok;
}

ResponseParser::Status ResponseParser::feed(const char* data, std::size_t size, std::size_t* used) {
  std::size_t i = 0;
  if (size > 0) started_ = true;
  while (i < size && state_ != State::kDone) {
    if (state_ == State::kBody || state_ == State::kChunkData) {
      if (state_ == State::kBody && body_sink_ && body_sink_->empty()) reserve_body();
      const auto n = static_cast<std::size_t>(
          std::min<std::int64_t>(remaining_, static_cast<std::int64_t>(size - i)));
      append_body(data + i, n);
      i += n;
      remaining_ -= static_cast<std::int64_t>(n);
      if (remaining_ == 0) state_ = state_ == State::kBody ? State::kDone : State::kChunkDataEnd;
      continue;
    }
    if (state_ == State::kUntilClose) {
      append_body(data + i, size - i);
      i = size;
      break;
    }
    // Line states: copy up to the newline; overlong lines keep their start (enough for the
    // headers we read) and the rest is skipped.
    const void* nl = std::memchr(data + i, '\n', size - i);
    const std::size_t end =
        nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - data) : size;
    if (state_ == State::kStatusLine || state_ == State::kHeaderLine ||
        state_ == State::kTrailerLine) {
      header_bytes_ += end - i + (nl ? 1 : 0);
      if (header_bytes_ > kMaxHeaderBytes) {
        *used = end;
        return Status::kError;
      }
    }
    const std::size_t n = std::min(end - i, kLineCapacity - line_size_);
    std::memcpy(line_ + line_size_, data + i, n);
    line_size_ += n;
    i = end;
    if (nl) {
      ++i;
      if (!end_of_line()) {
        *used = i;
        return Status::kError;
      }
    }
  }
  *used = i;
  return state_ == State::kDone ? Status::kComplete : Status::kIncomplete;
}

std::span<char> ResponseParser::body_room() {
  if (state_ != State::kBody || !body_sink_) return {};
  if (body_sink_->empty()) reserve_body();
  // A length past kMaxBodyReserve is not trusted ahead of the bytes: its room grows per read.
  constexpr std::int64_t kUntrustedStepBytes = std::int64_t{1} << 20;
  const auto n = static_cast<std::size_t>(
      content_length_ <= kMaxBodyReserve ? remaining_ : std::min(remaining_, kUntrustedStepBytes));
  return {body_sink_->prepare(n), n};
}

ResponseParser::Status ResponseParser::body_read(std::size_t n) noexcept {
  started_ = true;
  body_sink_->commit(n);
  remaining_ -= static_cast<std::int64_t>(n);
  if (remaining_ == 0) state_ = State::kDone;
  return state_ == State::kDone ? Status::kComplete : Status::kIncomplete;
}

ResponseParser::Status ResponseParser::on_eof() {
  if (state_ == State::kUntilClose || state_ == State::kDone) {
    state_ = State::kDone;
    return Status::kComplete;
  }
  return Status::kError;
}

}  // namespace neuro::load
