#include "access_log.hpp"

#include "log.hpp"

namespace app {

void append_access_line(std::string& buf, const AccessRecord& r) {
  JsonObject obj = Logger::append_begin(buf, Level::info, "request");
  obj.str("method", r.method)
      .str("route", r.route)
      .str("path", r.path)
      .num("status", r.status)
      .real("duration_ms", std::chrono::duration<double, std::milli>(r.duration).count())
      .num("bytes", r.bytes)
      .str("request_id", r.request_id);
  if (!r.trace_id.empty()) obj.str("trace_id", r.trace_id);
  obj.str("client", r.client).str("peer", r.peer).str("user_agent", r.user_agent).close();
  buf += '\n';
}

}  // namespace app
