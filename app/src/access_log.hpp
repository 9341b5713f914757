#pragma once
// The access log line: one JSON object per answered request, the same from
// the socket server and from Lambda mode, so CloudWatch queries work on both.
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace app {

// What one access log line says about a request. Views only: the caller
// keeps the strings alive while append_access_line() runs.
struct AccessRecord {
  std::string_view method;  // as received
  std::string_view route;   // route template, or "unmatched"
  std::string_view path;    // raw request target
  int status = 0;
  std::chrono::nanoseconds duration{0};
  std::int64_t bytes = 0;       // body bytes sent (0 for HEAD)
  std::string_view request_id;  // sanitised or generated
  std::string_view trace_id;    // sanitised; logged only if not empty
  std::string_view client;      // right-most X-Forwarded-For address, else the peer
  std::string_view peer;        // socket address
  std::string_view user_agent;
};

// Appends one complete line ({"time":..,"level":"info","event":"request",..}\n)
// to `buf`, keeping what is already there (lines of one batch go out at once).
void append_access_line(std::string& buf, const AccessRecord& r);

}  // namespace app
