#pragma once
// JSON-lines logging on stdout: one object per line. Writes are serialised by
// a mutex: a write(2) of more than PIPE_BUF bytes to a pipe (the container's
// log driver) may be split, and lines from several threads must not interleave.
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "json.hpp"

namespace app {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

std::optional<Level> parse_level(std::string_view s);
std::string_view level_name(Level l);

// Appends the current UTC time as RFC 3339 with milliseconds ("...T09:30:00.123Z").
void append_rfc3339_now(std::string& out);

class Logger {
 public:
  explicit Logger(Level min = Level::info, int fd = 1) : min_(min), fd_(fd) {}
  bool enabled(Level l) const { return l >= min_; }

  // Starts a line {"time":..,"level":..,"event":.. in `buf` (cleared first);
  // add fields with the returned object, then pass buf to finish().
  static JsonObject begin(std::string& buf, Level l, std::string_view event);
  // Closes the object, appends '\n' and writes the line.
  void finish(std::string& buf, JsonObject& obj) const;
  // Writes already complete lines (one or more), whole.
  void write_raw(std::string_view lines) const;

 private:
  Level min_;
  int fd_;
  mutable std::mutex write_mutex_;  // uncontended with one thread: far cheaper than the write(2)
};

}  // namespace app
