#pragma once
// Function URL / API Gateway HTTP API events (payload format 2.0) in, the
// router's Response out as the event response JSON. No I/O: the Runtime API
// client (lambda_runtime.hpp) moves the bytes; unit tests drive this directly.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "router.hpp"

namespace app::lambda {

// What the router and the access log need of one event (owns its strings).
struct HttpEvent {
  std::string method;             // requestContext.http.method
  std::string target;             // rawPath, then '?' and rawQueryString when that is not empty
  std::string request_id_header;  // headers["x-request-id"], as received
  std::string user_agent;         // requestContext.http.userAgent (else headers["user-agent"])
  std::string source_ip;          // requestContext.http.sourceIp: the client
  std::size_t body_bytes = 0;     // the body's size once decoded
  bool body_valid = true;         // false: isBase64Encoded, but the body is not base64
};

// Parses a payload 2.0 event into `out`. Returns an empty string on success,
// else why the payload is not an HTTP event (not JSON, or a required field,
// rawPath or requestContext.http.method, missing or of the wrong type).
std::string parse_http_event(std::string_view payload, HttpEvent& out);

// Writes the event response for `res` into `out` (cleared first):
// statusCode, the headers of visit_headers (response.hpp), as the HTTP server
// sends them (less the ones Lambda sets itself: Content-Length, Date,
// Connection), body (empty for
// HEAD), isBase64Encoded (false: every body we send is text) and cookies.
void write_http_response(const Response& res, std::string_view request_id, bool head, std::string& out);

// The decoded size of standard base64 (RFC 4648 section 4, padded, as Lambda
// encodes bodies), or nullopt if `in` is not base64. Validates without
// decoding: no route reads a body. Hand-written: Boost's only base64 is in
// beast::detail (not a public API) and accepts invalid input silently.
std::optional<std::size_t> base64_decoded_size(std::string_view in);

}  // namespace app::lambda
