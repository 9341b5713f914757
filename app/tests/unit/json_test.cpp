#include "json.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "log.hpp"

namespace app {
namespace {

boost::json::value parse_or_fail(const std::string& s) {
  boost::system::error_code ec;
  auto v = boost::json::parse(s, ec);
  EXPECT_FALSE(ec) << "invalid JSON: " << s;
  return v;
}

TEST(JsonString, EscapesQuotesBackslashesAndControls) {
  std::string out;
  append_json_string(out, std::string_view("a\"b\\c\n\r\t\x01\x1f", 10));
  EXPECT_EQ(out, R"("a\"b\\c\n\r\t\u0001\u001f")");
}

TEST(JsonString, KeepsValidUtf8) {
  std::string out;
  append_json_string(out, "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
  EXPECT_EQ(parse_or_fail(out).as_string(), "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80");
}

TEST(JsonString, ReplacesInvalidUtf8) {
  const std::string hostile[] = {
      "\xFF",
      "\xC0\xAF" /* overlong '/' */,
      "\xED\xA0\x80" /* surrogate */,
      "\xF4\x90\x80\x80" /* > U+10FFFF */,
      "\xE2\x82" /* truncated */,
      "\x80\x80\x80",
  };
  for (const auto& h : hostile) {
    std::string out;
    append_json_string(out, h);
    const std::string decoded(parse_or_fail(out).as_string());
    EXPECT_NE(decoded.find("\xEF\xBF\xBD"), std::string::npos) << out;
  }
  std::string out;
  append_json_string(out, std::string("nul\0byte", 8));
  EXPECT_EQ(out, R"("nul\u0000byte")");
}

TEST(JsonString, EveryByteValueYieldsValidJson) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  std::string out;
  append_json_string(out, all);
  parse_or_fail(out);
}

TEST(JsonObject, BuildsFlatObject) {
  std::string out;
  JsonObject(out).str("s", "x\"y").num("n", -42).real("r", 1.23456).boolean("b", true).close();
  const auto v = parse_or_fail(out).as_object();
  EXPECT_EQ(v.at("s").as_string(), "x\"y");
  EXPECT_EQ(v.at("n").as_int64(), -42);
  EXPECT_DOUBLE_EQ(v.at("r").as_double(), 1.235);
  EXPECT_TRUE(v.at("b").as_bool());
}

TEST(LogLine, HostileFieldsStillOneValidLine) {
  std::string buf;
  auto obj = Logger::begin(buf, Level::info, "request");
  obj.str("path", "/\"}\n{\"injected\":true,\x1b[31m\xFF\xFE").str("user_agent", std::string("\0\r\n\\", 4)).close();
  buf += '\n';
  ASSERT_EQ(std::count(buf.begin(), buf.end(), '\n'), 1);
  const auto v = parse_or_fail(buf.substr(0, buf.size() - 1)).as_object();
  EXPECT_EQ(v.at("event").as_string(), "request");
  EXPECT_EQ(v.at("level").as_string(), "info");
  EXPECT_FALSE(v.contains("injected"));
  const std::string time(v.at("time").as_string());
  // RFC 3339 UTC with milliseconds: 2026-11-25T09:30:00.123Z
  ASSERT_EQ(time.size(), 24u) << time;
  EXPECT_EQ(time[10], 'T');
  EXPECT_EQ(time[19], '.');
  EXPECT_EQ(time.back(), 'Z');
}

TEST(LogLevel, ParsesAndNames) {
  for (const auto l : {Level::debug, Level::info, Level::warn, Level::error}) {
    EXPECT_EQ(parse_level(level_name(l)), l);
  }
  EXPECT_FALSE(parse_level("warning").has_value());
  EXPECT_TRUE(Logger(Level::warn).enabled(Level::error));
  EXPECT_FALSE(Logger(Level::warn).enabled(Level::info));
}

}  // namespace
}  // namespace app
