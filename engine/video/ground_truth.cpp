// CSV reading and writing of ground-truth boxes.
#include "engine/video/ground_truth.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "engine/base/errors.hpp"

namespace neuro::video {
namespace {
constexpr const char* kHeader = "frame,time_us,object_id,x,y,width,height";
}

void write_ground_truth(const std::string& path, const std::vector<GroundTruthBox>& boxes) {
  std::ofstream out(path, std::ios::trunc);
  out << kHeader << '\n';
  for (const auto& b : boxes) {
    out << b.frame << ',' << b.time_us << ',' << b.object_id << ',' << b.box.x << ',' << b.box.y
        << ',' << b.box.width << ',' << b.box.height << '\n';
  }
  out.flush();
  if (!out) throw base::Error(base::ExitCode::kBadInput, path + ": cannot write ground truth");
}

std::vector<GroundTruthBox> read_ground_truth(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw base::InvalidArgument(path + ": cannot open ground truth");
  std::string line;
  if (!std::getline(in, line) || line != kHeader) {
    throw base::InvalidArgument(path + ":1: expected header '" + kHeader + "'");
  }
  std::vector<GroundTruthBox> boxes;
  for (int number = 2; std::getline(in, line); ++number) {
    if (line.empty()) continue;
    GroundTruthBox b;
    long long frame = 0, time_us = 0;
    int consumed = 0;
    if (std::sscanf(line.c_str(), "%lld,%lld,%d,%d,%d,%d,%d%n", &frame, &time_us, &b.object_id,
                    &b.box.x, &b.box.y, &b.box.width, &b.box.height, &consumed) != 7 ||
        consumed != static_cast<int>(line.size())) {
      throw base::InvalidArgument(path + ":" + std::to_string(number) +
                                  ": expected 7 comma-separated integers");
    }
    b.frame = frame;
    b.time_us = time_us;
    boxes.push_back(b);
  }
  return boxes;
}

}  // namespace neuro::video
