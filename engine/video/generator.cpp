// The encoder loop: render each frame into an AVFrame, encode, mux with rescaled timestamps.
#include "engine/video/generator.hpp"

#include "engine/base/errors.hpp"
#include "engine/video/av_handles.hpp"

extern "C" {
#include <libavutil/opt.h>
}

namespace neuro::video {
namespace {

[[noreturn]] void fail(const std::string& path, const std::string& what, int code) {
  throw base::Error(base::ExitCode::kBadInput, path + ": " + what + ": " + av_error_text(code));
}

// Sends one frame (or the flush, nullptr) and writes every packet the encoder has ready.
void encode(const std::string& path, AVCodecContext* codec, AVFrame* frame, AVFormatContext* out,
            AVStream* stream, AVPacket* packet) {
  int rc = avcodec_send_frame(codec, frame);
  if (rc < 0) fail(path, "encoding", rc);
  while ((rc = avcodec_receive_packet(codec, packet)) >= 0) {
    av_packet_rescale_ts(packet, codec->time_base, stream->time_base);
    packet->stream_index = stream->index;
    rc = av_interleaved_write_frame(out, packet);  // takes the packet's reference
    if (rc < 0) fail(path, "writing", rc);
  }
  if (rc != AVERROR(EAGAIN) && rc != AVERROR_EOF) fail(path, "encoding", rc);
}

}  // namespace

bool has_encoder(const std::string& name) {
  return avcodec_find_encoder_by_name(name.c_str()) != nullptr;
}

std::vector<GroundTruthBox> generate_video(const std::string& path, const GeneratorSpec& spec) {
  const Scene scene(spec.scene);
  const SceneSpec& s = scene.spec();
  const AVCodec* encoder = avcodec_find_encoder_by_name(spec.encoder.c_str());
  if (encoder == nullptr) {
    throw base::InvalidArgument("generator: encoder '" + spec.encoder +
                                "' is not in this libavcodec");
  }
  AVFormatContext* raw_out = nullptr;
  int rc = avformat_alloc_output_context2(&raw_out, nullptr, nullptr, path.c_str());
  if (rc < 0 || raw_out == nullptr) {
    throw base::InvalidArgument(path + ": no container for this file extension (" +
                                av_error_text(rc) + ")");
  }
  OutputFormat out(raw_out);

  CodecContext codec(avcodec_alloc_context3(encoder));
  if (!codec) throw std::bad_alloc();
  codec->width = s.width;
  codec->height = s.height;
  codec->time_base = AVRational{1, s.fps};
  codec->framerate = AVRational{s.fps, 1};
  codec->pix_fmt = encoder->id == AV_CODEC_ID_MJPEG ? AV_PIX_FMT_YUVJ420P : AV_PIX_FMT_YUV420P;
  codec->gop_size = s.fps;  // a key frame every second
  codec->max_b_frames = 0;
  codec->thread_count = spec.threads;
  if (encoder->id == AV_CODEC_ID_H264) {
    av_opt_set(codec->priv_data, "preset", "veryfast", 0);
    av_opt_set(codec->priv_data, "crf", "23", 0);
  } else {
    // Constant quantiser 4: the texture survives well enough for a clean background model.
    codec->flags |= AV_CODEC_FLAG_QSCALE;
    codec->global_quality = FF_QP2LAMBDA * 4;
  }
  if ((out->oformat->flags & AVFMT_GLOBALHEADER) != 0) {
    codec->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  }
  rc = avcodec_open2(codec.get(), encoder, nullptr);
  if (rc < 0) fail(path, "opening encoder " + spec.encoder, rc);

  AVStream* stream = avformat_new_stream(out.get(), nullptr);
  if (stream == nullptr) throw std::bad_alloc();
  stream->time_base = codec->time_base;
  stream->avg_frame_rate = codec->framerate;
  rc = avcodec_parameters_from_context(stream->codecpar, codec.get());
  if (rc < 0) fail(path, "stream parameters", rc);
  if ((out->oformat->flags & AVFMT_NOFILE) == 0) {
    rc = avio_open(&out->pb, path.c_str(), AVIO_FLAG_WRITE);
    if (rc < 0) fail(path, "cannot create", rc);
  }
  rc = avformat_write_header(out.get(), nullptr);
  if (rc < 0) fail(path, "writing header", rc);

  FramePtr frame = make_frame();
  frame->format = codec->pix_fmt;
  frame->width = s.width;
  frame->height = s.height;
  rc = av_frame_get_buffer(frame.get(), 0);
  if (rc < 0) fail(path, "frame buffer", rc);
  PacketPtr packet = make_packet();

  std::vector<GroundTruthBox> truth;
  truth.reserve(static_cast<std::size_t>(s.frames) * scene.object_count());
  for (std::int64_t i = 0; i < s.frames; ++i) {
    // The encoder may still hold a reference to the previous buffer.
    rc = av_frame_make_writable(frame.get());
    if (rc < 0) fail(path, "frame buffer", rc);
    scene.render(i, frame->data[0], frame->linesize[0], frame->data[1], frame->linesize[1],
                 frame->data[2], frame->linesize[2]);
    frame->pts = i;
    if (codec->flags & AV_CODEC_FLAG_QSCALE) frame->quality = codec->global_quality;
    encode(path, codec.get(), frame.get(), out.get(), stream, packet.get());
    for (const auto& b : scene.boxes(i)) truth.push_back(b);
  }
  encode(path, codec.get(), nullptr, out.get(), stream, packet.get());
  rc = av_write_trailer(out.get());
  if (rc < 0) fail(path, "writing trailer", rc);
  return truth;
}

}  // namespace neuro::video
