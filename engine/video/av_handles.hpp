// Owning handles for FFmpeg's C objects (each freed by its own av*_free call) and the text of an
// FFmpeg error code, so no path in engine/video can leak a context or frame on an exception.
#pragma once

#include <memory>
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/frame.h>
}

namespace neuro::video {

struct InputFormatDeleter {
  void operator()(AVFormatContext* context) const noexcept { avformat_close_input(&context); }
};
// An output context owns its AVIOContext only once avio_open succeeded (flag AVFMT_NOFILE off).
struct OutputFormatDeleter {
  void operator()(AVFormatContext* context) const noexcept {
    if (context->pb != nullptr && (context->oformat->flags & AVFMT_NOFILE) == 0) {
      avio_closep(&context->pb);
    }
    avformat_free_context(context);
  }
};
struct CodecContextDeleter {
  void operator()(AVCodecContext* context) const noexcept { avcodec_free_context(&context); }
};
struct FrameDeleter {
  void operator()(AVFrame* frame) const noexcept { av_frame_free(&frame); }
};
struct PacketDeleter {
  void operator()(AVPacket* packet) const noexcept { av_packet_free(&packet); }
};

using InputFormat = std::unique_ptr<AVFormatContext, InputFormatDeleter>;
using OutputFormat = std::unique_ptr<AVFormatContext, OutputFormatDeleter>;
using CodecContext = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;

// A fresh frame / packet; throws std::bad_alloc when FFmpeg cannot allocate one.
FramePtr make_frame();
PacketPtr make_packet();

// FFmpeg's message for an AVERROR code ("Invalid data found when processing input").
std::string av_error_text(int code);

// FFmpeg logs decoder complaints on stderr by itself; tools and tests that report errors their
// own way call this once (it sets the library's process-wide log level to fatal only).
void quiet_ffmpeg_logs() noexcept;

}  // namespace neuro::video
