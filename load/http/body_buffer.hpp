// A response body's bytes, grown without zero-filling (a std::string's resize would clear the
// room first), so that a socket can read straight into the room past them: the body of a stated
// length is then received in place, with no copy from a read buffer (for a 1 MB answer that copy
// was ~12 % of a load thread's CPU). Keeps its storage across clear(): a connection reuses one.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

namespace neuro::load {

class BodyBuffer {
 public:
  std::string_view view() const noexcept { return {data_.get(), size_}; }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  // Bytes that may be read past the end (their values are unspecified): SIMD readers' padding.
  std::size_t room_after() const noexcept { return capacity_ - size_; }
  std::size_t capacity() const noexcept { return capacity_; }

  void clear() noexcept { size_ = 0; }
  // At least `n` bytes of storage, the bytes held kept.
  void reserve(std::size_t n);
  void append(const char* data, std::size_t n);
  // Room for at least `n` more bytes at the end (storage grows as reserve does); write into it,
  // then commit() how many were written.
  char* prepare(std::size_t n);
  void commit(std::size_t n) noexcept { size_ += n; }

 private:
  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace neuro::load
