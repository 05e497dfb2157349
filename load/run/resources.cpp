#include "load/run/resources.hpp"

#include <sched.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
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

struct ProcessStat {
  pid_t ppid = 0;
  std::uint64_t ticks = 0;  // utime + stime + cutime + cstime (reaped children's time too)
  std::int64_t rss_bytes = 0;
};

// /proc/PID/stat's fields; nullopt when the process is gone.
std::optional<ProcessStat> read_process(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(f, text)) return std::nullopt;
  // The command name may hold spaces: fields are counted after its closing parenthesis.
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  ProcessStat p;
  for (int i = 3; fields >> field; ++i) {
    if (i == 4) p.ppid = static_cast<pid_t>(std::stol(field));
    if (i >= 14 && i <= 17) p.ticks += std::stoull(field);  // utime stime cutime cstime
    if (i == 24) {
      p.rss_bytes = std::stoll(field) * ::sysconf(_SC_PAGESIZE);
      break;
    }
  }
  return p;
}

}  // namespace

// The target and every live descendant (nginx's work is in its master's worker children), as
// psutil users sum them. Each process's own and reaped children's CPU time: a child that exits
// and is reaped moves its time into its parent's, so the sum only grows. RSS is summed too
// (pages the processes share are counted in each). nullopt when the target itself is gone.
std::optional<ProcessTreeStat> read_process_tree(pid_t root) {
  const auto root_stat = read_process(root);
  if (!root_stat) return std::nullopt;
  std::multimap<pid_t, pid_t> children;  // ppid -> pid
  std::map<pid_t, ProcessStat> stats;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const auto pid = static_cast<pid_t>(std::stol(name));
    if (pid == root) continue;
    if (const auto stat = read_process(pid)) {
      children.emplace(stat->ppid, pid);
      stats.emplace(pid, *stat);
    }
  }
  ProcessTreeStat tree{root_stat->ticks, root_stat->rss_bytes, 1};
  std::vector<pid_t> todo{root};
  while (!todo.empty()) {
    const pid_t parent = todo.back();
    todo.pop_back();
    const auto [from, to] = children.equal_range(parent);
    for (auto it = from; it != to; ++it) {
      const ProcessStat& child = stats.at(it->second);
      tree.ticks += child.ticks;
      tree.rss_bytes += child.rss_bytes;
      ++tree.processes;
      todo.push_back(it->second);
    }
  }
  return tree;
}

ResourceSampler::ResourceSampler(pid_t target_pid) : pid_(target_pid) {}

void ResourceSampler::sample(double t_s) {
  Raw now;
  now.t_s = t_s;
  read_cpu(now.cpu_busy, now.cpu_total);
  read_net(now.rx, now.tx);
  read_disks(now.disk_read, now.disk_written);
  ProcessTreeStat tree;
  if (pid_ > 0 && target_alive_) {
    const auto read = read_process_tree(pid_);
    target_alive_ = read.has_value();
    if (read) tree = *read;
    now.target_ticks = tree.ticks;
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
      // A descendant that left the tree (re-parented to init) takes its time with it: never
      // below 0.
      const double ticks = now.target_ticks > previous_->target_ticks
                               ? static_cast<double>(now.target_ticks - previous_->target_ticks)
                               : 0.0;
      target_.push_back({t_s, 100.0 * ticks / static_cast<double>(::sysconf(_SC_CLK_TCK)) / dt,
                         tree.rss_bytes, tree.processes});
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
