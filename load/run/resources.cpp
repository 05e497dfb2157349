#include "load/run/resources.hpp"

#include <sched.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace neuro::load {
namespace {

bool read_cpu(std::uint64_t& busy, std::uint64_t& total) {
  std::ifstream f("/proc/stat");
  std::string cpu;
  std::uint64_t v[8] = {};
  if (!(f >> cpu) || cpu != "cpu") return false;
  for (auto& x : v) f >> x;
  // user nice system idle iowait irq softirq steal
  total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
  busy = total - v[3] - v[4];
  return true;
}

std::int64_t read_mem_used() {
  std::ifstream f("/proc/meminfo");
  std::string key, unit;
  std::int64_t value = 0, total = 0, available = 0;
  while (f >> key >> value) {
    std::getline(f, unit);
    if (key == "MemTotal:") total = value;
    if (key == "MemAvailable:") available = value;
  }
  return (total - available) * 1024;
}

void read_net(std::uint64_t& rx, std::uint64_t& tx) {
  std::ifstream f("/proc/net/dev");
  std::string line;
  rx = tx = 0;
  while (std::getline(f, line)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::istringstream fields(line.substr(colon + 1));
    std::uint64_t v[9] = {};
    for (auto& x : v) fields >> x;
    rx += v[0];
    tx += v[8];
  }
}

// Bytes read and written by whole disks: /proc/diskstats rows whose device has no partition
// suffix would double count with their partitions, so only devices listed in /sys/block count.
void read_disks(std::uint64_t& read, std::uint64_t& written) {
  std::ifstream f("/proc/diskstats");
  std::string line;
  read = written = 0;
  while (std::getline(f, line)) {
    std::istringstream fields(line);
    std::string major, minor, name;
    std::uint64_t v[7] = {};
    fields >> major >> minor >> name;
    for (auto& x : v) fields >> x;
    if (name.rfind("loop", 0) == 0 || name.rfind("ram", 0) == 0) continue;
    if (!std::ifstream("/sys/block/" + name + "/stat")) continue;  // a partition
    read += v[2] * 512;                                            // sectors read
    written += v[6] * 512;                                         // sectors written
  }
}

// utime + stime in clock ticks and RSS in bytes; false when the process is gone.
bool read_process(pid_t pid, std::uint64_t& ticks, std::int64_t& rss) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(f, text)) return false;
  // The command name may hold spaces: fields are counted after its closing parenthesis.
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  std::uint64_t utime = 0, stime = 0;
  std::int64_t rss_pages = 0;
  for (int i = 3; fields >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
    if (i == 24) {
      rss_pages = std::stoll(field);
      break;
    }
  }
  ticks = utime + stime;
  rss = rss_pages * ::sysconf(_SC_PAGESIZE);
  return true;
}

}  // namespace

ResourceSampler::ResourceSampler(pid_t target_pid) : pid_(target_pid) {}

void ResourceSampler::sample(double t_s) {
  Raw now;
  now.t_s = t_s;
  read_cpu(now.cpu_busy, now.cpu_total);
  read_net(now.rx, now.tx);
  read_disks(now.disk_read, now.disk_written);
  std::int64_t rss = 0;
  if (pid_ > 0 && target_alive_) {
    target_alive_ = read_process(pid_, now.target_ticks, rss);
  }
  if (previous_) {
    const double dt = t_s - previous_->t_s;
    HostSample h;
    h.t_s = t_s;
    const auto total = now.cpu_total - previous_->cpu_total;
    h.cpu_percent = total ? 100.0 * static_cast<double>(now.cpu_busy - previous_->cpu_busy) /
                                static_cast<double>(total)
                          : 0.0;
    h.mem_used_bytes = read_mem_used();
    if (dt > 0) {
      h.net_rx_bytes_per_s = static_cast<double>(now.rx - previous_->rx) / dt;
      h.net_tx_bytes_per_s = static_cast<double>(now.tx - previous_->tx) / dt;
      h.disk_read_bytes_per_s = static_cast<double>(now.disk_read - previous_->disk_read) / dt;
      h.disk_write_bytes_per_s =
          static_cast<double>(now.disk_written - previous_->disk_written) / dt;
    }
    host_.push_back(h);
    if (pid_ > 0 && target_alive_ && dt > 0) {
      const double ticks = static_cast<double>(now.target_ticks - previous_->target_ticks);
      target_.push_back(
          {t_s, 100.0 * ticks / static_cast<double>(::sysconf(_SC_CLK_TCK)) / dt, rss});
    }
  }
  previous_ = now;
}

double rss_slope_bytes_per_s(const std::vector<TargetSample>& samples) {
  if (samples.size() < 2) return 0;
  double mt = 0, mr = 0;
  for (const auto& s : samples) {
    mt += s.t_s;
    mr += static_cast<double>(s.rss_bytes);
  }
  mt /= static_cast<double>(samples.size());
  mr /= static_cast<double>(samples.size());
  double num = 0, den = 0;
  for (const auto& s : samples) {
    num += (s.t_s - mt) * (static_cast<double>(s.rss_bytes) - mr);
    den += (s.t_s - mt) * (s.t_s - mt);
  }
  return den > 0 ? num / den : 0;
}

bool shares_cpus_with(pid_t pid) {
  cpu_set_t mine, theirs;
  CPU_ZERO(&mine);
  CPU_ZERO(&theirs);
  if (::sched_getaffinity(0, sizeof mine, &mine) != 0) return false;
  if (::sched_getaffinity(pid, sizeof theirs, &theirs) != 0) return false;
  cpu_set_t both;
  CPU_AND(&both, &mine, &theirs);
  return CPU_COUNT(&both) > 0;
}

}  // namespace neuro::load
