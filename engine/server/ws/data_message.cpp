#include "engine/server/ws/data_message.hpp"

#include <simdjson.h>

#include <cmath>
#include <limits>
#include <string>

namespace neuro::server::ws {
namespace {

namespace dom = simdjson::dom;

// A number as nlohmann reads it: integers stay integers (an echoed packet_id keeps its form).
std::optional<nlohmann::json> scalar_id(dom::element e) {
  switch (e.type()) {
    case dom::element_type::INT64:
      return nlohmann::json(std::int64_t(e));
    case dom::element_type::UINT64:
      return nlohmann::json(std::uint64_t(e));
    case dom::element_type::DOUBLE:
      return nlohmann::json(double(e));
    case dom::element_type::STRING:
      return nlohmann::json(std::string(std::string_view(e)));
    default:
      return std::nullopt;  // objects, arrays, booleans, null: the full path echoes those
  }
}

std::optional<double> number(dom::element e) {
  double v = 0;
  if (e.get(v) != simdjson::SUCCESS) return std::nullopt;  // a double, int64 or uint64
  return v;
}

bool read_samples(dom::element data, std::size_t channels, DataPacket& packet,
                  double sample_rate_hz) {
  dom::array rows;
  if (data.get(rows) != simdjson::SUCCESS || rows.size() != channels || channels == 0) return false;
  dom::array first;
  if (rows.at(0).get(first) != simdjson::SUCCESS) return false;
  const std::size_t samples = first.size();
  if (samples == 0 || samples * channels > kMaxPacketValues) return false;
  packet.block = common::SignalBlock(channels, samples, sample_rate_hz);
  constexpr double kMax = std::numeric_limits<float>::max();
  std::size_t c = 0;
  for (dom::element row_element : rows) {
    dom::array row;
    if (row_element.get(row) != simdjson::SUCCESS || row.size() != samples) return false;
    float* out = packet.block.channel(c++).data();
    for (dom::element v : row) {
      const auto value = number(v);
      if (!value || !(std::fabs(*value) <= kMax)) return false;
      *out++ = static_cast<float>(*value);
    }
  }
  return true;
}

}  // namespace

std::optional<DataPacket> parse_data_message(std::string_view text, std::size_t channels,
                                             double sample_rate_hz) {
  thread_local dom::parser parser;
  dom::object object;
  if (parser.parse(text.data(), text.size()).get(object) != simdjson::SUCCESS) return std::nullopt;
  DataPacket packet;
  packet.packet_id = nullptr;
  bool type = false, device = false, timestamp = false, id = false, data = false;
  for (const auto field : object) {
    // A key seen twice is judged by the full parser (which keeps the last one).
    const std::string_view key = field.key;
    if (key == "type") {
      std::string_view value;
      if (type || field.value.get(value) != simdjson::SUCCESS || value != "data") {
        return std::nullopt;
      }
      type = true;
    } else if (key == "device_id") {
      std::string_view value;
      if (device || field.value.get(value) != simdjson::SUCCESS) return std::nullopt;
      packet.device_id = std::string(value);
      device = true;
    } else if (key == "timestamp") {
      if (timestamp) return std::nullopt;
      timestamp = true;
      if (field.value.is_null()) continue;
      const auto value = number(field.value);
      if (!value || !std::isfinite(*value)) return std::nullopt;
      packet.timestamp_s = *value;
    } else if (key == "packet_id") {
      if (id) return std::nullopt;
      id = true;
      auto value = scalar_id(field.value);
      if (!value) return std::nullopt;
      packet.packet_id = std::move(*value);
    } else if (key == "data") {
      if (data || !read_samples(field.value, channels, packet, sample_rate_hz)) {
        return std::nullopt;
      }
      data = true;
    }
  }
  if (!type || !device || !data) return std::nullopt;
  return packet;
}

}  // namespace neuro::server::ws
