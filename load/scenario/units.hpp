// Parsing of the quantities that scenario files and thresholds write with units: durations
// ("250ms", "5s", "2m", "1h"), byte sizes ("512KB", "2GB") and percentages ("0.1%").
#pragma once

#include <optional>
#include <string>

namespace neuro::load {

std::optional<double> parse_plain_number(const std::string& text);
// Seconds; a bare number is seconds.
std::optional<double> parse_duration_s(const std::string& text);
// Bytes; KB/MB/GB/TB (or KiB/MiB/GiB/TiB) are powers of 1024 (load/byte_units.hpp); a bare
// number is bytes.
std::optional<double> parse_bytes(const std::string& text);

}  // namespace neuro::load
