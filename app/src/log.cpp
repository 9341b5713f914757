#include "log.hpp"

#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <ctime>

namespace app {

std::optional<Level> parse_level(std::string_view s) {
  if (s == "debug") return Level::debug;
  if (s == "info") return Level::info;
  if (s == "warn") return Level::warn;
  if (s == "error") return Level::error;
  return std::nullopt;
}

std::string_view level_name(Level l) {
  switch (l) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}

void append_rfc3339_now(std::string& out) {
  // The "YYYY-MM-DDTHH:MM:SS." prefix changes once a second: cache it per thread.
  thread_local std::time_t cached_sec = -1;
  thread_local char prefix[32];
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
  const std::time_t sec = static_cast<std::time_t>(ms / 1000);
  if (sec != cached_sec) {
    std::tm tm{};
    gmtime_r(&sec, &tm);
    (void)std::strftime(prefix, sizeof prefix, "%Y-%m-%dT%H:%M:%S.", &tm);
    cached_sec = sec;
  }
  out += prefix;
  const auto frac = static_cast<int>(ms % 1000);
  out += static_cast<char>('0' + frac / 100);
  out += static_cast<char>('0' + frac / 10 % 10);
  out += static_cast<char>('0' + frac % 10);
  out += 'Z';
}

JsonObject Logger::begin(std::string& buf, Level l, std::string_view event) {
  buf.clear();
  return append_begin(buf, l, event);
}

JsonObject Logger::append_begin(std::string& buf, Level l, std::string_view event) {
  buf += "{\"time\":\"";
  append_rfc3339_now(buf);
  buf += "\",\"level\":\"";
  buf += level_name(l);
  buf += "\",\"event\":";
  append_json_string(buf, event);
  JsonObject obj(buf, JsonObject::continuing);
  return obj;
}

void Logger::finish(std::string& buf, JsonObject& obj) const {
  obj.close();
  buf += '\n';
  write_raw(buf);
}

namespace {

// Bytes per write(2): a pipe or socket that polls writable takes PIPE_BUF
// without blocking; files and terminals take anything.
std::size_t write_chunk(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode)) return PIPE_BUF;
  return SIZE_MAX;
}

}  // namespace

Logger::Logger(Level min, int fd) : min_(min), fd_(fd), chunk_(write_chunk(fd)), writer_([this] { run_writer(); }) {}

Logger::~Logger() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    stop_deadline_ = std::chrono::steady_clock::now() + kFinalFlush;
  }
  wake_.notify_one();
  writer_.join();
}

void Logger::write_raw(std::string_view lines) const {
  bool was_empty = false;
  {
    std::lock_guard lock(mutex_);
    // Bytes not yet written: the queue plus the batch the writer holds (it
    // swaps the queue out, so the queue alone would let twice the bound wait).
    if (queued_total_ - written_total_ + lines.size() > kMaxBufferedBytes) {
      dropped_.fetch_add(static_cast<std::uint64_t>(std::count(lines.begin(), lines.end(), '\n')),
                         std::memory_order_relaxed);
      return;
    }
    was_empty = queue_.empty();
    queue_ += lines;
    queued_total_ += lines.size();
  }
  // The writer sleeps only on an empty queue: wake it only then (a wake-up
  // is a system call; under load the writer finds the next lines by itself).
  if (was_empty) wake_.notify_one();
}

bool Logger::flush(std::chrono::milliseconds limit) const {
  std::unique_lock lock(mutex_);
  const auto target = queued_total_;
  return written_.wait_for(lock, limit, [&] { return written_total_ >= target; });
}

void Logger::run_writer() {
  std::string batch;
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, all written
    batch.swap(queue_);
    lock.unlock();
    const bool ok = write_out(batch);
    lock.lock();
    written_total_ += batch.size();
    batch.clear();
    if (batch.capacity() > 64 * 1024) std::string().swap(batch);  // a burst's buffer is not kept
    written_.notify_all();
    if (!ok) return;
  }
}

// Writes all of `bytes`, waiting for the output as long as it takes, except
// when stopping: then only until the final flush deadline (a stalled log
// driver must not keep the process from exiting).
bool Logger::write_out(std::string_view bytes) {
  while (!bytes.empty()) {
    pollfd p{fd_, POLLOUT, 0};
    const int ready = ::poll(&p, 1, 100);
    if (ready < 0 && errno != EINTR) return true;  // not pollable: nothing sensible left to do
    if (ready <= 0) {
      std::lock_guard lock(mutex_);
      if (stop_ && std::chrono::steady_clock::now() >= stop_deadline_) return false;
      continue;
    }
    if ((p.revents & (POLLERR | POLLNVAL)) != 0) return true;  // stdout gone: drop the lines
    const ssize_t n = ::write(fd_, bytes.data(), std::min(bytes.size(), chunk_));
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return true;  // stdout gone: drop the lines
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace app
