// The access log line (access_log.cpp): one whole JSON line per record, with
// every field the README lists, appended after lines already in the buffer.
#include "access_log.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace app {
namespace {

AccessRecord sample() {
  AccessRecord r;
  r.method = "GET";
  r.route = "/healthz";
  r.path = "/healthz?x=\"1\"";
  r.status = 200;
  r.duration = std::chrono::microseconds(1500);
  r.bytes = 15;
  r.request_id = "req-1";
  r.client = "203.0.113.7";
  r.peer = "127.0.0.1:40000";
  r.user_agent = "curl/8";
  return r;
}

boost::json::object parse_line(std::string_view line) {
  EXPECT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one line";
  boost::system::error_code ec;
  auto v = boost::json::parse(line, ec);
  EXPECT_FALSE(ec) << "invalid JSON: " << line;
  return v.is_object() ? v.as_object() : boost::json::object{};
}

TEST(AccessLine, HasEveryFieldOfTheRecord) {
  std::string buf;
  append_access_line(buf, sample());
  const auto o = parse_line(buf);
  EXPECT_EQ(o.at("level").as_string(), "info");
  EXPECT_EQ(o.at("event").as_string(), "request");
  EXPECT_TRUE(o.at("time").is_string());
  EXPECT_EQ(o.at("method").as_string(), "GET");
  EXPECT_EQ(o.at("route").as_string(), "/healthz");
  EXPECT_EQ(o.at("path").as_string(), "/healthz?x=\"1\"");
  EXPECT_EQ(o.at("status").as_int64(), 200);
  EXPECT_DOUBLE_EQ(o.at("duration_ms").as_double(), 1.5);
  EXPECT_EQ(o.at("bytes").as_int64(), 15);
  EXPECT_EQ(o.at("request_id").as_string(), "req-1");
  EXPECT_EQ(o.at("client").as_string(), "203.0.113.7");
  EXPECT_EQ(o.at("peer").as_string(), "127.0.0.1:40000");
  EXPECT_EQ(o.at("user_agent").as_string(), "curl/8");
}

TEST(AccessLine, LogsTheTraceIdOnlyWhenThereIsOne) {
  std::string without;
  append_access_line(without, sample());
  EXPECT_FALSE(parse_line(without).contains("trace_id"));

  AccessRecord r = sample();
  r.trace_id = "Root=1-5759e988-bd862e3fe1be46a994272793";
  std::string with;
  append_access_line(with, r);
  EXPECT_EQ(parse_line(with).at("trace_id").as_string(), "Root=1-5759e988-bd862e3fe1be46a994272793");
}

TEST(AccessLine, AppendsAfterLinesAlreadyInTheBuffer) {
  std::string buf = "{\"earlier\":1}\n";
  append_access_line(buf, sample());
  append_access_line(buf, sample());
  ASSERT_EQ(buf.rfind("{\"earlier\":1}\n", 0), 0u);
  std::string_view rest(buf);
  rest.remove_prefix(std::string_view("{\"earlier\":1}\n").size());
  const auto first_end = rest.find('\n') + 1;
  EXPECT_EQ(parse_line(rest.substr(0, first_end)).at("status").as_int64(), 200);
  EXPECT_EQ(parse_line(rest.substr(first_end)).at("status").as_int64(), 200);
}

}  // namespace
}  // namespace app
