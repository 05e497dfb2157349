// POST /api/videos (multipart: file, optional ground_truth CSV): the body is streamed to disk,
// the video part copied out and fsync'd, and the video and its processing job committed before
// the 200; the job decodes every frame (a damaged file fails it with the decoder's one line).
// GET /api/videos/{id}. The schema additions of the video routes.
#include "engine/server/handlers/videos.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>

#include "engine/base/errors.hpp"
#include "engine/server/api_db.hpp"
#include "engine/server/handlers/common.hpp"
#include "engine/server/jobs.hpp"
#include "engine/server/multipart.hpp"
#include "engine/video/decoder.hpp"
#include "engine/video/ground_truth.hpp"

namespace neuro::server {
namespace fs = std::filesystem;

void create_video_schema(store::Connection& c) {
  c.exec(
      "CREATE TABLE IF NOT EXISTS api_videos (id text PRIMARY KEY, status text NOT NULL, "
      "file_path text NOT NULL, truth_path text, filename text, bytes bigint NOT NULL, "
      "codec text, width integer, height integer, fps double precision, frames bigint, "
      "duration_s double precision, error text, created_by text, "
      "created_at timestamptz NOT NULL DEFAULT clock_timestamp())");
  c.exec(
      "ALTER TABLE test_sessions ADD COLUMN IF NOT EXISTS video_id text, "
      "ADD COLUMN IF NOT EXISTS tolerance_ms integer, "
      "ADD COLUMN IF NOT EXISTS frames bigint, ADD COLUMN IF NOT EXISTS processing_ms double "
      "precision, ADD COLUMN IF NOT EXISTS precision double precision, "
      "ADD COLUMN IF NOT EXISTS recall double precision, ADD COLUMN IF NOT EXISTS error text, "
      "ADD COLUMN IF NOT EXISTS created_by text");
  c.exec(
      "ALTER TABLE detection_events ADD COLUMN IF NOT EXISTS validation_result text, "
      "ADD COLUMN IF NOT EXISTS frame_index bigint, "
      "ADD COLUMN IF NOT EXISTS video_time_ms double precision, "
      "ADD COLUMN IF NOT EXISTS box_x integer, ADD COLUMN IF NOT EXISTS box_y integer, "
      "ADD COLUMN IF NOT EXISTS box_width integer, ADD COLUMN IF NOT EXISTS box_height integer");
}

namespace {

// A read-only mapping of a whole file (the streamed multipart body).
class MappedFile {
 public:
  explicit MappedFile(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (fd_ < 0 || ::fstat(fd_, &st) != 0) {
      throw ApiError(http::status::internal_server_error, "video upload " + path + ": cannot open");
    }
    size_ = static_cast<std::size_t>(st.st_size);
    if (size_ > 0) {
      data_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
      if (data_ == MAP_FAILED) {
        data_ = nullptr;
        throw ApiError(http::status::internal_server_error, "video upload " + path + ": mmap");
      }
    }
  }
  ~MappedFile() {
    if (data_ != nullptr) ::munmap(data_, size_);
    if (fd_ >= 0) ::close(fd_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  std::string_view view() const { return {static_cast<const char*>(data_), size_}; }

 private:
  int fd_ = -1;
  void* data_ = nullptr;
  std::size_t size_ = 0;
};

// Writes `bytes` to `path` and fsyncs it; 503 when the disk refuses.
void write_durably(const fs::path& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw ApiError(http::status::service_unavailable, "cannot create " + path.string());
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      throw ApiError(http::status::service_unavailable,
                     "writing " + path.string() + " failed: " + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!synced) throw ApiError(http::status::service_unavailable, "fsync of " + path.string());
}

void fsync_directory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

class VideoUploadSink final : public BodySink {
 public:
  VideoUploadSink(ServerContext& server, std::string boundary, std::string user)
      : server_(server), boundary_(std::move(boundary)), user_(std::move(user)) {
    video_id_ = new_id("vid_");
    dir_ = server.options.data_dir / "videos";
    fs::create_directories(dir_);
    part_path_ = dir_ / (video_id_ + ".part");
    video_path_ = dir_ / (video_id_ + ".video");
    truth_path_ = dir_ / (video_id_ + ".truth.csv");
    fd_ = ::open(part_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd_ < 0) {
      throw ApiError(http::status::service_unavailable, "cannot create a file in " + dir_.string());
    }
  }
  ~VideoUploadSink() override {
    if (fd_ >= 0) ::close(fd_);
    std::error_code ec;
    fs::remove(part_path_, ec);
    if (!kept_) {
      fs::remove(video_path_, ec);
      fs::remove(truth_path_, ec);
    }
  }

  void write(std::string_view bytes) override {
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        throw ApiError(http::status::service_unavailable,
                       "writing the upload to disk failed: " + std::string(std::strerror(errno)));
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  StringResponse finish() override {
    ::close(fd_);
    fd_ = -1;
    std::size_t video_bytes = 0;
    std::string filename;
    bool has_truth = false;
    {
      MappedFile body(part_path_.string());
      const auto parts = parse_multipart(body.view(), boundary_);
      const MultipartPart* file = find_part(parts, "file");
      if (file == nullptr) unprocessable("multipart field 'file' (the video) is missing");
      if (file->data.empty()) unprocessable("multipart field 'file' is empty");
      video_bytes = file->data.size();
      filename = file->filename;
      write_durably(video_path_, file->data);
      if (const MultipartPart* truth = find_part(parts, "ground_truth")) {
        write_durably(truth_path_, truth->data);
        try {
          video::read_ground_truth(truth_path_.string());
        } catch (const base::InvalidArgument& e) {
          unprocessable(std::string("ground_truth: ") + e.what());
        }
        has_truth = true;
      }
    }
    fsync_directory(dir_);
    const std::string job_id = new_id("job_");
    {
      auto db = server_.pg.acquire();
      store::Transaction transaction(*db);
      query(*db,
            "INSERT INTO api_videos (id, status, file_path, truth_path, filename, bytes, "
            "created_by) VALUES ($1, 'queued', $2, $3, $4, $5, $6)",
            {video_id_, video_path_.string(),
             has_truth ? std::optional<std::string>(truth_path_.string()) : std::nullopt, filename,
             std::to_string(video_bytes), user_});
      query(*db,
            "INSERT INTO api_jobs (id, kind, status, params, file_path, created_by) VALUES ($1, "
            "'video', 'queued', $2::jsonb, $3, $4)",
            {job_id, nlohmann::json{{"video_id", video_id_}}.dump(), video_path_.string(), user_});
      transaction.commit();
    }
    kept_ = true;
    enqueue_job(server_, job_id, "video");
    return json_response(http::status::ok, {{"video_id", video_id_},
                                            {"job_id", job_id},
                                            {"status", "queued"},
                                            {"bytes", video_bytes},
                                            {"ground_truth", has_truth}});
  }

 private:
  ServerContext& server_;
  std::string boundary_;
  std::string user_;
  std::string video_id_;
  fs::path dir_, part_path_, video_path_, truth_path_;
  int fd_ = -1;
  bool kept_ = false;
};

constexpr const char* kVideoColumns =
    "id, status, bytes, coalesce(codec, ''), coalesce(width, 0), coalesce(height, 0), "
    "coalesce(fps, 0), coalesce(frames, 0), coalesce(duration_s, 0), truth_path IS NOT NULL, "
    "coalesce(error, ''), coalesce(filename, ''), file_path, coalesce(truth_path, '')";

nlohmann::json video_json(const store::Result& r) {
  nlohmann::json j{{"id", r.value(0, 0)},
                   {"status", r.value(0, 1)},
                   {"bytes", std::stoll(std::string(r.value(0, 2)))},
                   {"codec", r.value(0, 3)},
                   {"width", std::stoi(std::string(r.value(0, 4)))},
                   {"height", std::stoi(std::string(r.value(0, 5)))},
                   {"fps", std::stod(std::string(r.value(0, 6)))},
                   {"frames", std::stoll(std::string(r.value(0, 7)))},
                   {"duration_s", std::stod(std::string(r.value(0, 8)))},
                   {"ground_truth", r.value(0, 9) == "t"},
                   {"filename", r.value(0, 11)}};
  if (!r.value(0, 10).empty()) j["error"] = r.value(0, 10);
  return j;
}

}  // namespace

JobQueueOutcome run_video_job(ServerContext& server, const std::string& id,
                              const std::atomic<bool>& stopping) {
  std::string video_id;
  try {
    std::string path;
    {
      auto db = server.pg.acquire();
      const auto r = query(*db,
                           "SELECT params->>'video_id', coalesce(file_path, '') FROM api_jobs "
                           "WHERE id = $1",
                           {id});
      if (r.rows() == 0) return JobQueueOutcome::kFailed;
      video_id = r.value(0, 0);
      path = r.value(0, 1);
      query(*db, "UPDATE api_videos SET status = 'processing' WHERE id = $1", {video_id});
    }
    set_job_status(server, id, "running", 0.0);
    video::Decoder decoder(path);
    video::FrameView frame;
    while (decoder.next(frame)) {
      if (frame.index % 64 == 0 && stopping.load()) return JobQueueOutcome::kInterrupted;
    }
    const video::VideoInfo& info = decoder.info();
    const double duration_s =
        info.fps > 0 ? static_cast<double>(decoder.frames_decoded()) / info.fps : 0.0;
    const nlohmann::json result{{"video_id", video_id},    {"codec", info.codec},
                                {"width", info.width},     {"height", info.height},
                                {"fps", info.fps},         {"frames", decoder.frames_decoded()},
                                {"duration_s", duration_s}};
    {
      auto db = server.pg.acquire();
      query(*db,
            "UPDATE api_videos SET status = 'ready', codec = $2, width = $3, height = $4, fps = "
            "$5, frames = $6, duration_s = $7 WHERE id = $1",
            {video_id, info.codec, std::to_string(info.width), std::to_string(info.height),
             std::to_string(info.fps), std::to_string(decoder.frames_decoded()),
             std::to_string(duration_s)});
    }
    set_job_status(server, id, "completed", 1.0, &result);
    return JobQueueOutcome::kCompleted;
  } catch (const std::exception& e) {
    try {
      auto db = server.pg.acquire();
      query(*db, "UPDATE api_videos SET status = 'failed', error = $2 WHERE id = $1",
            {video_id, e.what()});
    } catch (const std::exception&) {
      // The database is gone: the job stays queued or running and is resumed at the next start.
    }
    return fail_job(server, id, e.what());
  }
}

namespace handlers {

std::unique_ptr<BodySink> upload_video(RequestContext& request) {
  const auto boundary = multipart_boundary(to_sv((*request.header)[http::field::content_type]));
  if (!boundary) {
    throw ApiError(http::status::unsupported_media_type,
                   "expected Content-Type multipart/form-data with a boundary");
  }
  return std::make_unique<VideoUploadSink>(*request.server, *boundary, request.user);
}

StringResponse get_video(RequestContext& request) {
  auto db = request.server->pg.acquire();
  const auto r =
      query(*db, std::string("SELECT ") + kVideoColumns + " FROM api_videos WHERE id = $1",
            {request.param(0)});
  if (r.rows() == 0) not_found("no video '" + request.param(0) + "'");
  return json_response(http::status::ok, video_json(r));
}

}  // namespace handlers
}  // namespace neuro::server
