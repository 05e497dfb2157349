// The demux/decode loop over FFmpeg's send/receive API with strict error checks.
#include "engine/video/decoder.hpp"

#include "engine/base/errors.hpp"

extern "C" {
#include <libavutil/pixdesc.h>
}

namespace neuro::video {
namespace {

// 8-bit formats whose first plane is the luma the detector reads.
bool luma_is_plane_zero(int format) {
  switch (format) {
    case AV_PIX_FMT_YUV420P:
    case AV_PIX_FMT_YUVJ420P:
    case AV_PIX_FMT_YUV422P:
    case AV_PIX_FMT_YUVJ422P:
    case AV_PIX_FMT_YUV444P:
    case AV_PIX_FMT_YUVJ444P:
    case AV_PIX_FMT_NV12:
    case AV_PIX_FMT_GRAY8:
      return true;
    default:
      return false;
  }
}

// FFmpeg's draw_horiz_band: a band of the frame `src` (type 3: a whole frame, not a field).
void tell_band(AVCodecContext* codec, const AVFrame* src, int* /*offset*/, int y, int type,
               int height) {
  constexpr int kFramePicture = 3;
  if (type != kFramePicture || src == nullptr || src->data[0] == nullptr || height <= 0) return;
  static_cast<BandListener*>(codec->opaque)
      ->on_band(LumaBand{src->data[0], src->linesize[0], src->width, src->height, y, height});
}

}  // namespace

void Decoder::fail(const std::string& what) const {
  throw base::InvalidArgument(path_ + ": " + what);
}

Decoder::Decoder(const std::string& path, DecoderOptions options)
    : path_(path), frame_(make_frame()), packet_(make_packet()) {
  AVFormatContext* raw = nullptr;
  int rc = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
  if (rc < 0) fail("cannot open as a video file: " + av_error_text(rc));
  format_.reset(raw);
  rc = avformat_find_stream_info(format_.get(), nullptr);
  if (rc < 0) fail("cannot read stream information: " + av_error_text(rc));
  const AVCodec* codec = nullptr;
  stream_index_ = av_find_best_stream(format_.get(), AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
  if (stream_index_ < 0) fail("no video stream");
  const AVStream* stream = format_->streams[stream_index_];
  const AVCodecParameters* par = stream->codecpar;
  if (par->codec_id != AV_CODEC_ID_MPEG4 && par->codec_id != AV_CODEC_ID_H264) {
    fail(std::string("unsupported codec '") + avcodec_get_name(par->codec_id) +
         "' (supported: mpeg4, h264)");
  }
  if (codec == nullptr) fail("this libavcodec has no decoder for the video stream");
  if (!luma_is_plane_zero(par->format)) {
    const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(par->format));
    fail(std::string("unsupported pixel format '") + (name != nullptr ? name : "unknown") +
         "' (supported: 8-bit YUV)");
  }
  if (par->width <= 0 || par->height <= 0) fail("video stream without a frame size");

  codec_.reset(avcodec_alloc_context3(codec));
  if (!codec_) throw std::bad_alloc();
  rc = avcodec_parameters_to_context(codec_.get(), par);
  if (rc < 0) fail("codec parameters: " + av_error_text(rc));
  codec_->pkt_timebase = stream->time_base;
  codec_->thread_count = options.threads > 0 ? options.threads : 1;
  if (options.bands != nullptr && codec_->thread_count == 1 && par->codec_id == AV_CODEC_ID_MPEG4 &&
      (codec->capabilities & AV_CODEC_CAP_DRAW_HORIZ_BAND) != 0) {
    codec_->opaque = options.bands;
    codec_->draw_horiz_band = tell_band;
    tells_bands_ = true;
  }
  codec_->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
  // Report damaged bitstreams instead of concealing them.
  codec_->err_recognition |= AV_EF_EXPLODE | AV_EF_CRCCHECK;
  rc = avcodec_open2(codec_.get(), codec, nullptr);
  if (rc < 0) fail("cannot open the decoder: " + av_error_text(rc));

  time_base_ = stream->time_base;
  info_.codec = avcodec_get_name(par->codec_id);
  info_.width = par->width;
  info_.height = par->height;
  if (stream->avg_frame_rate.num > 0 && stream->avg_frame_rate.den > 0) {
    info_.fps = av_q2d(stream->avg_frame_rate);
  }
  info_.frame_count = stream->nb_frames;
  if (stream->duration != AV_NOPTS_VALUE) {
    info_.duration_us = av_rescale_q(stream->duration, time_base_, AVRational{1, 1'000'000});
  } else if (format_->duration != AV_NOPTS_VALUE) {
    info_.duration_us = format_->duration;  // AV_TIME_BASE is microseconds
  }
}

bool Decoder::next(FrameView& out) {
  if (finished_) return false;
  for (;;) {
    int rc = avcodec_receive_frame(codec_.get(), frame_.get());
    if (rc >= 0) {
      if ((frame_->flags & AV_FRAME_FLAG_CORRUPT) != 0 || frame_->decode_error_flags != 0) {
        fail("frame " + std::to_string(decoded_) + ": corrupt data");
      }
      if (frame_->width != info_.width || frame_->height != info_.height ||
          !luma_is_plane_zero(frame_->format)) {
        fail("frame " + std::to_string(decoded_) + ": size or pixel format changed mid-stream");
      }
      const std::int64_t ts = frame_->best_effort_timestamp;
      out.luma = frame_->data[0];
      out.luma_stride = frame_->linesize[0];
      out.width = frame_->width;
      out.height = frame_->height;
      out.index = decoded_;
      out.pts_us =
          ts != AV_NOPTS_VALUE
              ? av_rescale_q(ts, time_base_, AVRational{1, 1'000'000})
              : (info_.fps > 0
                     ? static_cast<std::int64_t>(static_cast<double>(decoded_) * 1e6 / info_.fps)
                     : 0);
      out.frame = frame_.get();
      ++decoded_;
      return true;
    }
    if (rc == AVERROR_EOF) {
      finished_ = true;
      if (info_.frame_count > 0 && decoded_ < info_.frame_count) {
        fail("truncated: decoded " + std::to_string(decoded_) + " of the " +
             std::to_string(info_.frame_count) + " frames its index lists");
      }
      return false;
    }
    if (rc != AVERROR(EAGAIN)) {
      fail("frame " + std::to_string(decoded_) + ": corrupt data: " + av_error_text(rc));
    }
    if (flushing_) fail("decoder stalled while flushing");
    rc = av_read_frame(format_.get(), packet_.get());
    if (rc == AVERROR_EOF) {
      flushing_ = true;
      rc = avcodec_send_packet(codec_.get(), nullptr);
    } else if (rc < 0) {
      fail("reading after frame " + std::to_string(decoded_) + ": " + av_error_text(rc));
    } else if (packet_->stream_index != stream_index_) {
      av_packet_unref(packet_.get());
      continue;
    } else {
      rc = avcodec_send_packet(codec_.get(), packet_.get());
      av_packet_unref(packet_.get());
    }
    if (rc < 0 && rc != AVERROR_EOF) {
      fail("frame " + std::to_string(decoded_) + ": corrupt data: " + av_error_text(rc));
    }
  }
}

}  // namespace neuro::video
