#include "cgroup.hpp"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <vector>

namespace app {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

std::optional<std::int64_t> to_int(std::string_view s) {
  s = trim(s);
  std::int64_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || r.ec != std::errc{} || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<unsigned> ratio_rounded_up(std::int64_t quota, std::int64_t period) {
  if (quota <= 0 || period <= 0) return std::nullopt;
  return static_cast<unsigned>(std::min<std::int64_t>((quota + period - 1) / period, 1 << 20));
}

// Small /proc and /sys files only; no iostreams.
std::optional<std::string> read_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out;
  char buf[4096];
  ssize_t n = 0;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  if (n < 0) return std::nullopt;
  return out;
}

// The cgroup path of this process for a hierarchy: v2 is the "0::" line, v1
// the line whose controller list contains "cpu".
std::optional<std::string> cgroup_path(std::string_view proc_cgroup, bool v2) {
  while (!proc_cgroup.empty()) {
    const auto nl = proc_cgroup.find('\n');
    const auto line = proc_cgroup.substr(0, nl);
    proc_cgroup = nl == std::string_view::npos ? std::string_view{} : proc_cgroup.substr(nl + 1);
    const auto c1 = line.find(':');
    const auto c2 = line.find(':', c1 == std::string_view::npos ? 0 : c1 + 1);
    if (c1 == std::string_view::npos || c2 == std::string_view::npos) continue;
    const auto controllers = line.substr(c1 + 1, c2 - c1 - 1);
    const auto path = std::string(line.substr(c2 + 1));
    if (v2 && line.substr(0, c1) == "0" && controllers.empty()) return path;
    if (!v2) {
      for (std::string_view rest = controllers; !rest.empty();) {
        const auto comma = rest.find(',');
        if (rest.substr(0, comma) == "cpu") return path;
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      }
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<unsigned> cpus_from_cpu_max(std::string_view content) {
  content = trim(content);
  const auto sp = content.find(' ');
  if (sp == std::string_view::npos) return std::nullopt;
  const auto quota = content.substr(0, sp);
  if (quota == "max") return std::nullopt;
  const auto q = to_int(quota);
  const auto p = to_int(content.substr(sp + 1));
  if (!q || !p) return std::nullopt;
  return ratio_rounded_up(*q, *p);
}

std::optional<unsigned> cpus_from_cfs(std::string_view quota, std::string_view period) {
  const auto q = to_int(quota);
  const auto p = to_int(period);
  if (!q || !p) return std::nullopt;
  return ratio_rounded_up(*q, *p);
}

std::optional<unsigned> cgroup_cpu_limit(const std::string& root) {
  const std::string base = root == "/" ? "" : root;
  const auto self = read_file(base + "/proc/self/cgroup").value_or("");
  // cgroup v2: the process's own cgroup, then the mount root (containers often
  // see their cgroup mounted at /sys/fs/cgroup).
  std::vector<std::string> v2_dirs;
  if (const auto p = cgroup_path(self, true); p && *p != "/") v2_dirs.push_back(base + "/sys/fs/cgroup" + *p);
  v2_dirs.push_back(base + "/sys/fs/cgroup");
  for (const auto& dir : v2_dirs) {
    if (const auto content = read_file(dir + "/cpu.max")) return cpus_from_cpu_max(*content);
  }
  // cgroup v1: the cpu controller is mounted as cpu or cpu,cpuacct.
  std::vector<std::string> v1_dirs;
  for (const char* mount : {"/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"}) {
    if (const auto p = cgroup_path(self, false); p && *p != "/") v1_dirs.push_back(base + mount + *p);
    v1_dirs.push_back(base + mount);
  }
  for (const auto& dir : v1_dirs) {
    const auto quota = read_file(dir + "/cpu.cfs_quota_us");
    const auto period = read_file(dir + "/cpu.cfs_period_us");
    if (quota && period) return cpus_from_cfs(*quota, *period);
  }
  return std::nullopt;
}

unsigned default_threads() {
  unsigned cpus = 1;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    cpus = static_cast<unsigned>(std::max(1, CPU_COUNT(&set)));
  } else if (const long n = sysconf(_SC_NPROCESSORS_ONLN); n > 0) {
    cpus = static_cast<unsigned>(n);
  }
  if (const auto limit = cgroup_cpu_limit("/")) cpus = std::min(cpus, *limit);
  return std::clamp(cpus, 1u, 256u);
}

}  // namespace app
