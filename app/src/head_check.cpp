#include "head_check.hpp"

namespace app {
namespace {

// RFC 9110 5.6.2: the characters of a token such as the method.
bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// False once the bytes cannot begin a request line (a TLS handshake, say):
// answered at once instead of waiting for a head that never comes.
bool may_start_request(std::string_view head) {
  for (const char c : head) {
    if (c == ' ') return true;
    if (!is_tchar(c)) return false;
  }
  return true;
}

}  // namespace

HeadCheck check_head(std::string_view input, std::size_t limit, std::size_t resume) {
  HeadCheck r;
  while (input.substr(r.empty_lines, 2) == "\r\n") r.empty_lines += 2;
  const std::string_view head = input.substr(r.empty_lines);
  const std::size_t from = resume > r.empty_lines + 3 ? resume - r.empty_lines - 3 : 0;
  const std::size_t end = head.find("\r\n\r\n", from);
  const std::size_t line_end = head.find("\r\n");
  const bool line_fits = line_end != std::string_view::npos && line_end + 2 <= limit;
  if (end == std::string_view::npos) {
    r.scanned = input.size();
    if (head != "\r" && !may_start_request(head.substr(0, 32))) {  // "\r": maybe one more empty line
      r.status = 400;
      return r;
    }
    if (head.size() > limit || (line_end == std::string_view::npos && head.size() + 2 > limit)) {
      r.status = line_fits ? 431 : 414;
    }
    return r;
  }
  r.complete = true;
  r.scanned = r.empty_lines + end;
  if (end + 4 > limit) {
    r.status = line_fits ? 431 : 414;
    return r;
  }
  // obs-fold: a line of the head that starts with SP or HTAB.
  for (std::size_t lf = head.find('\n'); lf < end + 2; lf = head.find('\n', lf + 1)) {
    if (head[lf + 1] == ' ' || head[lf + 1] == '\t') {
      r.status = 400;
      return r;
    }
  }
  return r;
}

}  // namespace app
