#pragma once
// X-Request-Id handling: a client's id is kept if it survives sanitising,
// otherwise a fresh random one is generated. Trace ids (X-Amzn-Trace-Id,
// traceparent) are sanitised the same way, and never generated.
#include <string>
#include <string_view>

namespace app {

inline constexpr std::size_t kMaxRequestIdLength = 128;

// Keeps only [A-Za-z0-9._:-], cut to 128 characters (may return empty).
void sanitize_request_id(std::string_view in, std::string& out);

inline constexpr std::size_t kMaxTraceIdLength = 256;  // X-Ray's own limit for the header

// Keeps only [A-Za-z0-9._:-] plus '=' and ';' (X-Amzn-Trace-Id's
// "Root=1-..;Parent=..;Sampled=1"), cut to 256 characters (may return empty).
void sanitize_trace_id(std::string_view in, std::string& out);

// The trace id for the access log: the sanitised X-Amzn-Trace-Id (set by
// the ALB), else the sanitised W3C traceparent, else empty.
void trace_id_for(std::string_view amzn_trace_id, std::string_view traceparent, std::string& out);

// 32 lowercase hex characters from a random 128-bit value.
void generate_request_id(std::string& out);

// The id for a request: the sanitised header value, or a generated one.
void request_id_for(std::string_view header_value, std::string& out);

}  // namespace app
