#include "cgroup.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace app {
namespace {

namespace fs = std::filesystem;

TEST(CpuMax, Parses) {
  EXPECT_EQ(cpus_from_cpu_max("max 100000\n"), std::nullopt);
  EXPECT_EQ(cpus_from_cpu_max("25000 100000\n"), 1u);  // 0.25 vCPU rounds up to 1
  EXPECT_EQ(cpus_from_cpu_max("100000 100000"), 1u);
  EXPECT_EQ(cpus_from_cpu_max("150000 100000"), 2u);
  EXPECT_EQ(cpus_from_cpu_max("400000 100000"), 4u);
  EXPECT_EQ(cpus_from_cpu_max("garbage"), std::nullopt);
  EXPECT_EQ(cpus_from_cpu_max("0 100000"), std::nullopt);
  EXPECT_EQ(cpus_from_cpu_max("100 0"), std::nullopt);
}

TEST(Cfs, Parses) {
  EXPECT_EQ(cpus_from_cfs("-1\n", "100000\n"), std::nullopt);
  EXPECT_EQ(cpus_from_cfs("50000\n", "100000\n"), 1u);
  EXPECT_EQ(cpus_from_cfs("200001", "100000"), 3u);
  EXPECT_EQ(cpus_from_cfs("x", "100000"), std::nullopt);
}

class CgroupRoot : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("cgroup-test-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_ / "proc/self");
  }
  void TearDown() override { fs::remove_all(root_); }
  void write(const std::string& rel, const std::string& content) {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel) << content;
  }
  fs::path root_;
};

TEST_F(CgroupRoot, V2AtMountRoot) {
  write("proc/self/cgroup", "0::/\n");
  write("sys/fs/cgroup/cpu.max", "25000 100000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_.string()), 1u);
}

TEST_F(CgroupRoot, V2OwnCgroupWins) {
  write("proc/self/cgroup", "0::/ecs/task/abc\n");
  write("sys/fs/cgroup/cpu.max", "max 100000\n");
  write("sys/fs/cgroup/ecs/task/abc/cpu.max", "200000 100000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_.string()), 2u);
}

TEST_F(CgroupRoot, V2Unlimited) {
  write("proc/self/cgroup", "0::/\n");
  write("sys/fs/cgroup/cpu.max", "max 100000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_.string()), std::nullopt);
}

TEST_F(CgroupRoot, V1CpuCpuacct) {
  write("proc/self/cgroup", "12:memory:/docker/x\n4:cpu,cpuacct:/docker/x\n");
  write("sys/fs/cgroup/cpu,cpuacct/docker/x/cpu.cfs_quota_us", "150000\n");
  write("sys/fs/cgroup/cpu,cpuacct/docker/x/cpu.cfs_period_us", "100000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_.string()), 2u);
}

TEST_F(CgroupRoot, V1AtMountRootUnlimited) {
  write("proc/self/cgroup", "4:cpu,cpuacct:/\n");
  write("sys/fs/cgroup/cpu/cpu.cfs_quota_us", "-1\n");
  write("sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_.string()), std::nullopt);
}

TEST_F(CgroupRoot, NothingThere) { EXPECT_EQ(cgroup_cpu_limit(root_.string()), std::nullopt); }

TEST(DefaultThreads, WithinBounds) {
  const unsigned n = default_threads();
  EXPECT_GE(n, 1u);
  EXPECT_LE(n, 256u);
}

}  // namespace
}  // namespace app
