// POST /api/v2/data/upload (multipart session_id, data, metadata): the body is streamed to a
// file in --data-dir, fsync'd, and a job row committed before the 200, so an answered upload
// survives a crash; the job ingests the samples into the store and runs the DSP pipeline.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <optional>

#include "engine/base/errors.hpp"
#include "engine/dsp/pipeline.hpp"
#include "engine/server/api_db.hpp"
#include "engine/server/handlers/common.hpp"
#include "engine/server/handlers/handlers.hpp"
#include "engine/server/jobs.hpp"
#include "engine/server/multipart.hpp"

namespace neuro::server {

namespace {

// A read-only mapping of a whole file.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDONLY);
    struct stat st {};
    if (fd_ < 0 || ::fstat(fd_, &st) != 0) {
      throw ApiError(http::status::internal_server_error, "upload file " + path + ": cannot open");
    }
    size_ = static_cast<std::size_t>(st.st_size);
    if (size_ > 0) {
      data_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
      if (data_ == MAP_FAILED) {
        data_ = nullptr;
        throw ApiError(http::status::internal_server_error, "upload file " + path + ": mmap");
      }
      ::madvise(data_, size_, MADV_SEQUENTIAL);
    }
  }
  ~MappedFile() {
    if (data_) ::munmap(data_, size_);
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

void fsync_directory(const std::filesystem::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

class UploadSink final : public BodySink {
 public:
  UploadSink(ServerContext& server, std::string boundary, std::string user)
      : server_(server), boundary_(std::move(boundary)), user_(std::move(user)) {
    job_id_ = new_id("job_");
    const auto dir = server.options.data_dir / "uploads";
    std::filesystem::create_directories(dir);
    part_path_ = dir / (job_id_ + ".part");
    final_path_ = dir / (job_id_ + ".upload");
    fd_ = ::open(part_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd_ < 0) {
      throw ApiError(http::status::service_unavailable,
                     "cannot create upload file in " + dir.string());
    }
  }
  ~UploadSink() override {
    if (fd_ >= 0) ::close(fd_);
    if (!kept_) {
      std::error_code ec;
      std::filesystem::remove(part_path_, ec);
      std::filesystem::remove(final_path_, ec);
    }
  }

  void write(std::string_view bytes) override {
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        throw ApiError(http::status::service_unavailable,
                       "writing the upload to disk failed: " + std::string(std::strerror(errno)));
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  StringResponse finish() override {
    if (::fsync(fd_) != 0) {
      throw ApiError(http::status::service_unavailable, "fsync of the upload failed");
    }
    ::close(fd_);
    fd_ = -1;
    nlohmann::json params;
    handlers::ApiSession wanted;
    {
      MappedFile file(part_path_.string());
      const auto parts = parse_multipart(file.view(), boundary_);
      const MultipartPart* sid = find_part(parts, "session_id");
      const MultipartPart* data = find_part(parts, "data");
      const MultipartPart* meta = find_part(parts, "metadata");
      if (!sid) unprocessable("multipart field 'session_id' is missing");
      if (!data) unprocessable("multipart field 'data' is missing");
      if (!meta) unprocessable("multipart field 'metadata' is missing");
      wanted.id = std::string(sid->data);
      handlers::check_session_id(wanted.id);
      nlohmann::json m;
      try {
        m = nlohmann::json::parse(meta->data);
      } catch (const nlohmann::json::exception& e) {  // parse_error or a number out of range
        bad_request(std::string("metadata is not valid JSON: ") + e.what());
      }
      const auto channels = handlers::optional_number(m, "channels");
      const auto rate = handlers::optional_number(m, "sample_rate");
      if (!channels || *channels < 1 || *channels > 4096 ||
          *channels != static_cast<int>(*channels)) {
        unprocessable("metadata.channels must be an integer in [1, 4096]");
      }
      if (!rate || !(*rate > 0 && *rate <= 1e6)) {
        unprocessable("metadata.sample_rate must be a positive number");
      }
      wanted.channels = static_cast<int>(*channels);
      wanted.sample_rate_hz = *rate;
      wanted.duration_s = handlers::optional_number(m, "duration");
      const std::size_t frame = static_cast<std::size_t>(wanted.channels) * sizeof(float);
      if (data->data.empty() || data->data.size() % frame != 0) {
        unprocessable("data of " + std::to_string(data->data.size()) +
                      " bytes is not a whole number of float32 frames of " +
                      std::to_string(wanted.channels) + " channels");
      }
      params = {{"channels", wanted.channels},
                {"sample_rate", wanted.sample_rate_hz},
                {"data_offset", data->offset},
                {"data_bytes", data->data.size()},
                {"samples_per_channel", data->data.size() / frame}};
      if (wanted.duration_s) params["duration"] = *wanted.duration_s;
    }
    wanted.source = "upload";
    wanted.device_id = "upload";
    wanted.start_us = handlers::unix_now_us();
    std::filesystem::rename(part_path_, final_path_);
    fsync_directory(final_path_.parent_path());
    {
      auto db = server_.pg.acquire();
      store::Transaction transaction(*db);
      // An unknown session id creates the session: clients choose ids like perf_test_0.
      const handlers::ApiSession s = handlers::ensure_session(*db, wanted, user_);
      if (s.channels != wanted.channels || s.sample_rate_hz != wanted.sample_rate_hz) {
        throw ApiError(http::status::conflict,
                       "session '" + s.id + "' has " + std::to_string(s.channels) +
                           " channels at " + std::to_string(s.sample_rate_hz) +
                           " Hz; the upload has " + std::to_string(wanted.channels) + " at " +
                           std::to_string(wanted.sample_rate_hz) + " Hz");
      }
      query(*db,
            "INSERT INTO api_jobs (id, kind, status, session_id, params, file_path, created_by) "
            "VALUES ($1, 'upload', 'queued', $2, $3::jsonb, $4, $5)",
            {job_id_, s.id, params.dump(), final_path_.string(), user_});
      transaction.commit();
    }
    kept_ = true;
    enqueue_job(server_, job_id_, "upload");
    return json_response(http::status::ok, {{"job_id", job_id_},
                                            {"session_id", wanted.id},
                                            {"status", "queued"},
                                            {"bytes", params["data_bytes"]}});
  }

 private:
  ServerContext& server_;
  std::string boundary_;
  std::string user_;
  std::string job_id_;
  std::filesystem::path part_path_;
  std::filesystem::path final_path_;
  int fd_ = -1;
  bool kept_ = false;
};

// The DSP pipeline's findings on an ingested upload. A recording it cannot judge (every channel
// flat: electrodes off; a non-finite sample) was still ingested, which is the job's work: the
// job completes and the result says why there are no findings, instead of failing a stored
// upload.
nlohmann::json pipeline_summary(const common::SignalBlock& block, double sample_rate_hz) {
  dsp::PipelineOptions options;
  options.threads = 1;
  std::optional<dsp::PipelineResult> result;
  try {
    result = dsp::Pipeline(options, sample_rate_hz).run(block);
  } catch (const base::InvalidArgument& e) {
    return {{"error", e.what()}};
  }
  const dsp::PipelineResult& processed = *result;
  nlohmann::json features = nlohmann::json::array();
  for (std::size_t c = 0; c < processed.features.size(); ++c) {
    nlohmann::json bands;
    for (std::size_t b = 0; b < dsp::kEegBands.size(); ++b) {
      bands[std::string(dsp::kEegBands[b].name)] = processed.features[c].band_power_uv2[b];
    }
    features.push_back({{"channel", c},
                        {"band_power_uv2", bands},
                        {"total_power_uv2", processed.features[c].total_power_uv2},
                        {"spectral_entropy", processed.features[c].spectral_entropy}});
  }
  return {{"bad_channels", processed.artifacts.bad_channels()},
          {"clipped_samples", processed.artifacts.clipped_samples()},
          {"features", std::move(features)}};
}

}  // namespace

JobQueueOutcome run_upload_job(ServerContext& server, const std::string& id,
                               const std::atomic<bool>& stopping) {
  std::string session_id, file_path;
  nlohmann::json params;
  try {
    {
      auto db = server.pg.acquire();
      const auto r = query(*db,
                           "SELECT session_id, params::text, coalesce(file_path, '') FROM "
                           "api_jobs WHERE id = $1",
                           {id});
      if (r.rows() == 0) return JobQueueOutcome::kFailed;
      session_id = r.value(0, 0);
      params = nlohmann::json::parse(r.value(0, 1));
      file_path = r.value(0, 2);
    }
    set_job_status(server, id, "running", params.contains("first_sample") ? 0.5 : 0.0);
    MappedFile file(file_path);
    const std::size_t offset = params["data_offset"].get<std::size_t>();
    const std::size_t bytes = params["data_bytes"].get<std::size_t>();
    const std::size_t samples = params["samples_per_channel"].get<std::size_t>();
    if (offset + bytes > file.view().size()) {
      throw std::runtime_error("upload file " + file_path + " is shorter than recorded");
    }
    const char* data = file.view().data() + offset;
    handlers::ApiSession session;
    if (!params.contains("first_sample")) {
      // One transaction: the samples, the session's count and the job's progress commit
      // together, so an interrupted ingest leaves nothing behind and is simply run again.
      auto db = server.pg.acquire();
      store::Transaction transaction(*db);
      auto s = handlers::find_session(*db, session_id, true);
      if (!s) throw std::runtime_error("session '" + session_id + "' is gone");
      session = *s;
      handlers::store_samples(*db, session, data, samples, session.samples_stored,
                              server.options.ingest_chunk_samples, &stopping);
      query(*db,
            "UPDATE api_sessions SET samples_stored = samples_stored + $2, status = 'recorded' "
            "WHERE id = $1",
            {session_id, std::to_string(samples)});
      params["first_sample"] = session.samples_stored;
      query(*db,
            "UPDATE api_jobs SET params = $2::jsonb, progress = 0.5, updated_at = "
            "clock_timestamp() WHERE id = $1",
            {id, params.dump()});
      transaction.commit();
    } else {
      auto db = server.pg.acquire();
      auto s = handlers::find_session(*db, session_id);
      if (!s) throw std::runtime_error("session '" + session_id + "' is gone");
      session = *s;
    }
    if (stopping.load()) return JobQueueOutcome::kInterrupted;
    common::SignalBlock block(static_cast<std::size_t>(session.channels), samples,
                              session.sample_rate_hz);
    std::memcpy(block.data(), data, bytes);
    nlohmann::json result{
        {"session_id", session_id},
        {"samples_ingested", samples * static_cast<std::size_t>(session.channels)},
        {"samples_per_channel", samples},
        {"first_sample", params["first_sample"]}};
    result["pipeline"] = pipeline_summary(block, session.sample_rate_hz);
    set_job_status(server, id, "completed", 1.0, &result);
    std::error_code ec;
    std::filesystem::remove(file_path, ec);
    return JobQueueOutcome::kCompleted;
  } catch (const handlers::JobInterrupted&) {
    return JobQueueOutcome::kInterrupted;
  } catch (const std::exception& e) {
    return fail_job(server, id, e.what());
  }
}

namespace handlers {

std::unique_ptr<BodySink> upload(RequestContext& request) {
  const auto boundary = multipart_boundary(to_sv((*request.header)[http::field::content_type]));
  if (!boundary) {
    throw ApiError(http::status::unsupported_media_type,
                   "expected Content-Type multipart/form-data with a boundary");
  }
  return std::make_unique<UploadSink>(*request.server, *boundary, request.user);
}

}  // namespace handlers
}  // namespace neuro::server
