#pragma once
// Minimal JSON writing for log lines and response bodies: a string escaper
// that always yields valid JSON (control characters escaped, invalid UTF-8
// replaced by U+FFFD) and a builder for one flat object.
#include <cstdint>
#include <string>
#include <string_view>

namespace app {

// Appends `s` as a quoted JSON string.
void append_json_string(std::string& out, std::string_view s);

// Builds `{"k":v,...}` into `out`; call close() once at the end.
class JsonObject {
 public:
  explicit JsonObject(std::string& out) : out_(out) { out_ += '{'; }
  // Continues an object the caller already opened and wrote fields into.
  struct Continue {};
  static constexpr Continue continuing{};
  JsonObject(std::string& out, Continue) : out_(out), first_(false) {}
  JsonObject& str(std::string_view key, std::string_view value);
  JsonObject& num(std::string_view key, std::int64_t value);
  JsonObject& real(std::string_view key, double value);  // 3 decimals
  JsonObject& boolean(std::string_view key, bool value);
  void close() { out_ += '}'; }

 private:
  void key(std::string_view k);
  std::string& out_;
  bool first_ = true;
};

}  // namespace app
