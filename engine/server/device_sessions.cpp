#include "engine/server/device_sessions.hpp"

#include "engine/base/errors.hpp"
#include "engine/server/api_db.hpp"
#include "engine/server/handlers/common.hpp"

namespace neuro::server {

std::int64_t ApiDeviceSessions::open_device_session(const ws::LiveDevice& device) {
  if (device.channels < 1 || !(device.sample_rate_hz > 0)) {
    throw base::InvalidArgument("device " + device.device_id + ": bad channels or sample rate");
  }
  auto db = pool_.acquire();
  const auto r =
      query(*db,
            "INSERT INTO api_sessions (id, device_id, protocol, channels, "
            "sample_rate_hz, start_us, status, source) VALUES ($1, $2, $3, $4, $5, "
            "$6, 'streaming', 'device') RETURNING store_id",
            {new_id("dev_"), device.device_id, device.device_type, std::to_string(device.channels),
             std::to_string(device.sample_rate_hz), std::to_string(handlers::unix_now_us())});
  return std::stoll(std::string(r.value(0, 0)));
}

void ApiDeviceSessions::close_device_session(std::int64_t store_session_id, std::int64_t packets) {
  auto db = pool_.acquire();
  // The samples column too, so the sessions list (which reads the row) agrees with the detail
  // route (which counts the store while the device streams).
  query(*db,
        "UPDATE api_sessions SET status = 'closed', packets = $2, samples_stored = (SELECT "
        "coalesce(sum(length(samples)), 0) / 4 FROM eeg_chunks WHERE session_id = $1) / "
        "greatest(channels, 1) WHERE store_id = $1",
        {std::to_string(store_session_id), std::to_string(packets)});
}

}  // namespace neuro::server
