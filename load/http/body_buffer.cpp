#include "load/http/body_buffer.hpp"

#include <algorithm>
#include <cstring>

namespace neuro::load {

void BodyBuffer::reserve(std::size_t n) {
  if (n <= capacity_) return;
  auto grown = std::make_unique_for_overwrite<char[]>(n);
  if (size_ > 0) std::memcpy(grown.get(), data_.get(), size_);
  data_ = std::move(grown);
  capacity_ = n;
}

char* BodyBuffer::prepare(std::size_t n) {
  // Doubling keeps appends of unknown total length amortised linear.
  if (capacity_ - size_ < n) reserve(std::max(size_ + n, 2 * capacity_));
  return data_.get() + size_;
}

void BodyBuffer::append(const char* data, std::size_t n) {
  if (n == 0) return;
  std::memcpy(prepare(n), data, n);
  size_ += n;
}

}  // namespace neuro::load
