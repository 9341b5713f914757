#pragma once
// JSON-lines logging on stdout: one object per line. Request handling never
// waits for stdout: lines go into a bounded in-memory buffer that a thread of
// the logger's own writes out; when stdout stalls (a log driver that stopped
// reading) and the buffer is full, lines are dropped and counted
// (log_lines_dropped_total in /metrics) instead of stalling /healthz, every
// request and the drain. One writer thread also means lines never interleave.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "json.hpp"

namespace app {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

std::optional<Level> parse_level(std::string_view s);
std::string_view level_name(Level l);

// Appends the current UTC time as RFC 3339 with milliseconds ("...T09:30:00.123Z").
void append_rfc3339_now(std::string& out);

class Logger {
 public:
  // At most this many bytes wait for the writer, queued or being written;
  // beyond, lines are dropped.
  static constexpr std::size_t kMaxBufferedBytes = 1 << 20;

  explicit Logger(Level min = Level::info, int fd = 1);
  ~Logger();  // writes what is buffered (for at most kFinalFlush), then stops the writer
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  bool enabled(Level l) const { return l >= min_; }

  // The way to log an event: one line {"time","level","event",...} whose
  // fields `add_fields(JsonObject&)` adds; nothing is built below the level.
  template <typename AddFields>
  void event(Level l, std::string_view name, AddFields&& add_fields) const {
    if (!enabled(l)) return;
    std::string buf;
    JsonObject obj = begin(buf, l, name);
    add_fields(obj);
    finish(buf, obj);
  }

  // The parts event() is made of, for lines built in batches (the access log):
  // starts a line {"time":..,"level":..,"event":.. in `buf` (cleared first);
  // add fields with the returned object, then pass buf to finish().
  static JsonObject begin(std::string& buf, Level l, std::string_view event);
  // The same, appended after what `buf` already holds (several lines in one buffer).
  static JsonObject append_begin(std::string& buf, Level l, std::string_view event);
  // Closes the object, appends '\n' and writes the line.
  void finish(std::string& buf, JsonObject& obj) const;
  // Queues already complete lines (one or more), whole; never blocks on the output.
  void write_raw(std::string_view lines) const;
  // Waits (at most `limit`) until every queued line has been written; true if all were.
  bool flush(std::chrono::milliseconds limit = std::chrono::milliseconds(2000)) const;
  // Lines dropped because the buffer was full.
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

 private:
  static constexpr std::chrono::milliseconds kFinalFlush{2000};
  void run_writer();
  bool write_out(std::string_view bytes);  // false if stopping and the output stays blocked

  Level min_;
  int fd_;
  std::size_t chunk_;  // bytes per write(2)
  mutable std::mutex mutex_;
  mutable std::condition_variable wake_;     // the writer: lines queued, or stop
  mutable std::condition_variable written_;  // flush(): the queue was written
  mutable std::string queue_;
  mutable std::uint64_t queued_total_ = 0, written_total_ = 0;  // bytes, for flush()
  mutable std::atomic<std::uint64_t> dropped_{0};
  bool stop_ = false;
  std::chrono::steady_clock::time_point stop_deadline_{};
  std::thread writer_;  // last: started once the members above exist
};

}  // namespace app
