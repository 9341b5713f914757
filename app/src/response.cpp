#include "response.hpp"

#include <charconv>
#include <ctime>

#include "status.hpp"

namespace app {
namespace {

// "Date: ...\r\n" changes once a second: cache it per thread.
std::string_view date_header() {
  thread_local std::time_t cached = -1;
  thread_local char buf[64];
  thread_local std::size_t len = 0;
  const std::time_t now = std::time(nullptr);
  if (now != cached) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    len = std::strftime(buf, sizeof buf, "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
    cached = now;
  }
  return {buf, len};
}

}  // namespace

std::string_view reason_phrase(int status) {
  const StatusInfo* info = find_status(status);
  return info != nullptr ? info->reason : "";  // RFC 9112 4: the reason phrase may be empty
}

void serialize(const Response& res, const ResponseMeta& meta, std::string& out) {
  char num[24];
  out += "HTTP/1.1 ";
  auto r = std::to_chars(num, num + sizeof num, res.status);
  out.append(num, r.ptr);
  out += ' ';
  out += reason_phrase(res.status);
  out += "\r\n";
  visit_headers(res, meta.request_id, [&out](std::string_view name, std::string_view value) {
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  });
  out += "Content-Length: ";
  r = std::to_chars(num, num + sizeof num, res.body.size());
  out.append(num, r.ptr);
  out += "\r\n";
  out += date_header();
  if (meta.close) {
    out += "Connection: close\r\n";
  } else if (meta.keep_alive_10) {
    out += "Connection: keep-alive\r\n";
  }
  out += "\r\n";
  if (!meta.head) out += res.body;
}

}  // namespace app
