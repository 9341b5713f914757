#pragma once
// Serialises our own responses to HTTP/1.1 bytes. Requests are parsed by
// Beast; responses are a fixed, small set of headers, so writing them
// directly saves the per-response allocations of a generic serializer.
#include <string>
#include <string_view>

#include "router.hpp"

namespace app {

struct HeaderField {
  std::string_view name;
  std::string_view value;
};

// Headers every response carries, whatever it is.
inline constexpr HeaderField kFixedHeaders[] = {
    {"X-Content-Type-Options", "nosniff"},  // browsers must not sniff our text/JSON into HTML
    {"Cache-Control", "no-store"},          // health, metrics and ids: nothing is cacheable
};
// With a 405 (Response::allow_get_head): the methods every route takes.
inline constexpr HeaderField kAllowHeader{"Allow", "GET, HEAD"};

// The one list of a response's own headers, in the order they are sent:
// calls visit(name, value) for Content-Type, X-Request-Id, kFixedHeaders,
// then Allow when res.allow_get_head. serialize() (HTTP) and the Lambda
// event response (lambda_event.cpp) both write exactly these; the
// transport's (Content-Length, Date, Connection) serialize() adds itself,
// and Lambda sets them on its own. Inlined: serialize() is the hot path.
template <typename Visit>
inline void visit_headers(const Response& res, std::string_view request_id, Visit&& visit) {
  visit(std::string_view("Content-Type"), res.content_type);
  visit(std::string_view("X-Request-Id"), request_id);
  for (const HeaderField& h : kFixedHeaders) visit(h.name, h.value);
  if (res.allow_get_head) visit(kAllowHeader.name, kAllowHeader.value);
}

struct ResponseMeta {
  std::string_view request_id;
  bool head = false;           // HEAD: headers (with Content-Length) but no body
  bool close = false;          // "Connection: close", the connection ends after it
  bool keep_alive_10 = false;  // an HTTP/1.0 client asked for keep-alive
};

std::string_view reason_phrase(int status);

// Appends the status line, headers and (unless HEAD) the body to `out`.
void serialize(const Response& res, const ResponseMeta& meta, std::string& out);

}  // namespace app
