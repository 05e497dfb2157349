// The validation platform's video routes end to end on the real PostgreSQL: an upload kept
// byte for byte and processed by its job; a test session whose counts equal engine/video's
// detector + validation run directly on the same file, and the detection_events rows read back
// from PostgreSQL; bad uploads and requests answered with their status and one-line detail.
#include <fstream>
#include <iterator>

#include "engine/server/api_db.hpp"
#include "engine/server/testing/http_client.hpp"
#include "engine/video/ground_truth.hpp"
#include "engine/video/session.hpp"
#include "engine/video/test_support.hpp"
#include "engine/video/validation.hpp"

namespace neuro::server::testing {
namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class ServerVideoTest : public ServerTest {
 protected:
  static constexpr const char* kBoundary = "neuroperf-video-test-boundary-5c1e";

  HttpResult upload(const std::vector<FormPart>& parts) {
    return http_call(port(), http::verb::post, "/api/videos", multipart_body(parts, kBoundary),
                     std::string("multipart/form-data; boundary=") + kBoundary, auth());
  }
  std::string create_project() {
    const auto r = post_json("/api/projects", {{"name", "Video Validation"}});
    EXPECT_EQ(r.status, 201u) << r.body;
    return r.json()["id"].get<std::string>();
  }
  // A generated 2-second video and its ground truth CSV, as files.
  void make_video(const std::string& video, const std::string& truth, std::uint64_t seed) {
    video::quiet_ffmpeg_logs();
    const auto boxes = video::generate_video(video, video::testing::short_video(2, seed));
    video::write_ground_truth(truth, boxes);
  }
  video::testing::TempDir dir_;
};

TEST_F(ServerVideoTest, UploadProcessValidateAndReadBack) {
  const std::string path = dir_.file("v.mp4");
  const std::string truth_path = dir_.file("v.csv");
  make_video(path, truth_path, 21);
  const std::string bytes = read_all(path);
  auto r =
      upload({{"file", bytes, "video/mp4"}, {"ground_truth", read_all(truth_path), "text/csv"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  const std::string video_id = r.json()["video_id"];
  EXPECT_EQ(r.json()["bytes"], bytes.size());
  EXPECT_EQ(r.json()["ground_truth"], true);
  const auto job = wait_done("/api/v2/jobs/" + r.json()["job_id"].get<std::string>());
  ASSERT_EQ(job["status"], "completed") << job.dump();
  EXPECT_EQ(job["result"]["frames"], 60);

  // The stored file is the upload, byte for byte (read through PostgreSQL's record of it).
  store::Connection c(options().pg_url);
  c.set_search_path(options().schema);
  const auto row = query(c, "SELECT file_path, status FROM api_videos WHERE id = $1", {video_id});
  ASSERT_EQ(row.rows(), 1);
  EXPECT_EQ(row.value(0, 1), "ready");
  EXPECT_EQ(read_all(std::string(row.value(0, 0))), bytes);
  r = get("/api/videos/" + video_id);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json()["codec"], "mpeg4");
  EXPECT_EQ(r.json()["frames"], 60);

  const std::string project = create_project();
  r = post_json("/api/test-sessions",
                {{"project_id", project}, {"video_id", video_id}, {"tolerance_ms", 100}});
  ASSERT_EQ(r.status, 201u) << r.body;
  const auto session = r.json();
  EXPECT_EQ(session["status"], "completed");
  EXPECT_EQ(session["frames"], 60);

  // The reference: engine/video's detector and validation called directly on the same file.
  const auto run = video::run_session(path);
  const auto expected = video::validate(run.events, video::read_ground_truth(truth_path),
                                        video::ValidationOptions{100, 0.5});
  EXPECT_EQ(session["event_counts"]["TP"], expected.true_positives);
  EXPECT_EQ(session["event_counts"]["FP"], expected.false_positives);
  EXPECT_EQ(session["event_counts"]["FN"], expected.false_negatives);
  EXPECT_EQ(session["detections"], static_cast<std::int64_t>(run.events.size()));
  EXPECT_NEAR(session["precision"].get<double>(), expected.precision, 1e-6);
  EXPECT_NEAR(session["recall"].get<double>(), expected.recall, 1e-6);
  EXPECT_GE(session["precision"].get<double>(), 0.99);
  EXPECT_GE(session["recall"].get<double>(), 0.99);

  // The events themselves, from PostgreSQL: one row per labelled event, boxes as detected.
  const std::string id = std::to_string(session["id"].get<std::int64_t>());
  const auto events = query(c,
                            "SELECT frame_index, box_x, box_y, box_width, box_height FROM "
                            "detection_events WHERE session_id = $1::bigint AND "
                            "validation_result <> 'FN' ORDER BY frame_index, box_y, box_x",
                            {id});
  ASSERT_EQ(events.rows(), static_cast<int>(run.events.size()));
  auto sorted = run.events;
  std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return std::tie(a.frame, a.box.y, a.box.x) < std::tie(b.frame, b.box.y, b.box.x);
  });
  for (int i = 0; i < events.rows(); ++i) {
    const auto& e = sorted[static_cast<std::size_t>(i)];
    ASSERT_EQ(std::stoll(std::string(events.value(i, 0))), e.frame);
    ASSERT_EQ(std::stoi(std::string(events.value(i, 1))), e.box.x);
    ASSERT_EQ(std::stoi(std::string(events.value(i, 2))), e.box.y);
    ASSERT_EQ(std::stoi(std::string(events.value(i, 3))), e.box.width);
    ASSERT_EQ(std::stoi(std::string(events.value(i, 4))), e.box.height);
  }
  r = get("/api/test-sessions/" + id);
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json(), session);
}

TEST_F(ServerVideoTest, BadUploadsAndRequests) {
  auto r = upload({{"ground_truth", "frame,time_us,object_id,x,y,width,height\n", "text/csv"}});
  EXPECT_EQ(r.status, 422u) << r.body;
  EXPECT_NE(r.json()["detail"].get<std::string>().find("'file'"), std::string::npos);
  r = http_call(port(), http::verb::post, "/api/videos", "{}", "application/json", auth());
  EXPECT_EQ(r.status, 415u) << r.body;
  r = upload({{"file", "not,a,csv", "video/mp4"}, {"ground_truth", "x\n", "text/csv"}});
  EXPECT_EQ(r.status, 422u) << r.body;
  EXPECT_NE(r.json()["detail"].get<std::string>().find("ground_truth"), std::string::npos);

  // Bytes that are no video: accepted (durably), then the job fails with the decoder's line.
  std::string junk(50000, '\0');
  for (std::size_t i = 0; i < junk.size(); ++i) junk[i] = static_cast<char>((i * 7919) % 251);
  r = upload({{"file", junk, "video/mp4"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  const std::string junk_id = r.json()["video_id"];
  const auto job = wait_done("/api/v2/jobs/" + r.json()["job_id"].get<std::string>());
  EXPECT_EQ(job["status"], "failed");
  EXPECT_NE(job["error"].get<std::string>().find("cannot open as a video file"), std::string::npos)
      << job.dump();
  EXPECT_EQ(get("/api/videos/" + junk_id).json()["status"], "failed");

  const std::string project = create_project();
  r = post_json("/api/test-sessions", {{"project_id", project}, {"video_id", junk_id}});
  EXPECT_EQ(r.status, 409u) << r.body;

  // A real video without ground truth cannot be validated.
  const std::string path = dir_.file("v.mp4");
  make_video(path, dir_.file("v.csv"), 22);
  r = upload({{"file", read_all(path), "video/mp4"}});
  ASSERT_EQ(r.status, 200u) << r.body;
  const std::string plain_id = r.json()["video_id"];
  ASSERT_EQ(wait_done("/api/v2/jobs/" + r.json()["job_id"].get<std::string>())["status"],
            "completed");
  r = post_json("/api/test-sessions", {{"project_id", project}, {"video_id", plain_id}});
  EXPECT_EQ(r.status, 422u) << r.body;

  EXPECT_EQ(
      post_json("/api/test-sessions", {{"project_id", project}, {"video_id", "vid_none"}}).status,
      404u);
  EXPECT_EQ(
      post_json("/api/test-sessions", {{"project_id", "999999999999"}, {"video_id", plain_id}})
          .status,
      404u);
  EXPECT_EQ(post_json("/api/test-sessions",
                      {{"project_id", project}, {"video_id", plain_id}, {"tolerance_ms", -5}})
                .status,
            422u);
  EXPECT_EQ(post_json("/api/test-sessions", {{"video_id", plain_id}}).status, 422u);
  EXPECT_EQ(get("/api/test-sessions/999999999999").status, 404u);
  EXPECT_EQ(get("/api/test-sessions/abc").status, 404u);
  EXPECT_EQ(get("/api/videos/vid_none").status, 404u);
}

}  // namespace
}  // namespace neuro::server::testing
