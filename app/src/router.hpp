#pragma once
// What the service answers: a pure function from a parsed request to a
// response, with no sockets, so tests and the fuzz target call it directly.
#include <atomic>
#include <string>
#include <string_view>

#include "log.hpp"
#include "metrics.hpp"
#include "version.hpp"

namespace app {

// Which listener a request came in on: the public one (behind the load
// balancer) or the metrics one (METRICS_PORT, inside the VPC only).
enum class Surface : std::uint8_t { main, metrics };

struct Request {
  std::string_view method;      // as received, e.g. "GET"
  std::string_view target;      // raw request target, e.g. "/healthz?x=1"
  std::string_view request_id;  // already sanitised or generated
  std::string_view trace_id;    // X-Amzn-Trace-Id, traceparent or Lambda-Runtime-Trace-Id, as received
  Surface surface = Surface::main;
};

struct Response {
  int status = 200;
  std::string_view content_type;  // always a static string
  std::string body;               // reused between requests (keeps its capacity)
  bool allow_get_head = false;    // adds "Allow: GET, HEAD" (405)
  Route route = Route::unmatched;
};

// What handlers may read: metrics (for /metrics), build info, drain state.
struct AppState {
  AppState(Metrics& m, const BuildInfo& b) : metrics(m), build(b) {}
  Metrics& metrics;
  const BuildInfo& build;
  const Logger* log = nullptr;  // for its dropped-lines count in /metrics
  std::atomic<bool> draining{false};
};

// Fills `res` (overwriting it) with the answer to `req`.
void route(const Request& req, const AppState& state, Response& res);
Response route(const Request& req, const AppState& state);

// A JSON error: {"error":code,"message":..,"request_id":..} for 400/404/405/408/413/414/431/501/503 (else 500).
void error_response(int status, std::string_view request_id, Response& res);

}  // namespace app
