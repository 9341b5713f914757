#include "lambda_event.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <charconv>

#include "json.hpp"
#include "response.hpp"

namespace app::lambda {
namespace json = boost::json;
namespace {

// The string at `key` in `obj`, or nullptr when absent or not a string.
const json::string* string_at(const json::object* obj, std::string_view key) {
  if (obj == nullptr) return nullptr;
  const json::value* v = obj->if_contains(key);
  return v != nullptr ? v->if_string() : nullptr;
}

const json::object* object_at(const json::object* obj, std::string_view key) {
  if (obj == nullptr) return nullptr;
  const json::value* v = obj->if_contains(key);
  return v != nullptr ? v->if_object() : nullptr;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// A header's value: payload 2.0 lowercases names, but a hand-made test event may not.
std::string_view header(const json::object* headers, std::string_view name) {
  if (headers == nullptr) return {};
  for (const auto& kv : *headers) {
    if (iequals(kv.key(), name) && kv.value().is_string()) return kv.value().get_string();
  }
  return {};
}

}  // namespace

std::optional<std::size_t> base64_decoded_size(std::string_view in) {
  if (in.size() % 4 != 0) return std::nullopt;
  std::size_t pad = 0;
  if (!in.empty() && in.back() == '=') ++pad;
  if (pad == 1 && in.size() >= 2 && in[in.size() - 2] == '=') ++pad;
  for (std::size_t i = 0; i < in.size() - pad; ++i) {
    const char c = in[i];
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
    if (!ok) return std::nullopt;
  }
  return in.size() / 4 * 3 - pad;
}

std::string parse_http_event(std::string_view payload, HttpEvent& out) {
  boost::system::error_code ec;
  const json::value doc = json::parse(payload, ec);
  if (ec) return "event is not JSON: " + ec.message();
  const json::object* event = doc.if_object();
  if (event == nullptr) return "event is not a JSON object";
  const json::object* http = object_at(object_at(event, "requestContext"), "http");
  const json::string* method = string_at(http, "method");
  if (method == nullptr || method->empty()) return "not an HTTP event: no requestContext.http.method";
  const json::string* raw_path = string_at(event, "rawPath");
  if (raw_path == nullptr || !raw_path->starts_with('/')) return "not an HTTP event: no rawPath starting with /";

  out.method.assign(method->data(), method->size());
  out.target.assign(raw_path->data(), raw_path->size());
  if (const json::string* query = string_at(event, "rawQueryString"); query != nullptr && !query->empty()) {
    out.target += '?';
    out.target.append(query->data(), query->size());
  }
  const json::object* headers = object_at(event, "headers");
  out.request_id_header = header(headers, "x-request-id");
  const json::string* agent = string_at(http, "userAgent");
  out.user_agent = agent != nullptr ? std::string_view(*agent) : header(headers, "user-agent");
  const json::string* source = string_at(http, "sourceIp");
  out.source_ip = source != nullptr ? std::string_view(*source) : std::string_view();

  out.body_bytes = 0;
  out.body_valid = true;
  if (const json::string* body = string_at(event, "body"); body != nullptr) {
    const json::value* b64 = event->if_contains("isBase64Encoded");
    if (b64 != nullptr && b64->is_bool() && b64->get_bool()) {
      const auto size = base64_decoded_size(*body);
      out.body_valid = size.has_value();
      out.body_bytes = size.value_or(0);
    } else {
      out.body_bytes = body->size();
    }
  }
  return {};
}

void write_http_response(const Response& res, std::string_view request_id, bool head, std::string& out) {
  out.clear();
  char num[16];
  const auto end = std::to_chars(num, num + sizeof num, res.status).ptr;
  out += R"({"statusCode":)";
  out.append(num, end);
  out += R"(,"headers":{)";
  visit_headers(res, request_id, [&out](std::string_view name, std::string_view value) {
    if (out.back() != '{') out += ',';
    append_json_string(out, name);
    out += ':';
    append_json_string(out, value);
  });
  out += R"(},"body":)";
  append_json_string(out, head ? std::string_view() : std::string_view(res.body));
  out += R"(,"isBase64Encoded":false,"cookies":[]})";
}

}  // namespace app::lambda
