// The logger (log.cpp): lines from several threads reach the output whole,
// request threads never wait for a stalled output, and what cannot be
// buffered is dropped and counted.
#include "log.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace app {
namespace {

// Reads a pipe to its end on a thread of its own.
struct PipeReader {
  explicit PipeReader(int fd)
      : thread([this, fd] {
          char buf[1000];  // small reads keep the pipe full, so writes block part way
          for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) received.append(buf, static_cast<std::size_t>(n));
        }) {}
  std::string received;
  std::thread thread;
};

void expect_whole_lines(const std::string& received, std::size_t line_size) {
  ASSERT_EQ(received.size() % line_size, 0u);
  for (std::size_t start = 0; start < received.size(); start += line_size) {
    const char c = received[start];
    ASSERT_EQ(received.find_first_not_of(c, start), start + line_size - 1) << "line at byte " << start << " is mixed";
    ASSERT_EQ(received[start + line_size - 1], '\n');
  }
}

TEST(Logger, LongLinesFromThreadsDoNotInterleaveAndEveryLineIsWrittenOrCounted) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  constexpr int kThreads = 4, kLines = 50;
  constexpr std::size_t kLineSize = 20000;  // > PIPE_BUF (4096) and > a third of the pipe
  PipeReader reader(fds[0]);
  std::uint64_t dropped = 0;
  {
    const Logger log(Level::info, fds[1]);
    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; ++t) {
      writers.emplace_back([&log, t] {
        const std::string line = std::string(kLineSize - 1, static_cast<char>('a' + t)) + '\n';
        for (int i = 0; i < kLines; ++i) log.write_raw(line);
      });
    }
    for (auto& w : writers) w.join();
    EXPECT_TRUE(log.flush());
    dropped = log.dropped();
  }
  close(fds[1]);
  reader.thread.join();
  close(fds[0]);
  EXPECT_EQ(reader.received.size() / kLineSize + dropped, std::size_t{kThreads * kLines});
  expect_whole_lines(reader.received, kLineSize);
}

TEST(Logger, StalledOutputNeverBlocksWritersAndDropsAreCounted) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  constexpr std::size_t kLineSize = 1000;
  const std::size_t lines = 2 * Logger::kMaxBufferedBytes / kLineSize;  // twice what the buffer holds
  const std::string line(kLineSize - 1, 'x');
  auto log = std::make_unique<Logger>(Level::info, fds[1]);
  // Nobody reads the pipe: with a blocking logger these loops would never end.
  // The first half, then a wait until the writer has taken it and filled the
  // pipe: the bytes it holds still count against the bound.
  for (std::size_t i = 0; i < lines / 2; ++i) log->write_raw(line + '\n');
  int in_pipe = 0;
  for (int i = 0; i < 1000 && in_pipe == 0; ++i) {
    ASSERT_EQ(ioctl(fds[0], FIONREAD, &in_pipe), 0);
    if (in_pipe == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_GT(in_pipe, 0) << "the writer never wrote";
  for (std::size_t i = lines / 2; i < lines; ++i) log->write_raw(line + '\n');
  const auto accepted = lines - log->dropped();
  EXPECT_GT(accepted, 0u);
  // What the writer handed to the pipe is written; all else accepted waits.
  const int pipe_size = fcntl(fds[1], F_GETPIPE_SZ);
  ASSERT_GT(pipe_size, 0);
  EXPECT_LE(accepted * kLineSize, Logger::kMaxBufferedBytes + static_cast<std::size_t>(pipe_size));
  EXPECT_FALSE(log->flush(std::chrono::milliseconds(50)));  // still stalled
  // The output drains again: everything not dropped arrives, whole.
  PipeReader reader(fds[0]);
  EXPECT_TRUE(log->flush(std::chrono::seconds(10)));
  const auto dropped = log->dropped();
  log.reset();
  close(fds[1]);
  reader.thread.join();
  close(fds[0]);
  EXPECT_EQ(reader.received.size() / kLineSize + dropped, lines);
  expect_whole_lines(reader.received, kLineSize);
}

}  // namespace
}  // namespace app
