#pragma once
// Configuration from environment variables and matching flags (a flag wins).
// Parsing is pure (the environment is passed in) so tests can feed anything.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emf.hpp"
#include "log.hpp"

namespace app {

struct Config {
  std::uint16_t port = 5000;
  std::uint16_t metrics_port = 9090;  // /metrics only; inside the VPC, never behind the ALB
  std::string host = "0.0.0.0";
  unsigned threads = 0;  // 0: not set, use default_threads()
  Level log_level = Level::info;
  bool access_log = true;
  std::uint32_t max_header_bytes = 16384;
  std::uint64_t max_body_bytes = 1048576;
  std::uint32_t max_connections = 10000;
  std::chrono::milliseconds request_timeout{10'000};
  std::chrono::milliseconds idle_timeout{75'000};
  std::chrono::milliseconds drain_timeout{20'000};
  EmfSettings emf;  // CloudWatch EMF lines on stdout (emf.hpp); off until METRICS_NAMESPACE is set
};

enum class Action { run, help, version, healthcheck, fail };

struct ParseResult {
  Action action = Action::run;
  Config config;
  std::string error;  // set when action == fail: names the variable or flag
};

// Looks up an environment variable; nullptr when unset.
using EnvLookup = std::function<const char*(const char*)>;

ParseResult parse_config(const std::vector<std::string_view>& args, const EnvLookup& env);

// "500ms", "10s", "2m": a positive integer with a unit, at most 24 hours.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view s);

std::string_view usage();

}  // namespace app
