#include "router.hpp"

#include "json.hpp"

namespace app {
namespace {

constexpr std::string_view kJson = "application/json";
constexpr std::string_view kText = "text/plain; charset=utf-8";
constexpr std::string_view kMetricsType = "text/plain; version=0.0.4; charset=utf-8";

Route match(std::string_view path, Surface surface) {
  // /metrics is served on the metrics listener only, and nothing else there.
  if (surface == Surface::metrics) return path == "/metrics" ? Route::metrics : Route::unmatched;
  if (path == "/") return Route::root;
  if (path == "/healthz") return Route::healthz;
  if (path == "/readyz") return Route::readyz;
  if (path == "/version") return Route::version;
  return Route::unmatched;
}

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
  std::string_view code = "internal_error";
  std::string_view message = "internal error";
  switch (status) {
    case 400: code = "bad_request", message = "malformed request"; break;
    case 404: code = "not_found", message = "no such path"; break;
    case 405: code = "method_not_allowed", message = "method not allowed; use GET or HEAD"; break;
    case 408: code = "request_timeout", message = "request not received in time"; break;
    case 413: code = "payload_too_large", message = "request body too large"; break;
    case 414: code = "uri_too_long", message = "request target too long"; break;
    case 431: code = "header_fields_too_large", message = "request header section too large"; break;
    case 501: code = "not_implemented", message = "transfer coding not implemented; use chunked"; break;
    case 503: code = "service_unavailable", message = "service unavailable"; break;
    default: status = 500;
  }
  res.status = status;
  res.content_type = kJson;
  res.body.clear();
  JsonObject(res.body).str("error", code).str("message", message).str("request_id", request_id).close();
}

void route(const Request& req, const AppState& state, Response& res) {
  res.allow_get_head = false;
  const std::string_view path = path_of(req.target);
  res.route = match(path, req.surface);
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
