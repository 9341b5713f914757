#include "log.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
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

void Logger::write_raw(std::string_view lines) const {
  const std::lock_guard lock(write_mutex_);
  const char* p = lines.data();
  std::size_t left = lines.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // stdout gone: nothing sensible left to do with a log line
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace app
