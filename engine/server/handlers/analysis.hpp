// The analyses a session's stored data can get, computed by engine/dsp: spectral_analysis
// (band powers per channel), connectivity_analysis (band coherence matrices) and
// artifact_detection (bad channels, repaired and clipped samples).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/common/signal_block.hpp"
#include "engine/store/rows.hpp"

namespace neuro::server::handlers {

bool known_analysis(const std::string& type);

// The session's samples as one block: every channel's chunks in time order, cut to the
// shortest channel. Throws ApiError 422 when nothing is stored.
common::SignalBlock block_from_chunks(const std::vector<store::ChunkRow>& chunks, int channels,
                                      double sample_rate_hz);

// Welch segments of one second (1 Hz bins), or the whole block when it is shorter.
std::size_t analysis_nperseg(const common::SignalBlock& block);

nlohmann::json run_analysis(const std::string& type, const common::SignalBlock& block);

}  // namespace neuro::server::handlers
