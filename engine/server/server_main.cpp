// neuroperf-server (also `neuroperf serve`): runs the engine server until SIGTERM or SIGINT,
// then drains. `neuroperf-server hash-password NAME PASSWORD [ITERATIONS]` prints a users-file
// line. Exit codes: 0 stopped cleanly, 2 bad usage or users file, 3 a service unreachable.
#include <pthread.h>
#include <signal.h>

#include <cstdio>

#include "engine/base/errors.hpp"
#include "engine/server/auth.hpp"
#include "engine/server/server.hpp"
#include "engine/server/websocket_host.hpp"

int main(int argc, char** argv) {
  using neuro::base::ExitCode;
  using neuro::base::to_int;
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (!args.empty() && args[0] == "hash-password") {
      if (args.size() < 3 || args.size() > 4) {
        std::fputs("usage: neuroperf-server hash-password NAME PASSWORD [ITERATIONS]\n", stderr);
        return to_int(ExitCode::kBadInput);
      }
      const int iterations = args.size() == 4 ? std::stoi(args[3]) : 100'000;
      std::printf("%s\n", neuro::server::users_file_line(
                              args[1], neuro::server::hash_password(args[2], iterations))
                              .c_str());
      return 0;
    }
    if (!args.empty() && (args[0] == "-h" || args[0] == "--help")) {
      std::fputs(neuro::server::kServerUsage, stdout);
      return 0;
    }
    const auto options = neuro::server::parse_server_args(args);
    // Every thread inherits the blocked signals; the main thread alone waits for them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    neuro::server::Server server(options);
    neuro::server::ws::WebSocketService websocket(server.pg(), server.device_sessions(), {});
    const auto host = neuro::server::make_websocket_host(websocket);
    server.set_websocket(host.get());
    server.start();
    std::fprintf(stderr, "neuroperf-server: listening on http://%s:%u (resumed %d jobs)\n",
                 options.host.c_str(), server.port(), server.resumed_jobs());
    int received = 0;
    sigwait(&signals, &received);
    std::fprintf(stderr, "neuroperf-server: %s, draining\n",
                 received == SIGTERM ? "SIGTERM" : "SIGINT");
    server.drain_and_stop();
    return 0;
  } catch (const neuro::base::Error& e) {
    std::fprintf(stderr, "neuroperf-server: %s\n", e.what());
    return to_int(e.code());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "neuroperf-server: %s\n", e.what());
    return to_int(ExitCode::kBadInput);
  }
}
