#include "engine/server/ws/messages.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "engine/base/errors.hpp"
#include "engine/markup/json_numbers.hpp"

namespace neuro::server::ws {

using base::InvalidArgument;
using nlohmann::json;

static_assert(std::endian::native == std::endian::little,
              "binary frames are written as the host's float32 bytes");

double epoch_seconds_now() {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  return static_cast<double>(us) / 1e6;
}

std::string format_epoch_seconds(double seconds) {
  char text[48];
  const int n = std::snprintf(text, sizeof text, "%.6f", seconds);
  return std::string(text, n > 0 ? static_cast<std::size_t>(n) : 0);
}

namespace {

// Device names come from clients: escaped through nlohmann so any string stays valid JSON.
std::string quoted(std::string_view text) { return json(std::string(text)).dump(); }

}  // namespace

std::string neural_data_json(std::string_view device, std::uint64_t seq, double timestamp_s,
                             const common::SignalBlock& block) {
  std::string out;
  out.reserve(160 + block.size() * 10);
  out += R"({"type":"neural_data","timestamp":)";
  out += format_epoch_seconds(timestamp_s);
  out += R"(,"seq":)";
  out += std::to_string(seq);
  out += R"(,"device":)";
  out += quoted(device);
  out += R"(,"channels":)";
  out += std::to_string(block.channels());
  out += R"(,"sample_rate":)";
  markup::append_json_number(out, block.sample_rate_hz());
  out += R"(,"samples":)";
  out += std::to_string(block.samples());
  out += R"(,"data":[)";
  for (std::size_t c = 0; c < block.channels(); ++c) {
    if (c != 0) out += ',';
    out += '[';
    const auto channel = block.channel(c);
    for (std::size_t s = 0; s < channel.size(); ++s) {
      if (s != 0) out += ',';
      markup::append_json_number(out, channel[s]);
    }
    out += ']';
  }
  out += "]}";
  return out;
}

std::string neural_data_binary(std::uint64_t seq, double timestamp_s,
                               const common::SignalBlock& block) {
  std::string out(kBinaryHeaderBytes + block.size_bytes(), '\0');
  char* p = out.data();
  const auto channels = static_cast<std::uint32_t>(block.channels());
  const auto samples = static_cast<std::uint32_t>(block.samples());
  const double rate = block.sample_rate_hz();
  std::memcpy(p, "NPD1", 4);  // NOLINT(bugprone-not-null-terminated-result): a 4-byte magic
  std::memcpy(p + 4, &channels, 4);
  std::memcpy(p + 8, &samples, 4);
  std::memcpy(p + 16, &seq, 8);
  std::memcpy(p + 24, &timestamp_s, 8);
  std::memcpy(p + 32, &rate, 8);
  if (block.size() != 0) std::memcpy(p + kBinaryHeaderBytes, block.data(), block.size_bytes());
  return out;
}

const char* quality_label(double rms_uv) {
  if (!(rms_uv >= 0.5)) return "flat";
  if (rms_uv <= 100.0) return "good";
  if (rms_uv <= 300.0) return "noisy";
  return "bad";
}

std::string signal_quality_json(std::string_view device, std::uint64_t seq, double timestamp_s,
                                std::span<const double> rms_uv) {
  std::string out = R"({"type":"signal_quality","timestamp":)";
  out += format_epoch_seconds(timestamp_s);
  out += R"(,"seq":)";
  out += std::to_string(seq);
  out += R"(,"device":)";
  out += quoted(device);
  out += R"(,"channels":)";
  out += std::to_string(rms_uv.size());
  out += R"(,"rms_uv":[)";
  for (std::size_t c = 0; c < rms_uv.size(); ++c) {
    if (c != 0) out += ',';
    markup::append_json_number(out, static_cast<float>(rms_uv[c]));
  }
  out += R"(],"quality":[)";
  for (std::size_t c = 0; c < rms_uv.size(); ++c) {
    if (c != 0) out += ',';
    out += '"';
    out += quality_label(rms_uv[c]);
    out += '"';
  }
  out += "]}";
  return out;
}

std::string error_json(std::string_view message) {
  return json{{"type", "error"}, {"message", std::string(message)}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

std::string ack_json(const json& packet_id, double server_time_s) {
  std::string out = R"({"type":"ack","packet_id":)";
  out += packet_id.dump(-1, ' ', false, json::error_handler_t::replace);
  out += R"(,"server_time":)";
  out += format_epoch_seconds(server_time_s);
  out += '}';
  return out;
}

std::string string_field(const json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end() || !it->is_string()) {
    throw InvalidArgument(std::string("field '") + name + "' must be a string");
  }
  return it->get<std::string>();
}

ClientMessage parse_client_message(std::string_view text) {
  ClientMessage message;
  try {
    message.body = json::parse(text);
  } catch (const json::parse_error& e) {
    throw InvalidArgument("invalid JSON at byte " + std::to_string(e.byte));
  } catch (const json::out_of_range&) {
    // A number past double's range ("6e07392056"): found by fuzz_ws_client_message.
    throw InvalidArgument("invalid JSON: a number is out of range");
  }
  if (!message.body.is_object()) throw InvalidArgument("message must be a JSON object");
  message.type = string_field(message.body, "type");
  return message;
}

namespace {

std::optional<std::string> optional_string(const json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
    throw InvalidArgument(std::string("field '") + name + "' must be a non-empty string");
  }
  return it->get<std::string>();
}

}  // namespace

SubscribeRequest parse_subscribe(const json& body) {
  SubscribeRequest request;
  if (const auto it = body.find("channels"); it != body.end()) {
    if (!it->is_array()) throw InvalidArgument("field 'channels' must be an array of strings");
    request.neural_data = request.signal_quality = false;
    for (const auto& kind : *it) {
      if (kind == "neural_data") {
        request.neural_data = true;
      } else if (kind == "signal_quality") {
        request.signal_quality = true;
      } else {
        throw InvalidArgument("field 'channels': unknown kind " + kind.dump() +
                              " (known: neural_data, signal_quality)");
      }
    }
  }
  if (const auto format = optional_string(body, "format")) {
    if (*format != "json" && *format != "binary") {
      throw InvalidArgument("field 'format' must be \"json\" or \"binary\"");
    }
    request.binary = *format == "binary";
  }
  request.device_id = optional_string(body, "device_id");
  request.profile = optional_string(body, "profile");
  if (request.device_id && request.profile) {
    throw InvalidArgument("give either 'device_id' or 'profile', not both");
  }
  if (const auto it = body.find("samples_per_packet"); it != body.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<long long>() < 1 ||
        it->get<long long>() > static_cast<long long>(kMaxSamplesPerPacket)) {
      throw InvalidArgument("field 'samples_per_packet' must be an integer from 1 to " +
                            std::to_string(kMaxSamplesPerPacket));
    }
    request.samples_per_packet = it->get<std::size_t>();
  }
  return request;
}

RegisterRequest parse_register(const json& body) {
  RegisterRequest request;
  request.device_id = string_field(body, "device_id");
  if (request.device_id.empty() || request.device_id.size() > 200) {
    throw InvalidArgument("field 'device_id' must have 1 to 200 characters");
  }
  if (const auto it = body.find("device_type"); it != body.end() && !it->is_null()) {
    if (!it->is_string()) throw InvalidArgument("field 'device_type' must be a string");
    request.device_type = it->get<std::string>();
  }
  const auto channels = body.find("channels");
  if (channels == body.end() || !channels->is_number_integer() || channels->get<long>() < 1 ||
      channels->get<long>() > static_cast<long>(kMaxChannels)) {
    throw InvalidArgument("field 'channels' must be an integer from 1 to " +
                          std::to_string(kMaxChannels));
  }
  request.channels = channels->get<int>();
  const auto rate = body.find("sample_rate");
  if (rate == body.end() || !rate->is_number() || !(rate->get<double>() > 0.0) ||
      !(rate->get<double>() <= 100'000.0)) {
    throw InvalidArgument("field 'sample_rate' must be a number in (0, 100000] Hz");
  }
  request.sample_rate_hz = rate->get<double>();
  return request;
}

DataPacket parse_data(const json& body, std::size_t channels, double sample_rate_hz) {
  DataPacket packet;
  packet.device_id = string_field(body, "device_id");
  if (const auto it = body.find("timestamp"); it != body.end() && !it->is_null()) {
    if (!it->is_number() || !std::isfinite(it->get<double>())) {
      throw InvalidArgument("field 'timestamp' must be a number (epoch seconds)");
    }
    packet.timestamp_s = it->get<double>();
  }
  if (const auto it = body.find("packet_id"); it != body.end()) packet.packet_id = *it;
  const auto data = body.find("data");
  if (data == body.end() || !data->is_array()) {
    throw InvalidArgument("field 'data' must be an array of channels, each an array of samples");
  }
  if (data->size() != channels) {
    throw InvalidArgument("field 'data' has " + std::to_string(data->size()) +
                          " channels, the device registered " + std::to_string(channels));
  }
  const auto& first = (*data)[0];
  if (!first.is_array() || first.empty()) {
    throw InvalidArgument("field 'data': channel 0 must be a non-empty array of numbers");
  }
  const std::size_t samples = first.size();
  if (samples * channels > kMaxPacketValues) {
    throw InvalidArgument("field 'data' holds " + std::to_string(samples * channels) +
                          " values, more than the " + std::to_string(kMaxPacketValues) +
                          " a packet may carry");
  }
  packet.block = common::SignalBlock(channels, samples, sample_rate_hz);
  constexpr double kMax = std::numeric_limits<float>::max();
  for (std::size_t c = 0; c < channels; ++c) {
    const auto& row = (*data)[c];
    if (!row.is_array() || row.size() != samples) {
      throw InvalidArgument("field 'data': channel " + std::to_string(c) + " must be an array of " +
                            std::to_string(samples) + " numbers like channel 0");
    }
    float* out = packet.block.channel(c).data();
    for (std::size_t s = 0; s < samples; ++s) {
      const auto& v = row[s];
      if (!v.is_number()) {
        throw InvalidArgument("field 'data': channel " + std::to_string(c) + " sample " +
                              std::to_string(s) + " is not a number");
      }
      const double value = v.get<double>();
      if (!(std::fabs(value) <= kMax)) {
        throw InvalidArgument("field 'data': channel " + std::to_string(c) + " sample " +
                              std::to_string(s) + " is outside the float32 range");
      }
      out[s] = static_cast<float>(value);
    }
  }
  return packet;
}

}  // namespace neuro::server::ws
