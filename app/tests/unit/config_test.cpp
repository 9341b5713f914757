#include "config.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace app {
namespace {

struct Env {
  std::map<std::string, std::string> vars;
  EnvLookup lookup() const {
    return [this](const char* name) -> const char* {
      const auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  }
};

ParseResult parse(std::map<std::string, std::string> vars, std::vector<std::string_view> args = {}) {
  static Env env;  // the lookup must outlive parse_config only
  env.vars = std::move(vars);
  return parse_config(args, env.lookup());
}

TEST(Config, Defaults) {
  const auto r = parse({});
  ASSERT_EQ(r.action, Action::run);
  EXPECT_EQ(r.config.port, 5000);
  EXPECT_EQ(r.config.host, "0.0.0.0");
  EXPECT_EQ(r.config.threads, 0u);
  EXPECT_EQ(r.config.log_level, Level::info);
  EXPECT_TRUE(r.config.access_log);
  EXPECT_EQ(r.config.max_header_bytes, 16384u);
  EXPECT_EQ(r.config.max_body_bytes, 1048576u);
  EXPECT_EQ(r.config.max_connections, 10000u);
  EXPECT_EQ(r.config.request_timeout, std::chrono::seconds(10));
  EXPECT_EQ(r.config.idle_timeout, std::chrono::seconds(75));
  EXPECT_EQ(r.config.drain_timeout, std::chrono::seconds(20));
}

TEST(Config, EveryVariableIsRead) {
  const auto r = parse({{"PORT", "0"},
                        {"HOST", "::1"},
                        {"THREADS", "3"},
                        {"LOG_LEVEL", "warn"},
                        {"ACCESS_LOG", "off"},
                        {"MAX_HEADER_BYTES", "1024"},
                        {"MAX_BODY_BYTES", "0"},
                        {"MAX_CONNECTIONS", "7"},
                        {"REQUEST_TIMEOUT", "500ms"},
                        {"IDLE_TIMEOUT", "2m"},
                        {"DRAIN_TIMEOUT", "3s"}});
  ASSERT_EQ(r.action, Action::run) << r.error;
  EXPECT_EQ(r.config.port, 0);
  EXPECT_EQ(r.config.host, "::1");
  EXPECT_EQ(r.config.threads, 3u);
  EXPECT_EQ(r.config.log_level, Level::warn);
  EXPECT_FALSE(r.config.access_log);
  EXPECT_EQ(r.config.max_header_bytes, 1024u);
  EXPECT_EQ(r.config.max_body_bytes, 0u);
  EXPECT_EQ(r.config.max_connections, 7u);
  EXPECT_EQ(r.config.request_timeout, std::chrono::milliseconds(500));
  EXPECT_EQ(r.config.idle_timeout, std::chrono::minutes(2));
  EXPECT_EQ(r.config.drain_timeout, std::chrono::seconds(3));
}

TEST(Config, MetricsPortDefaultsApartFromPortAndMayBeAnyFreePort) {
  EXPECT_EQ(parse({}).config.metrics_port, 9090);
  EXPECT_EQ(parse({{"METRICS_PORT", "9100"}}).config.metrics_port, 9100);
  EXPECT_EQ(parse({{"PORT", "0"}, {"METRICS_PORT", "0"}}).action, Action::run);  // both ephemeral
  EXPECT_EQ(parse({}, {"--port", "9090"}).action, Action::fail);  // collides with the default METRICS_PORT
  EXPECT_EQ(parse({}, {"--metrics-port=9200"}).config.metrics_port, 9200);
}

TEST(Config, FlagsOverrideEnvironment) {
  const auto r = parse({{"PORT", "8000"}, {"LOG_LEVEL", "error"}}, {"--port", "9000", "--log-level=debug"});
  ASSERT_EQ(r.action, Action::run) << r.error;
  EXPECT_EQ(r.config.port, 9000);
  EXPECT_EQ(r.config.log_level, Level::debug);
}

TEST(Config, EveryFlagIsRead) {
  const auto r = parse({}, {"--port=1", "--host", "127.0.0.1", "--threads=2", "--log-level", "error",
                            "--access-log=false", "--max-header-bytes=2048", "--max-body-bytes=10",
                            "--max-connections=5", "--request-timeout=1s", "--idle-timeout=2s", "--drain-timeout=4s"});
  ASSERT_EQ(r.action, Action::run) << r.error;
  EXPECT_EQ(r.config.port, 1);
  EXPECT_EQ(r.config.host, "127.0.0.1");
  EXPECT_EQ(r.config.threads, 2u);
  EXPECT_EQ(r.config.log_level, Level::error);
  EXPECT_FALSE(r.config.access_log);
  EXPECT_EQ(r.config.max_header_bytes, 2048u);
  EXPECT_EQ(r.config.max_body_bytes, 10u);
  EXPECT_EQ(r.config.max_connections, 5u);
  EXPECT_EQ(r.config.request_timeout, std::chrono::seconds(1));
  EXPECT_EQ(r.config.idle_timeout, std::chrono::seconds(2));
  EXPECT_EQ(r.config.drain_timeout, std::chrono::seconds(4));
}

TEST(Config, AccessLogSwitchValues) {
  for (const char* on : {"on", "true", "1"}) EXPECT_TRUE(parse({{"ACCESS_LOG", on}}).config.access_log) << on;
  for (const char* off : {"off", "false", "0"}) EXPECT_FALSE(parse({{"ACCESS_LOG", off}}).config.access_log) << off;
}

struct BadValue {
  const char* var;
  const char* value;
};

class ConfigBadValue : public ::testing::TestWithParam<BadValue> {};

TEST_P(ConfigBadValue, FailsNamingTheVariable) {
  const auto& p = GetParam();
  const auto r = parse({{p.var, p.value}});
  ASSERT_EQ(r.action, Action::fail) << p.var << "=" << p.value;
  EXPECT_NE(r.error.find(p.var), std::string::npos) << r.error;
  EXPECT_NE(r.error.find(std::string("\"") + p.value + "\""), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("expected"), std::string::npos) << r.error;
}

INSTANTIATE_TEST_SUITE_P(
    All, ConfigBadValue,
    ::testing::Values(BadValue{"PORT", "65536"}, BadValue{"PORT", "-1"}, BadValue{"PORT", "abc"}, BadValue{"PORT", ""},
                      BadValue{"PORT", "80 "}, BadValue{"PORT", "+80"}, BadValue{"METRICS_PORT", "65536"},
                      BadValue{"METRICS_PORT", "x"}, BadValue{"METRICS_PORT", "5000"},  // the default PORT
                      BadValue{"HOST", "localhost"}, BadValue{"HOST", "1.2.3.4.5"}, BadValue{"HOST", ""},
                      BadValue{"THREADS", "0"}, BadValue{"THREADS", "257"}, BadValue{"THREADS", "two"},
                      BadValue{"LOG_LEVEL", "verbose"}, BadValue{"LOG_LEVEL", "INFO"}, BadValue{"ACCESS_LOG", "yes"},
                      BadValue{"ACCESS_LOG", ""}, BadValue{"MAX_HEADER_BYTES", "1023"},
                      BadValue{"MAX_HEADER_BYTES", "1048577"}, BadValue{"MAX_BODY_BYTES", "1073741825"},
                      BadValue{"MAX_BODY_BYTES", "1k"}, BadValue{"MAX_CONNECTIONS", "0"},
                      BadValue{"MAX_CONNECTIONS", "1000001"}, BadValue{"REQUEST_TIMEOUT", "0s"},
                      BadValue{"REQUEST_TIMEOUT", "10"}, BadValue{"REQUEST_TIMEOUT", "1h"},
                      BadValue{"IDLE_TIMEOUT", "-5s"}, BadValue{"IDLE_TIMEOUT", "1.5s"}, BadValue{"DRAIN_TIMEOUT", "s"},
                      BadValue{"DRAIN_TIMEOUT", "99999999999999999999s"}));

TEST(Config, BadFlagValueNamesTheFlag) {
  const auto r = parse({}, {"--threads=0"});
  ASSERT_EQ(r.action, Action::fail);
  EXPECT_NE(r.error.find("--threads"), std::string::npos) << r.error;
}

TEST(Config, FlagValueWinsOverBadEnvironmentIsStillAnError) {
  // An invalid variable is reported even if a flag would override it: the
  // environment must not hold garbage silently.
  const auto r = parse({{"PORT", "x"}}, {"--port=1"});
  EXPECT_EQ(r.action, Action::fail);
}

TEST(Config, UnknownFlagFails) {
  const auto r = parse({}, {"--nope"});
  ASSERT_EQ(r.action, Action::fail);
  EXPECT_NE(r.error.find("--nope"), std::string::npos);
}

TEST(Config, MissingFlagValueFails) {
  const auto r = parse({}, {"--port"});
  ASSERT_EQ(r.action, Action::fail);
  EXPECT_NE(r.error.find("--port"), std::string::npos);
}

TEST(Config, ModeFlags) {
  EXPECT_EQ(parse({}, {"--help"}).action, Action::help);
  EXPECT_EQ(parse({}, {"--version"}).action, Action::version);
  const auto hc = parse({{"PORT", "1234"}}, {"--healthcheck"});
  EXPECT_EQ(hc.action, Action::healthcheck);
  EXPECT_EQ(hc.config.port, 1234);
  EXPECT_EQ(parse({}, {"--healthcheck", "--port", "99"}).config.port, 99);
}

TEST(Duration, Parses) {
  EXPECT_EQ(parse_duration("1ms"), std::chrono::milliseconds(1));
  EXPECT_EQ(parse_duration("500ms"), std::chrono::milliseconds(500));
  EXPECT_EQ(parse_duration("10s"), std::chrono::seconds(10));
  EXPECT_EQ(parse_duration("2m"), std::chrono::minutes(2));
  EXPECT_EQ(parse_duration("1440m"), std::chrono::hours(24));
}

TEST(Duration, Rejects) {
  for (const char* bad : {"", "0ms", "0s", "10", "s", "ms", "1.5s", "-1s", " 1s", "1s ", "1 s", "1S", "1h", "1441m",
                          "86400001ms", "18446744073709551617s", "1sm", "1mss"}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace app
