// neuroperf-server as a process: SIGTERM drains and exits 0 within 5 s, and an upload that was
// answered 200 just before it is in PostgreSQL after the next start (ingested or resumed).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include "engine/common/synthetic_eeg.hpp"
#include "engine/server/api_db.hpp"
#include "engine/server/auth.hpp"
#include "engine/server/testing/http_client.hpp"
#include "engine/store/writers.hpp"

namespace neuro::server::testing {
namespace {

struct Process {
  pid_t pid = -1;
  unsigned short port = 0;
};

// Starts the binary and reads its port from the "listening on" line on stderr.
Process start_server(const std::vector<std::string>& args) {
  int pipe_fds[2];
  EXPECT_EQ(::pipe(pipe_fds), 0);
  Process p;
  p.pid = ::fork();
  if (p.pid == 0) {
    ::dup2(pipe_fds[1], 2);
    ::close(pipe_fds[0]);
    std::vector<char*> argv;
    std::string binary = NEURO_SERVER_BIN;
    argv.push_back(binary.data());
    std::vector<std::string> copy(args);
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(binary.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  FILE* err = ::fdopen(pipe_fds[0], "r");
  char line[512];
  while (std::fgets(line, sizeof line, err)) {
    const char* at = std::strstr(line, "listening on http://127.0.0.1:");
    if (at) {
      p.port = static_cast<unsigned short>(
          std::atoi(at + std::strlen("listening on http://127.0.0.1:")));
      break;
    }
    ADD_FAILURE() << "server: " << line;
  }
  // Keep draining stderr so the server never blocks on a full pipe.
  std::thread([err] {
    char buffer[512];
    while (std::fgets(buffer, sizeof buffer, err)) {
    }
    std::fclose(err);  // NOLINT(cppcoreguidelines-owning-memory): the FILE fdopen gave above
  }).detach();
  return p;
}

// SIGTERM, then the exit status and how long it took.
std::pair<int, double> stop_server(const Process& p) {
  const auto t0 = std::chrono::steady_clock::now();
  ::kill(p.pid, SIGTERM);
  int status = 0;
  ::waitpid(p.pid, &status, 0);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), seconds};
}

TEST(ServerProcess, SigtermDrainsFastAndLosesNoUpload) {
  const char* pg = std::getenv("NEUROPERF_PG_URL");
  if (!pg || !*pg) GTEST_SKIP() << "NEUROPERF_PG_URL is not set";
  const std::string schema = "neuro_server_sigterm_" + std::to_string(::getpid());
  const auto dir =
      std::filesystem::temp_directory_path() / ("neuroperf-sigterm-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream users(dir / "users.txt");
    users << users_file_line("test_user", hash_password("test_pass", 1000)) << "\n";
  }
  const std::vector<std::string> args{
      "--listen",   "127.0.0.1:0", "--schema",      schema,
      "--data-dir", dir.string(),  "--users",       (dir / "users.txt").string(),
      "--threads",  "2",           "--no-demo-data"};
  Process server = start_server(args);
  ASSERT_GT(server.port, 0);
  const auto login =
      http_call(server.port, http::verb::post, "/auth/token",
                R"({"username":"test_user","password":"test_pass"})", "application/json");
  ASSERT_EQ(login.status, 200u);
  const std::map<std::string, std::string> auth{
      {"Authorization", "Bearer " + login.json()["access_token"].get<std::string>()}};
  const auto block = common::make_synthetic_eeg(16, 1000.0, 60.0, 5);
  const std::string bytes(reinterpret_cast<const char*>(block.data()), block.size_bytes());
  const std::string session = "sigterm_" + std::to_string(::getpid());
  const auto upload = http_call(
      server.port, http::verb::post, "/api/v2/data/upload",
      multipart_body({{"session_id", session, ""},
                      {"data", bytes, "application/octet-stream"},
                      {"metadata", R"({"channels":16,"sample_rate":1000,"duration":60})", ""}},
                     "sigterm-boundary"),
      "multipart/form-data; boundary=sigterm-boundary", auth);
  ASSERT_EQ(upload.status, 200u) << upload.body;
  const std::string job = upload.json()["job_id"];
  const auto [code, seconds] = stop_server(server);  // at once: the job may still be running
  EXPECT_EQ(code, 0);
  EXPECT_LT(seconds, 5.0);

  server = start_server(args);  // resumes the job if it was cut short
  ASSERT_GT(server.port, 0);
  nlohmann::json status;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    status = http_call(server.port, http::verb::get, "/api/v2/jobs/" + job, "", "", auth).json();
  } while (status["status"] != "completed" && status["status"] != "failed" &&
           std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(status["status"], "completed") << status.dump();
  {
    store::Connection c(pg);
    c.set_search_path(schema);
    const auto r = query(c, "SELECT store_id FROM api_sessions WHERE id = $1", {session});
    ASSERT_EQ(r.rows(), 1);
    std::string stored;
    for (const auto& chunk : store::read_chunks(c, std::stoll(std::string(r.value(0, 0))))) {
      stored.append(reinterpret_cast<const char*>(chunk.samples.data()),
                    chunk.samples.size() * sizeof(float));
    }
    EXPECT_TRUE(stored == bytes) << "stored " << stored.size() << " bytes of " << bytes.size();
  }
  EXPECT_EQ(stop_server(server).first, 0);
  store::Connection cleaner(pg);
  cleaner.exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace neuro::server::testing
