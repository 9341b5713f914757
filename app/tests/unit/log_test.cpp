// Log lines from several threads reach a pipe whole, even lines longer than
// PIPE_BUF that the kernel may split across several writes.
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include "log.hpp"

namespace app {
namespace {

TEST(Logger, LongLinesFromThreadsDoNotInterleave) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const Logger log(Level::info, fds[1]);
  constexpr int kThreads = 4, kLines = 50;
  constexpr std::size_t kLineSize = 20000;  // > PIPE_BUF (4096) and > a third of the pipe
  std::string received;
  std::thread reader([&] {
    char buf[1000];  // small reads keep the pipe full, so writes block part way
    for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) received.append(buf, static_cast<std::size_t>(n));
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&log, t] {
      const std::string line = std::string(kLineSize - 1, static_cast<char>('a' + t)) + '\n';
      for (int i = 0; i < kLines; ++i) log.write_raw(line);
    });
  }
  for (auto& w : writers) w.join();
  close(fds[1]);
  reader.join();
  close(fds[0]);

  ASSERT_EQ(received.size(), kThreads * kLines * kLineSize);
  for (std::size_t start = 0; start < received.size(); start += kLineSize) {
    const char c = received[start];
    ASSERT_EQ(received.find_first_not_of(c, start), start + kLineSize - 1) << "line at byte " << start << " is mixed";
    ASSERT_EQ(received[start + kLineSize - 1], '\n');
  }
}

}  // namespace
}  // namespace app
