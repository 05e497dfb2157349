#include "load/testing/h2_session.hpp"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <cstring>
#include <map>

namespace neuro::load::testing {
namespace {

struct Stream {
  TestRequest request;
  std::string body;
  std::size_t sent = 0;
};

struct Session {
  Channel& channel;
  const Responder& respond;
  std::map<std::int32_t, Stream> streams;
};

Session& of(void* user) { return *static_cast<Session*>(user); }

ssize_t send_bytes(nghttp2_session*, const std::uint8_t* data, std::size_t size, int, void* user) {
  if (!of(user).channel.write_all(reinterpret_cast<const char*>(data), size)) {
    return NGHTTP2_ERR_CALLBACK_FAILURE;
  }
  return static_cast<ssize_t>(size);
}

int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* user) {
  if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
    of(user).streams[frame->hd.stream_id] = Stream{};
  }
  return 0;
}

int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name,
              std::size_t name_size, const std::uint8_t* value, std::size_t value_size,
              std::uint8_t, void* user) {
  auto it = of(user).streams.find(frame->hd.stream_id);
  if (it == of(user).streams.end()) return 0;
  const std::string n(reinterpret_cast<const char*>(name), name_size);
  const std::string v(reinterpret_cast<const char*>(value), value_size);
  if (n == ":method") it->second.request.method = v;
  if (n == ":path") it->second.request.path = v;
  if (n == "authorization") it->second.request.authorization = v;
  return 0;
}

int on_data(nghttp2_session*, std::uint8_t, std::int32_t stream_id, const std::uint8_t*,
            std::size_t size, void* user) {
  auto it = of(user).streams.find(stream_id);
  if (it != of(user).streams.end()) it->second.request.body_size += size;
  return 0;
}

ssize_t read_body(nghttp2_session*, std::int32_t, std::uint8_t* buffer, std::size_t size,
                  std::uint32_t* flags, nghttp2_data_source* source, void*) {
  auto* stream = static_cast<Stream*>(source->ptr);
  const std::size_t n = std::min(size, stream->body.size() - stream->sent);
  // NOLINTNEXTLINE(bugprone-not-null-terminated-result): body bytes, not a C string
  std::memcpy(buffer, stream->body.data() + stream->sent, n);
  stream->sent += n;
  if (stream->sent == stream->body.size()) *flags |= NGHTTP2_DATA_FLAG_EOF;
  return static_cast<ssize_t>(n);
}

void answer_stream(nghttp2_session* session, std::int32_t id, Stream& stream,
                   const Responder& respond) {
  const TestAnswer a = respond(stream.request);
  if (a.reset) {
    nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, id, NGHTTP2_INTERNAL_ERROR);
    return;
  }
  stream.body = a.body;
  const std::string status = std::to_string(a.status);
  const std::string length = std::to_string(a.body.size());
  auto header = [](const char* name, const std::string& value) {
    return nghttp2_nv{reinterpret_cast<std::uint8_t*>(const_cast<char*>(name)),
                      reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.c_str())),
                      std::strlen(name), value.size(), NGHTTP2_NV_FLAG_NONE};
  };
  const std::string type = "application/json";
  nghttp2_nv headers[] = {header(":status", status), header("content-length", length),
                          header("content-type", type)};
  nghttp2_data_provider body{};
  body.source.ptr = &stream;
  body.read_callback = &read_body;
  nghttp2_submit_response(session, id, headers, 3, &body);
}

int on_frame(nghttp2_session* session, const nghttp2_frame* frame, void* user) {
  const bool request_ended =
      (frame->hd.type == NGHTTP2_HEADERS || frame->hd.type == NGHTTP2_DATA) &&
      (frame->hd.flags & NGHTTP2_FLAG_END_STREAM);
  if (!request_ended) return 0;
  auto it = of(user).streams.find(frame->hd.stream_id);
  if (it != of(user).streams.end()) {
    answer_stream(session, frame->hd.stream_id, it->second, of(user).respond);
  }
  return 0;
}

int on_close(nghttp2_session*, std::int32_t stream_id, std::uint32_t, void* user) {
  of(user).streams.erase(stream_id);
  return 0;
}

}  // namespace

void serve_http2(Channel& channel, const std::string& already_read, const Responder& respond) {
  Session state{channel, respond, {}};
  nghttp2_session_callbacks* callbacks = nullptr;
  nghttp2_session_callbacks_new(&callbacks);
  nghttp2_session_callbacks_set_send_callback(callbacks, &send_bytes);
  nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, &on_begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, &on_header);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, &on_data);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, &on_frame);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, &on_close);
  nghttp2_session* session = nullptr;
  nghttp2_session_server_new(&session, callbacks, &state);
  nghttp2_session_callbacks_del(callbacks);
  const nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 100}};
  nghttp2_submit_settings(session, NGHTTP2_FLAG_NONE, settings, 1);
  // The server's SETTINGS go out first, before any answer to what was already read.
  bool open =
      nghttp2_session_send(session) == 0 &&
      (already_read.empty() ||
       nghttp2_session_mem_recv(session, reinterpret_cast<const std::uint8_t*>(already_read.data()),
                                already_read.size()) >= 0);
  char buffer[16384];
  while (open && nghttp2_session_send(session) == 0 &&
         (nghttp2_session_want_read(session) || nghttp2_session_want_write(session))) {
    const ssize_t n = channel.read(buffer, sizeof buffer);
    open = n > 0 && nghttp2_session_mem_recv(session, reinterpret_cast<std::uint8_t*>(buffer),
                                             static_cast<std::size_t>(n)) >= 0;
  }
  nghttp2_session_del(session);
}

}  // namespace neuro::load::testing
