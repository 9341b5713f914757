#include "request_id.hpp"

#include <sys/random.h>

#include <cstdint>
#include <ctime>

namespace app {
namespace {

// xoshiro256** seeded per thread from getrandom(2): ids must be unique, not secret,
// and a syscall per request would cost more than the whole response.
class Rng {
 public:
  Rng() {
    if (getrandom(s_, sizeof s_, 0) != static_cast<ssize_t>(sizeof s_)) {
      // No entropy source: fall back to time and address (still unique per process).
      s_[0] = static_cast<std::uint64_t>(std::time(nullptr)) | 1;
      s_[1] = reinterpret_cast<std::uintptr_t>(this);
      s_[2] = 0x9E3779B97F4A7C15ull;
      s_[3] = 0xD1B54A32D192ED03ull;
    }
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

bool allowed(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == ':' || c == '-';
}

bool allowed_in_trace(char c) { return allowed(c) || c == '=' || c == ';'; }

// Copies the characters of `in` that pass `keep`, at most `max` of them.
template <typename Keep>
void keep_only(std::string_view in, std::size_t max, Keep keep, std::string& out) {
  out.clear();
  for (const char c : in) {
    if (out.size() == max) break;
    if (keep(c)) out += c;
  }
}

}  // namespace

void sanitize_request_id(std::string_view in, std::string& out) { keep_only(in, kMaxRequestIdLength, allowed, out); }

void sanitize_trace_id(std::string_view in, std::string& out) {
  keep_only(in, kMaxTraceIdLength, allowed_in_trace, out);
}

void trace_id_for(std::string_view amzn_trace_id, std::string_view traceparent, std::string& out) {
  sanitize_trace_id(amzn_trace_id, out);
  if (out.empty()) sanitize_trace_id(traceparent, out);
}

void generate_request_id(std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  thread_local Rng rng;
  out.clear();
  for (int half = 0; half < 2; ++half) {
    std::uint64_t v = rng.next();
    for (int i = 0; i < 16; ++i, v >>= 4) out += kHex[v & 0xF];
  }
}

void request_id_for(std::string_view header_value, std::string& out) {
  sanitize_request_id(header_value, out);
  if (out.empty()) generate_request_id(out);
}

}  // namespace app
