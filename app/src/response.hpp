#pragma once
// Serialises our own responses to HTTP/1.1 bytes. Requests are parsed by
// Beast; responses are a fixed, small set of headers, so writing them
// directly saves the per-response allocations of a generic serializer.
#include <string>
#include <string_view>

#include "router.hpp"

namespace app {

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
