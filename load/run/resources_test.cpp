#include "load/run/resources.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

namespace neuro::load {
namespace {

TEST(Resources, SlopeOfALineIsItsSlope) {
  std::vector<TargetSample> samples;
  samples.reserve(60);
  for (int t = 0; t < 60; ++t) {
    // 1 MiB/s plus a zero-mean wiggle that least squares must ignore.
    samples.push_back(
        {static_cast<double>(t), 0, 100'000'000 + t * 1'048'576 + (t % 2 ? 4096 : -4096)});
  }
  EXPECT_NEAR(rss_slope_bytes_per_s(samples), 1'048'576.0, 200.0);
  EXPECT_EQ(rss_slope_bytes_per_s({}), 0.0);
}

TEST(Resources, SamplesThisProcess) {
  ResourceSampler sampler(::getpid());
  rusage before{}, after{};
  ::getrusage(RUSAGE_SELF, &before);
  sampler.sample(0);
  // Burn a little CPU so the interval has some.
  volatile double x = 0;
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
  while (std::chrono::steady_clock::now() < until) x = x + 1;
  sampler.sample(0.2);
  ::getrusage(RUSAGE_SELF, &after);
  auto seconds = [](const rusage& u) {
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
  };
  // The reference CPU: getrusage over the same 0.2 s interval the sampler was told about; /proc
  // counts in clock ticks (10 ms), so two ticks of slack (10 points of percent over 0.2 s).
  const double cpu_percent = (seconds(after) - seconds(before)) / 0.2 * 100;
  ASSERT_EQ(sampler.host().size(), 1u);
  ASSERT_EQ(sampler.target().size(), 1u);
  // The reference: resident pages from /proc/self/statm, read independently.
  std::ifstream statm("/proc/self/statm");
  long size = 0, resident = 0;
  statm >> size >> resident;
  const double rss = static_cast<double>(resident * ::sysconf(_SC_PAGESIZE));
  EXPECT_NEAR(static_cast<double>(sampler.target()[0].rss_bytes), rss, rss * 0.1);
  EXPECT_NEAR(sampler.target()[0].cpu_percent, cpu_percent, 10.0);
  EXPECT_GT(sampler.host()[0].mem_used_bytes, 0);
  EXPECT_TRUE(sampler.target_alive());
}

// --target-pid of a master whose work is in a child: the master sleeps in wait() while its
// child burns CPU, as nginx's master does beside its workers. The tree's CPU is the child's
// (measured by the child itself with getrusage) and two processes are counted.
TEST(Resources, CountsTheTargetsDescendants) {
  const pid_t master = ::fork();
  ASSERT_GE(master, 0);
  if (master == 0) {
    const pid_t worker = ::fork();
    if (worker == 0) {
      volatile double x = 0;
      const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
      while (std::chrono::steady_clock::now() < until) x = x + 1;
      _exit(0);
    }
    int status = 0;
    ::waitpid(worker, &status, 0);
    _exit(0);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the worker is up and busy
  ResourceSampler sampler(master);
  sampler.sample(0);
  const auto before = read_process_tree(master);
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  sampler.sample(0.8);
  const auto after = read_process_tree(master);
  int status = 0;
  ::waitpid(master, &status, 0);
  ASSERT_TRUE(before && after);
  EXPECT_EQ(before->processes, 2);
  ASSERT_EQ(sampler.target().size(), 1u);
  EXPECT_EQ(sampler.target()[0].processes, 2);
  // The worker spun the whole interval: at least a fifth of a core even on a loaded machine,
  // where the master alone (sleeping in wait) would show about 0.
  EXPECT_GT(sampler.target()[0].cpu_percent, 20.0);
  EXPECT_LE(sampler.target()[0].cpu_percent, 100.0 + 5.0);  // one busy thread, tick slack
  EXPECT_GT(after->ticks, before->ticks);
  EXPECT_FALSE(read_process_tree(master).has_value());  // reaped: gone
}

}  // namespace
}  // namespace neuro::load
