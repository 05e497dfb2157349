// The ground-truth file beside each generated video: one CSV line per rectangle per frame
// (frame,time_us,object_id,x,y,width,height), so tools and other languages can read it.
#pragma once

#include <string>
#include <vector>

#include "engine/video/scene.hpp"

namespace neuro::video {

// Throws base::Error when the file cannot be written.
void write_ground_truth(const std::string& path, const std::vector<GroundTruthBox>& boxes);
// Throws InvalidArgument naming the file and line for a malformed line.
std::vector<GroundTruthBox> read_ground_truth(const std::string& path);

}  // namespace neuro::video
