#pragma once
// X-Request-Id handling: a client's id is kept if it survives sanitising,
// otherwise a fresh random one is generated.
#include <string>
#include <string_view>

namespace app {

inline constexpr std::size_t kMaxRequestIdLength = 128;

// Keeps only [A-Za-z0-9._:-], cut to 128 characters (may return empty).
void sanitize_request_id(std::string_view in, std::string& out);

// 32 lowercase hex characters from a random 128-bit value.
void generate_request_id(std::string& out);

// The id for a request: the sanitised header value, or a generated one.
void request_id_for(std::string_view header_value, std::string& out);

}  // namespace app
