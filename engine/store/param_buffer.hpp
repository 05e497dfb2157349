// Binary statement parameters built into one byte buffer: values are appended field by field
// and params() points libpq at them once the buffer no longer moves.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/store/binary.hpp"
#include "engine/store/connection.hpp"
#include "engine/store/rows.hpp"

namespace neuro::store {

class ParamBuffer {
 public:
  void clear() {
    bytes_.clear();
    offsets_.clear();
    lengths_.clear();
  }
  void add_i32(std::int32_t v) {
    add([&] { binary::put_i32(bytes_, v); });
  }
  void add_i64(std::int64_t v) {
    add([&] { binary::put_i64(bytes_, v); });
  }
  void add_f32(float v) {
    add([&] { binary::put_f32(bytes_, v); });
  }
  void add_f64(double v) {
    add([&] { binary::put_f64(bytes_, v); });
  }
  void add_bytes(std::string_view v) {
    add([&] { bytes_ += v; });
  }
  void add_time(std::int64_t unix_us) {
    add([&] { binary::put_time(bytes_, unix_us); });
  }
  // jsonb's binary input is a version byte (1) followed by the JSON text; empty -> NULL.
  void add_jsonb(const std::string& text) {
    if (text.empty()) {
      offsets_.push_back(bytes_.size());
      lengths_.push_back(-1);
      return;
    }
    add([&] {
      bytes_.push_back('\1');
      bytes_ += text;
    });
  }
  // The five columns of eeg_samples, in table order.
  void add_sample(const SampleRow& row) {
    add_time(row.time_us);
    add_i64(row.session_id);
    add_i32(row.channel);
    add_f32(row.value);
    add_jsonb(row.metadata);
  }

  // Valid until the next add or clear.
  Params params() {
    values_.resize(offsets_.size());
    formats_.assign(offsets_.size(), 1);
    for (std::size_t i = 0; i < offsets_.size(); ++i) {
      values_[i] = lengths_[i] < 0 ? nullptr : bytes_.data() + offsets_[i];
    }
    return {static_cast<int>(offsets_.size()), nullptr, values_.data(), lengths_.data(),
            formats_.data()};
  }

 private:
  template <typename Append>
  void add(Append append) {
    const std::size_t start = bytes_.size();
    append();
    offsets_.push_back(start);
    lengths_.push_back(static_cast<int>(bytes_.size() - start));
  }

  std::string bytes_;
  std::vector<std::size_t> offsets_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
  std::vector<const char*> values_;
};

// Parameter types of one eeg_samples row, for PQprepare.
inline constexpr Oid kSampleTypes[5] = {binary::kTimestamptzOid, binary::kInt8Oid, binary::kInt4Oid,
                                        binary::kFloat4Oid, binary::kJsonbOid};

}  // namespace neuro::store
