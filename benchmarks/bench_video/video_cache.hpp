// The benchmark's test videos: which durations (NEUROPERF_VIDEO_SECONDS, default the
// document's 30,60,120; 2 under NEUROPERF_BENCH_SMOKE=1), where they are kept
// (NEUROPERF_VIDEO_CACHE, default ~/.cache/neuroperf/videos), generated once per recipe.
#pragma once

#include <string>
#include <vector>

namespace neuro::bench {

bool smoke();
std::vector<int> video_seconds();
std::string video_cache_dir();

// Path of the cached video of that length and encoder, generated (with its ground truth
// beside it) when missing. Throws base::Error when it cannot be made.
std::string cached_video(int seconds, const std::string& encoder);

}  // namespace neuro::bench
