#include "router.hpp"

#include "json.hpp"
#include "status.hpp"

namespace app {
namespace {

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kText = "text/plain; charset=utf-8";
constexpr std::string_view kMetricsType = "text/plain; version=0.0.4; charset=utf-8";

// The path of a request target: the origin form's path without its query;
// an absolute-form target ("http://host/path?q", RFC 9112 3.2.2) by its path.
std::string_view path_of(std::string_view target) {
  if (!target.starts_with('/')) {
    const auto scheme = target.find("://");
    if (scheme != std::string_view::npos) {
      const auto slash = target.find('/', scheme + 3);
      target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
    }
  }
  return target.substr(0, target.find('?'));
}

void set(Response& res, int status, std::string_view type, std::string_view body) {
  res.status = status;
  res.content_type = type;
  res.body.assign(body);
}

}  // namespace

void error_response(int status, std::string_view request_id, Response& res) {
  const StatusInfo* info = find_status(status);
  if (info == nullptr || info->error.empty()) info = find_status(500);
  res.status = info->code;
  res.content_type = kJson;
  res.body.clear();
  JsonObject(res.body).str("error", info->error).str("message", info->message).str("request_id", request_id).close();
}

void route(const Request& req, const AppState& state, Response& res) {
  res.allow_get_head = false;
  const std::string_view path = path_of(req.target);
  res.route = match_route(path, req.surface);
  if (res.route == Route::unmatched) {
    error_response(404, req.request_id, res);
    return;
  }
  if (req.method != "GET" && req.method != "HEAD") {
    error_response(405, req.request_id, res);
    res.allow_get_head = true;
    return;
  }
  switch (res.route) {
    case Route::root: set(res, 200, kText, "Hello, World!"); break;
    case Route::healthz: set(res, 200, kJson, R"({"status":"ok"})"); break;
    case Route::readyz:
      if (state.draining.load(std::memory_order_relaxed)) {
        set(res, 503, kJson, R"({"status":"draining"})");
      } else {
        set(res, 200, kJson, R"({"status":"ready"})");
      }
      break;
    case Route::version:
      res.status = 200;
      res.content_type = kJson;
      res.body.clear();
      JsonObject(res.body)
          .str("version", state.build.version)
          .str("commit", state.build.commit)
          .str("build_time", state.build.build_time)
          .close();
      break;
    case Route::metrics:
      res.status = 200;
      res.content_type = kMetricsType;
      res.body.clear();
      state.metrics.expose(res.body, state.build, state.log != nullptr ? state.log->dropped() : 0);
      break;
    case Route::unmatched: break;  // handled above
  }
}

Response route(const Request& req, const AppState& state) {
  Response res;
  route(req, state, res);
  return res;
}

}  // namespace app
