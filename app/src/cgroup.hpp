#pragma once
// How many CPUs this process may use: the cgroup CPU quota (what Fargate and
// `docker run --cpus` set) rounded up, else the CPUs in the affinity mask.
#include <optional>
#include <string>
#include <string_view>

namespace app {

// cgroup v2 cpu.max content ("max 100000" or "25000 100000"): CPUs, rounded up.
std::optional<unsigned> cpus_from_cpu_max(std::string_view content);
// cgroup v1 cpu.cfs_quota_us / cpu.cfs_period_us contents (quota -1: no limit).
std::optional<unsigned> cpus_from_cfs(std::string_view quota, std::string_view period);

// Reads the quota of this process's cgroup under `root` ("/" normally; tests
// pass a directory holding proc/self/cgroup and sys/fs/cgroup/...).
std::optional<unsigned> cgroup_cpu_limit(const std::string& root);

// min(cgroup limit, affinity CPUs), at least 1, at most 256.
unsigned default_threads();

}  // namespace app
