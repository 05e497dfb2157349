// The resources end to end against the real store: patients and sessions, session data stored
// once per chunk_index and read back bit for bit (through the API and straight from
// PostgreSQL), durable uploads ingested by their job, analyses equal to engine/dsp on the same
// samples, reports, projects, inference.
#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <random>
#include <thread>

#include "engine/common/synthetic_eeg.hpp"
#include "engine/dsp/artifacts.hpp"
#include "engine/dsp/connectivity.hpp"
#include "engine/dsp/features.hpp"
#include "engine/server/api_db.hpp"
#include "engine/server/handlers/analysis.hpp"
#include "engine/server/testing/http_client.hpp"
#include "engine/store/writers.hpp"

namespace neuro::server::testing {
namespace {

class ServerDataTest : public ServerTest {
 protected:
  std::string create_patient() {
    const auto r = post_json("/api/v2/patients",
                             {{"name", "Test Patient"}, {"dob", "1980-01-01"}, {"mrn", "MRN1"}});
    EXPECT_EQ(r.status, 201u) << r.body;
    return r.json()["id"].get<std::string>();
  }
  nlohmann::json create_session(const std::string& device = "clinical_device_001") {
    const auto r = post_json("/api/v2/sessions", {{"patient_id", create_patient()},
                                                  {"device_id", device},
                                                  {"protocol", "standard_eeg"},
                                                  {"duration", 1800}});
    EXPECT_EQ(r.status, 201u) << r.body;
    return r.json();
  }
  HttpResult post_chunk(const std::string& session, int index, const std::string& bytes) {
    const std::string boundary = "neuroperf-test-boundary";
    return http_call(port(), http::verb::post, "/api/v2/sessions/" + session + "/data",
                     multipart_body({{"session_id", session, ""},
                                     {"chunk_index", std::to_string(index), ""},
                                     {"data", bytes, "application/octet-stream"}},
                                    boundary),
                     "multipart/form-data; boundary=" + boundary, auth());
  }
  // The session's chunks read straight from PostgreSQL.
  std::vector<store::ChunkRow> stored_chunks(const std::string& session) {
    store::Connection c(options().pg_url);
    c.set_search_path(options().schema);
    const auto r = query(c, "SELECT store_id FROM api_sessions WHERE id = $1", {session});
    if (r.rows() != 1) return {};
    return store::read_chunks(c, std::stoll(std::string(r.value(0, 0))));
  }
};

std::string bytes_of(const common::SignalBlock& block) {
  return std::string(reinterpret_cast<const char*>(block.data()), block.size_bytes());
}

TEST_F(ServerDataTest, PatientsAndSessionsNewestFirst) {
  const std::string patient = create_patient();
  auto r = get("/api/v2/patients/" + patient);
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.json()["name"], "Test Patient");
  const auto a = create_session();
  const auto b = create_session("openbci_cyton");
  EXPECT_TRUE(a["id"].is_string());
  EXPECT_EQ(b["channels"], 8);
  EXPECT_EQ(b["sample_rate"], 250.0);
  r = get("/api/v2/sessions?limit=2");
  ASSERT_EQ(r.status, 200u);
  auto list = r.json()["sessions"];
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["id"], b["id"]);
  EXPECT_EQ(list[1]["id"], a["id"]);
  r = get("/api/v2/sessions?limit=1&offset=1");
  EXPECT_EQ(r.json()["sessions"][0]["id"], a["id"]);
  r = get("/api/v2/sessions/" + a["id"].get<std::string>());
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.json()["patient"]["name"], "Test Patient");
  EXPECT_EQ(r.json()["channels"], 32);
  EXPECT_EQ(r.json()["samples_stored"], 0);
  // A session for a patient that does not exist is refused and not stored.
  EXPECT_EQ(post_json("/api/v2/sessions", {{"patient_id", "nobody"}}).status, 422u);
}

TEST_F(ServerDataTest, DemoSessionsHoldSyntheticEeg) {
  const auto r = get("/api/v2/sessions/demo_session_1/data?limit=100");
  ASSERT_EQ(r.status, 200u);
  const auto chunks = r.json()["chunks"];
  EXPECT_EQ(chunks.size(), 100u);
  EXPECT_EQ(stored_chunks("demo_session_1").size(), 8u * 15u);  // 8 ch x 15 chunks of 1000
}

TEST_F(ServerDataTest, ChunksAreStoredOnceAndBitExact) {
  const auto s = create_session("openbci_cyton");
  const std::string id = s["id"];
  const auto first = common::make_synthetic_eeg(8, 250.0, 2.0, 1);
  const auto second = common::make_synthetic_eeg(8, 250.0, 2.0, 2);
  auto r = post_chunk(id, 0, bytes_of(first));
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.json()["stored"], true);
  r = post_chunk(id, 0, bytes_of(second));  // the same index again: ignored
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.json()["stored"], false);
  r = post_chunk(id, 1, bytes_of(second));
  EXPECT_EQ(r.json()["stored"], true);
  // Expected: per channel, chunk 0's samples then chunk 1's.
  std::string expected;
  for (std::size_t c = 0; c < 8; ++c) {
    for (const auto* block : {&first, &second}) {
      expected.append(reinterpret_cast<const char*>(block->channel(c).data()), 500 * sizeof(float));
    }
  }
  r = get("/api/v2/sessions/" + id + "/data?limit=1000", {{"Accept", "application/octet-stream"}});
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "application/octet-stream");
  EXPECT_TRUE(r.body == expected) << "bytes differ (" << r.body.size() << " vs " << expected.size();
  std::string from_store;
  for (const auto& chunk : stored_chunks(id)) {
    from_store.append(reinterpret_cast<const char*>(chunk.samples.data()),
                      chunk.samples.size() * sizeof(float));
  }
  EXPECT_TRUE(from_store == expected);
  EXPECT_EQ(get("/api/v2/sessions/" + id).json()["samples_stored"], 1000);
  // Channel and limit filters.
  r = get("/api/v2/sessions/" + id + "/data?channels=3&limit=1");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.json()["chunks"].size(), 1u);
  EXPECT_EQ(r.json()["chunks"][0]["channel"], 3);
  EXPECT_EQ(r.json()["chunks"][0]["samples"][0].get<float>(), first.at(3, 0));
  // A frame that does not divide into 8 channels is refused and not stored.
  EXPECT_EQ(post_chunk(id, 2, std::string(12, '\0')).status, 422u);
  EXPECT_EQ(stored_chunks(id).size(), 16u);
}

// The JSON answer is written as text, not through a JSON document: every sample must still
// read back as the stored float32 bit for bit (compared with PostgreSQL's rows), and samples
// JSON has no number for (NaN, infinities) come out as null, so the answer stays valid JSON.
TEST_F(ServerDataTest, JsonSamplesAreExactOrNull) {
  const auto s = create_session("openbci_cyton");
  const std::string id = s["id"];
  std::mt19937 random(11);
  std::vector<float> samples(std::size_t{8} * 500);
  for (auto& v : samples) {
    do {
      v = std::bit_cast<float>(static_cast<std::uint32_t>(random()));
    } while (!std::isfinite(v));
  }
  samples[3] = std::numeric_limits<float>::quiet_NaN();
  samples[700] = -std::numeric_limits<float>::infinity();
  ASSERT_EQ(post_chunk(id, 0,
                       std::string(reinterpret_cast<const char*>(samples.data()),
                                   samples.size() * sizeof(float)))
                .status,
            200u);
  const auto r = get("/api/v2/sessions/" + id + "/data?limit=1000");
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type, "application/json");
  const auto answer = nlohmann::json::parse(r.body);  // throws if the text is not JSON
  EXPECT_EQ(answer["session_id"], id);
  EXPECT_EQ(answer["channels"], 8);
  const auto stored = stored_chunks(id);
  ASSERT_EQ(answer["chunks"].size(), stored.size());
  std::size_t nulls = 0;
  for (std::size_t i = 0; i < stored.size(); ++i) {
    const auto& chunk = answer["chunks"][i];
    EXPECT_EQ(chunk["channel"], stored[i].channel);
    EXPECT_NEAR(chunk["timestamp"].get<double>(),
                static_cast<double>(stored[i].chunk_start_us) * 1e-6, 1e-6);
    ASSERT_EQ(chunk["samples"].size(), stored[i].samples.size());
    for (std::size_t k = 0; k < stored[i].samples.size(); ++k) {
      const float want = stored[i].samples[k];
      const auto& got = chunk["samples"][k];
      if (!std::isfinite(want)) {
        EXPECT_TRUE(got.is_null()) << got;
        ++nulls;
        continue;
      }
      ASSERT_TRUE(got.is_number()) << got;
      EXPECT_EQ(std::bit_cast<std::uint32_t>(got.get<float>()), std::bit_cast<std::uint32_t>(want))
          << "chunk " << i << " sample " << k << ": " << got << " vs " << want;
    }
  }
  EXPECT_EQ(nulls, 2u);
}

TEST_F(ServerDataTest, UploadIsDurableAndBitExact) {
  const std::string session = "perf_test_" + std::to_string(::getpid());
  const auto block = common::make_synthetic_eeg(4, 500.0, 5.0, 7);
  const std::string boundary = "upload-boundary-1";
  const auto r = http_call(
      port(), http::verb::post, "/api/v2/data/upload",
      multipart_body({{"session_id", session, ""},
                      {"data", bytes_of(block), "application/octet-stream"},
                      {"metadata", R"({"channels":4,"sample_rate":500,"duration":5})", ""}},
                     boundary),
      "multipart/form-data; boundary=" + boundary, auth());
  ASSERT_EQ(r.status, 200u) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  const std::string job = r.json()["job_id"];
  const auto done = wait_done("/api/v2/jobs/" + job);
  ASSERT_EQ(done["status"], "completed") << done.dump();
  EXPECT_EQ(done["progress"], 1.0);
  EXPECT_EQ(done["result"]["samples_ingested"], 4 * 2500);
  std::string from_store;
  for (const auto& chunk : stored_chunks(session)) {
    from_store.append(reinterpret_cast<const char*>(chunk.samples.data()),
                      chunk.samples.size() * sizeof(float));
  }
  EXPECT_TRUE(from_store == bytes_of(block));
  EXPECT_EQ(get("/api/v2/sessions/" + session).json()["channels"], 4);
  // The spooled file is gone once ingested.
  EXPECT_TRUE(std::filesystem::is_empty(options().data_dir / "uploads"));
}

// A recording the DSP pipeline cannot judge (every channel flat: electrodes off) is still
// ingested: the job completes, the samples are in the store, and the result says why there are
// no findings.
TEST_F(ServerDataTest, FlatUploadExplainsNoFindings) {
  const std::string session = "flat_" + std::to_string(::getpid());
  const common::SignalBlock flat(4, 2500, 500.0);  // zeros
  const std::string boundary = "upload-boundary-flat";
  const auto r = http_call(
      port(), http::verb::post, "/api/v2/data/upload",
      multipart_body({{"session_id", session, ""},
                      {"data", bytes_of(flat), "application/octet-stream"},
                      {"metadata", R"({"channels":4,"sample_rate":500,"duration":5})", ""}},
                     boundary),
      "multipart/form-data; boundary=" + boundary, auth());
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto done = wait_done("/api/v2/jobs/" + r.json()["job_id"].get<std::string>());
  ASSERT_EQ(done["status"], "completed") << done.dump();
  EXPECT_EQ(done["result"]["samples_ingested"], 4 * 2500);
  EXPECT_NE(done["result"]["pipeline"]["error"].get<std::string>().find("non-flat channels"),
            std::string::npos)
      << done.dump();
  std::size_t stored = 0;
  for (const auto& chunk : stored_chunks(session)) stored += chunk.samples.size();
  EXPECT_EQ(stored, 4u * 2500u);
}

// Sends a whole HTTP request over one connection in the given piece sizes, pausing between
// them, and returns the response (status 0 when the server closed without one).
HttpResult send_in_pieces(unsigned short port, const std::string& request,
                          const std::vector<std::size_t>& pieces, bool close_early = false) {
  net::io_context io;
  tcp::socket socket(io);
  socket.connect({net::ip::make_address("127.0.0.1"), port});
  std::size_t at = 0;
  for (const std::size_t piece : pieces) {
    const std::size_t n = std::min(piece, request.size() - at);
    net::write(socket, net::buffer(request.data() + at, n));
    at += n;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (close_early) return {};
  net::write(socket, net::buffer(request.data() + at, request.size() - at));
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  beast::error_code ec;
  http::read(socket, buffer, response, ec);
  if (ec) return {};
  return {
      response.result_int(), std::string(response[http::field::content_type]), response.body(), {}};
}

std::string upload_request(const std::string& session, const common::SignalBlock& block,
                           const std::string& token) {
  const std::string boundary = "pieces-boundary";
  const std::string body = multipart_body(
      {{"session_id", session, ""},
       {"data", bytes_of(block), "application/octet-stream"},
       {"metadata", R"({"channels":)" + std::to_string(block.channels()) + R"(,"sample_rate":500})",
        ""}},
      boundary);
  return "POST /api/v2/data/upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token +
         "\r\nContent-Type: multipart/form-data; boundary=" + boundary +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// A body of known length is read straight from the socket with a receive low-water mark of
// 256 KB: pieces smaller and larger than that, a header and the body's start in one write, and
// a last piece shorter than the mark must all arrive, bit for bit.
TEST_F(ServerDataTest, UploadInUnevenPiecesIsBitExact) {
  const std::string session = "pieces_" + std::to_string(::getpid());
  const auto block = common::make_synthetic_eeg(8, 500.0, 80.0, 11);  // 1.28 MB of samples
  const std::string request = upload_request(session, block, token());
  const auto r = send_in_pieces(port(), request,
                                {request.find("\r\n\r\n") + 1000, 7, 300'000, 100'000, 600'000});
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto done = wait_done("/api/v2/jobs/" + r.json()["job_id"].get<std::string>());
  ASSERT_EQ(done["status"], "completed") << done.dump();
  std::string from_store;
  for (const auto& chunk : stored_chunks(session)) {
    from_store.append(reinterpret_cast<const char*>(chunk.samples.data()),
                      chunk.samples.size() * sizeof(float));
  }
  EXPECT_TRUE(from_store == bytes_of(block));
}

// A client that goes away mid-body leaves no session, no job and no spooled file.
TEST_F(ServerDataTest, UploadCutOffMidBodyStoresNothing) {
  const std::string session = "cutoff_" + std::to_string(::getpid());
  const auto block = common::make_synthetic_eeg(8, 500.0, 80.0, 12);
  const std::string request = upload_request(session, block, token());
  EXPECT_EQ(send_in_pieces(port(), request, {200'000, 400'000}, true).status, 0u);
  // The server sees the close at its next read; give it that moment.
  for (int i = 0; i < 50 && !std::filesystem::is_empty(options().data_dir / "uploads"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_TRUE(std::filesystem::is_empty(options().data_dir / "uploads"));
  EXPECT_EQ(get("/api/v2/sessions/" + session).status, 404u);
}

TEST_F(ServerDataTest, TruncatedUploadsStoreNothing) {
  const std::string session = "truncated_" + std::to_string(::getpid());
  const std::string boundary = "b0undary";
  std::string body = multipart_body({{"session_id", session, ""},
                                     {"data", std::string(64, '\1'), "application/octet-stream"},
                                     {"metadata", R"({"channels":4,"sample_rate":500})", ""}},
                                    boundary);
  body.resize(body.size() - 40);  // cut inside the last part
  auto r = http_call(port(), http::verb::post, "/api/v2/data/upload", body,
                     "multipart/form-data; boundary=" + boundary, auth());
  EXPECT_EQ(r.status, 400u) << r.body;
  r = http_call(port(), http::verb::post, "/api/v2/data/upload",
                multipart_body({{"session_id", session, ""}}, boundary),
                "multipart/form-data; boundary=" + boundary, auth());
  EXPECT_EQ(r.status, 422u) << r.body;
  r = http_call(port(), http::verb::post, "/api/v2/data/upload", "x", "application/json", auth());
  EXPECT_EQ(r.status, 415u) << r.body;
  EXPECT_EQ(get("/api/v2/sessions/" + session).status, 404u);
}

TEST_F(ServerDataTest, AnalysesEqualTheEngineDsp) {
  const auto s = create_session("openbci_cyton");
  const std::string id = s["id"];
  const auto block = common::make_synthetic_eeg(8, 250.0, 8.0, 11);
  ASSERT_EQ(post_chunk(id, 0, bytes_of(block)).status, 200u);
  auto r = post_json("/api/v2/analysis", {{"session_id", id},
                                          {"analyses",
                                           {{{"type", "spectral_analysis"}},
                                            {{"type", "connectivity_analysis"}},
                                            {{"type", "artifact_detection"}}}}});
  ASSERT_EQ(r.status, 202u) << r.body;
  const std::string analysis = r.json()["job_id"];
  const auto done = wait_done("/api/v2/analysis/" + analysis);
  ASSERT_EQ(done["status"], "completed") << done.dump();
  const auto& results = done["results"];

  dsp::FeatureOptions features_options;
  features_options.welch.nperseg = 250;
  const auto features = dsp::compute_features(block, features_options);
  const auto& spectral = results["spectral_analysis"]["channels"];
  ASSERT_EQ(spectral.size(), 8u);
  for (std::size_t c = 0; c < 8; ++c) {
    for (std::size_t b = 0; b < features[c].band_power_uv2.size(); ++b) {
      EXPECT_EQ(spectral[c]["band_power_uv2"][b].get<double>(), features[c].band_power_uv2[b]);
    }
  }
  dsp::CoherenceOptions coherence_options;
  coherence_options.welch.nperseg = 250;
  const auto coherence = dsp::band_coherence(block, coherence_options);
  EXPECT_EQ(results["connectivity_analysis"]["coherence"]["alpha"][1][2].get<double>(),
            coherence.matrices[2](1, 2));
  auto copy = block;
  const auto report = dsp::remove_artifacts(copy);
  EXPECT_EQ(results["artifact_detection"]["bad_channels"].get<std::vector<std::size_t>>(),
            report.bad_channels());
  EXPECT_EQ(results["artifact_detection"]["clipped_samples"].get<std::size_t>(),
            report.clipped_samples());

  // A report of that analysis.
  r = post_json("/api/v2/reports",
                {{"session_id", id}, {"analysis_id", analysis}, {"template", "clinical_standard"}});
  ASSERT_EQ(r.status, 201u) << r.body;
  const auto rendered = get("/api/v2/reports/" + r.json()["id"].get<std::string>());
  ASSERT_EQ(rendered.status, 200u);
  EXPECT_NE(rendered.json()["content"].get<std::string>().find(id), std::string::npos);
  EXPECT_EQ(post_json("/api/v2/reports", {{"session_id", id}, {"analysis_id", "nope"}}).status,
            404u);
}

TEST_F(ServerDataTest, ProjectsAndTestSessions) {
  const auto r = post_json("/api/projects", {{"name", "Load Test Project"},
                                             {"camera_model", "FLIR Blackfly S"},
                                             {"camera_view", "Front-facing VRU"},
                                             {"signal_type", "GPIO"}});
  ASSERT_EQ(r.status, 201u) << r.body;
  EXPECT_TRUE(r.json()["id"].is_string());
  const auto list = get("/api/projects?limit=1");
  ASSERT_EQ(list.status, 200u);
  EXPECT_EQ(list.json()["projects"][0]["id"], r.json()["id"]);
  EXPECT_EQ(list.json()["projects"][0]["camera_model"], "FLIR Blackfly S");
  const auto sessions = get("/api/test-sessions");
  ASSERT_EQ(sessions.status, 200u);
  EXPECT_EQ(sessions.json()["test_sessions"].size(), 3u);  // the demo project's
}

// Every string field a client writes, and ids in paths and queries, filled with SQL: stored
// and read back as the same text (the queries are parameterised, never spliced), ids that are
// SQL are plain unknown ids (404), and the tables are all still there afterwards.
TEST_F(ServerDataTest, SqlInEveryFieldIsStoredAsText) {
  const std::string drop = "x'); DROP TABLE api_patients; --";
  const std::string tautology = "' OR '1'='1";
  const std::string quoted = "\"; DELETE FROM api_sessions; --\\";
  const auto before = get("/api/v2/patients?limit=1000").json()["patients"].size();
  const auto p =
      post_json("/api/v2/patients", {{"name", drop}, {"dob", "1980-01-01"}, {"mrn", tautology}});
  ASSERT_EQ(p.status, 201u) << p.body;
  const std::string patient = p.json()["id"];
  auto back = get("/api/v2/patients/" + patient);
  ASSERT_EQ(back.status, 200u) << back.body;
  EXPECT_EQ(back.json()["name"], drop);
  EXPECT_EQ(back.json()["mrn"], tautology);
  // Sessions: device and protocol.
  const auto s = post_json(
      "/api/v2/sessions",
      {{"patient_id", patient}, {"device_id", quoted}, {"protocol", drop}, {"duration", 60}});
  ASSERT_EQ(s.status, 201u) << s.body;
  back = get("/api/v2/sessions/" + s.json()["id"].get<std::string>());
  ASSERT_EQ(back.status, 200u) << back.body;
  EXPECT_EQ(back.json()["device_id"], quoted);
  EXPECT_EQ(back.json()["protocol"], drop);
  // A session for a "patient" that is SQL: no such patient.
  EXPECT_EQ(post_json("/api/v2/sessions", {{"patient_id", tautology}}).status, 422u);
  // Projects: every string field.
  const auto project = post_json("/api/projects", {{"name", drop},
                                                   {"camera_model", tautology},
                                                   {"camera_view", quoted},
                                                   {"signal_type", "GPIO"}});
  ASSERT_EQ(project.status, 201u) << project.body;
  const auto projects = get("/api/projects?limit=1").json()["projects"];
  ASSERT_EQ(projects.size(), 1u);
  EXPECT_EQ(projects[0]["name"], drop);
  EXPECT_EQ(projects[0]["camera_model"], tautology);
  EXPECT_EQ(projects[0]["camera_view"], quoted);
  // Ids in paths (percent-encoded SQL) are unknown ids; queries that are SQL are bad input.
  for (const std::string path : {"/api/v2/patients/%27%20OR%20%271%27%3D%271",
                                 "/api/v2/sessions/x%27%3B%20DROP%20TABLE%20api_sessions%3B--",
                                 "/api/v2/sessions/%27%20OR%20%271%27%3D%271/data",
                                 "/api/v2/jobs/1%20OR%201%3D1", "/api/v2/reports/%27%3B--"}) {
    const auto r = get(path);
    EXPECT_EQ(r.status, 404u) << path << ": " << r.body;
    EXPECT_EQ(r.json()["error"], "not_found") << path;
  }
  EXPECT_EQ(get("/api/v2/sessions?limit=1;DROP%20TABLE%20api_sessions").status, 400u);
  // Everything is still there: one more patient than before, sessions still listed.
  EXPECT_EQ(get("/api/v2/patients?limit=1000").json()["patients"].size(), before + 1);
  EXPECT_EQ(get("/api/v2/sessions?limit=1").status, 200u);
  EXPECT_EQ(get("/api/v2/patients?limit=1000").status, 200u);
}

TEST_F(ServerDataTest, InferenceAnswersEveryExample) {
  std::vector<float> two(std::size_t{2} * 8 * 250);
  for (std::size_t i = 0; i < two.size(); ++i) two[i] = static_cast<float>(i % 17) - 8.0f;
  const auto r = http_call(port(), http::verb::post, "/api/v2/inference/movement",
                           std::string(reinterpret_cast<const char*>(two.data()), two.size() * 4),
                           "application/octet-stream", auth());
  ASSERT_EQ(r.status, 200u) << r.body;
  const auto predictions = r.json()["predictions"];
  ASSERT_EQ(predictions.size(), 2u);
  EXPECT_EQ(predictions[0]["probabilities"].size(), 4u);
  const auto e = post_json("/api/v2/inference/emotion", {{"data", std::vector<float>(2000, 0.5f)}});
  ASSERT_EQ(e.status, 200u) << e.body;
  EXPECT_EQ(e.json()["predictions"][0]["probabilities"].size(), 3u);
  EXPECT_EQ(post_json("/api/v2/inference/emotion", {{"data", {1, 2, 3}}}).status, 422u);
  EXPECT_EQ(post_json("/api/v2/inference/nope", {{"data", {1}}}).status, 404u);
}

}  // namespace
}  // namespace neuro::server::testing
