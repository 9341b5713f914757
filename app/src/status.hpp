#pragma once
// Every status code the service answers with and what goes with it, in one
// table: the reason phrase (response.cpp), the JSON error body's code and
// message (router.cpp) and the metrics' `code` label (metrics.cpp).
#include <array>
#include <cstddef>
#include <string_view>

namespace app {

struct StatusInfo {
  int code;
  std::string_view reason;   // status line
  std::string_view error;    // JSON error code ("" for 2xx)
  std::string_view message;  // JSON error message
};

inline constexpr std::array<StatusInfo, 11> kStatuses = {{
    {200, "OK", "", ""},
    {400, "Bad Request", "bad_request", "malformed request"},
    {404, "Not Found", "not_found", "no such path"},
    {405, "Method Not Allowed", "method_not_allowed", "method not allowed; use GET or HEAD"},
    {408, "Request Timeout", "request_timeout", "request not received in time"},
    {413, "Content Too Large", "payload_too_large", "request body too large"},
    {414, "URI Too Long", "uri_too_long", "request target too long"},
    {431, "Request Header Fields Too Large", "header_fields_too_large", "request header section too large"},
    {500, "Internal Server Error", "internal_error", "internal error"},
    {501, "Not Implemented", "not_implemented", "transfer coding not implemented; use chunked"},
    {503, "Service Unavailable", "service_unavailable", "service unavailable"},
}};

// The index of `code` in kStatuses, or kStatuses.size() if it is not listed.
constexpr std::size_t status_index(int code) {
  std::size_t i = 0;
  while (i < kStatuses.size() && kStatuses[i].code != code) ++i;
  return i;
}

// The table's entry for `code`, or nullptr for a code the service never sends.
constexpr const StatusInfo* find_status(int code) {
  const std::size_t i = status_index(code);
  return i < kStatuses.size() ? &kStatuses[i] : nullptr;
}

}  // namespace app
