// Demuxes and decodes a video file (MPEG-4 Part 2 or H.264, 8-bit YUV) frame by frame. Frames
// are handed on as views into the decoder's own buffer (no copy), valid until the next call.
#pragma once

#include <cstdint>
#include <string>

#include "engine/video/av_handles.hpp"

namespace neuro::video {

// Told of each band of a frame's luma rows as soon as the decoder has finished them, while they
// are still in the CPU's cache (FFmpeg's draw_horiz_band), so a reader of every pixel does not
// fetch the frame again from memory once it is whole. Only MPEG-4 Part 2 decoded on one thread
// tells (its pixels are final once their macroblock row is decoded: no in-loop filter); other
// decoders tell nothing. Bands come top to bottom, in display order, before next() returns
// their frame. Called from inside libavcodec: it must not throw.
struct LumaBand {
  const std::uint8_t* plane = nullptr;  // the frame's luma plane: FrameView::luma once returned
  int stride = 0;
  int width = 0;  // the frame's
  int height = 0;
  int y = 0;  // the band's first row and its count of rows
  int rows = 0;
};

class BandListener {
 public:
  virtual void on_band(const LumaBand& band) noexcept = 0;

 protected:
  ~BandListener() = default;
};

struct DecoderOptions {
  // Decoder threads. FFmpeg's frame threading pays for one session alone on a multi-core
  // machine; with as many sessions as cores, 1 per session avoids the hand-off cost.
  int threads = 1;
  BandListener* bands = nullptr;  // not owned; outlives the decoder
};

struct VideoInfo {
  std::string codec;  // FFmpeg's short name: "mpeg4", "h264"
  int width = 0;
  int height = 0;
  double fps = 0.0;
  std::int64_t frame_count = 0;  // from the container's index; 0 when it has none
  std::int64_t duration_us = 0;
};

// One decoded frame's luma plane (what the detector reads) and its place in time.
struct FrameView {
  const std::uint8_t* luma = nullptr;
  int luma_stride = 0;
  int width = 0;
  int height = 0;
  std::int64_t index = 0;          // 0-based, in display order
  std::int64_t pts_us = 0;         // presentation time from the container
  const AVFrame* frame = nullptr;  // the whole frame (chroma too), same lifetime
};

class Decoder {
 public:
  // Throws InvalidArgument with one line naming the file and the reason when it cannot be
  // opened, has no video stream, or holds another codec or pixel format.
  explicit Decoder(const std::string& path, DecoderOptions options = {});

  const VideoInfo& info() const noexcept { return info_; }

  // The next frame, or false at the end. Throws InvalidArgument for corrupt data or a file that
  // ends before the frames its index lists.
  bool next(FrameView& out);

  std::int64_t frames_decoded() const noexcept { return decoded_; }
  // Whether the BandListener of the options is told of bands (see BandListener).
  bool tells_bands() const noexcept { return tells_bands_; }

 private:
  [[noreturn]] void fail(const std::string& what) const;

  std::string path_;
  InputFormat format_;
  CodecContext codec_;
  FramePtr frame_;
  PacketPtr packet_;
  int stream_index_ = -1;
  AVRational time_base_{1, 1};
  VideoInfo info_;
  std::int64_t decoded_ = 0;
  bool flushing_ = false;
  bool finished_ = false;
  bool tells_bands_ = false;
};

}  // namespace neuro::video
