#include "config.hpp"

#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <limits>

namespace app {
namespace {

std::optional<std::uint64_t> parse_uint(std::string_view s, std::uint64_t min, std::uint64_t max) {
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc{} || r.ptr != s.data() + s.size()) return std::nullopt;
  if (v < min || v > max) return std::nullopt;
  return v;
}

std::optional<bool> parse_switch(std::string_view s) {
  if (s == "on" || s == "true" || s == "1") return true;
  if (s == "off" || s == "false" || s == "0") return false;
  return std::nullopt;
}

// One setting: its variable, its flag, what it accepts, and how to apply a value.
struct Setting {
  const char* env;
  std::string_view flag;
  std::string_view expected;
  std::function<bool(Config&, std::string_view)> apply;
};

template <class T>
std::function<bool(Config&, std::string_view)> uint_setting(T Config::*field, std::uint64_t min, std::uint64_t max) {
  return [=](Config& c, std::string_view s) {
    const auto v = parse_uint(s, min, max);
    if (v) c.*field = static_cast<T>(*v);
    return v.has_value();
  };
}

std::function<bool(Config&, std::string_view)> duration_setting(std::chrono::milliseconds Config::*field) {
  return [=](Config& c, std::string_view s) {
    const auto v = parse_duration(s);
    if (v) c.*field = *v;
    return v.has_value();
  };
}

const std::vector<Setting>& settings() {
  static const std::vector<Setting> all = {
      {"PORT", "--port", "an integer 0-65535", uint_setting(&Config::port, 0, 65535)},
      {"METRICS_PORT", "--metrics-port", "an integer 0-65535, not PORT", uint_setting(&Config::metrics_port, 0, 65535)},
      {"HOST", "--host", "an IPv4 or IPv6 address literal",
       [](Config& c, std::string_view s) {
         boost::system::error_code ec;
         boost::asio::ip::make_address(std::string(s), ec);
         if (!ec) c.host = std::string(s);
         return !ec;
       }},
      {"THREADS", "--threads", "an integer 1-256", uint_setting(&Config::threads, 1, 256)},
      {"LOG_LEVEL", "--log-level", "one of debug, info, warn, error",
       [](Config& c, std::string_view s) {
         const auto l = parse_level(s);
         if (l) c.log_level = *l;
         return l.has_value();
       }},
      {"ACCESS_LOG", "--access-log", "on/off, true/false or 1/0",
       [](Config& c, std::string_view s) {
         const auto v = parse_switch(s);
         if (v) c.access_log = *v;
         return v.has_value();
       }},
      {"MAX_HEADER_BYTES", "--max-header-bytes", "an integer 1024-1048576",
       uint_setting(&Config::max_header_bytes, 1024, 1048576)},
      {"MAX_BODY_BYTES", "--max-body-bytes", "an integer 0-1073741824",
       uint_setting(&Config::max_body_bytes, 0, 1073741824)},
      {"MAX_CONNECTIONS", "--max-connections", "an integer 1-1000000",
       uint_setting(&Config::max_connections, 1, 1000000)},
      {"REQUEST_TIMEOUT", "--request-timeout", "a duration > 0 such as 500ms, 10s or 2m (at most 24h)",
       duration_setting(&Config::request_timeout)},
      {"IDLE_TIMEOUT", "--idle-timeout", "a duration > 0 such as 500ms, 10s or 2m (at most 24h)",
       duration_setting(&Config::idle_timeout)},
      {"DRAIN_TIMEOUT", "--drain-timeout", "a duration > 0 such as 500ms, 10s or 2m (at most 24h)",
       duration_setting(&Config::drain_timeout)},
      {"METRICS_NAMESPACE", "--metrics-namespace", kEmfNamespaceExpected,
       [](Config& c, std::string_view s) { return set_emf_namespace(c.emf, s); }},
      {"METRICS_SERVICE", "--metrics-service", kEmfDimensionExpected,
       [](Config& c, std::string_view s) { return set_emf_service(c.emf, s); }},
      {"METRICS_ENVIRONMENT", "--metrics-environment", kEmfDimensionExpected,
       [](Config& c, std::string_view s) { return set_emf_environment(c.emf, s); }},
      {"EMF_FLUSH_SECONDS", "--emf-flush-seconds", kEmfIntervalExpected,
       [](Config& c, std::string_view s) { return set_emf_interval(c.emf, s); }},
  };
  return all;
}

std::string invalid(std::string_view name, std::string_view value, std::string_view expected) {
  std::string msg = "invalid ";
  msg += name;
  msg += " \"";
  msg += value;
  msg += "\": expected ";
  msg += expected;
  return msg;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view s) {
  std::size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  const std::string_view unit = s.substr(digits);
  std::uint64_t scale = 0;
  if (unit == "ms") {
    scale = 1;
  } else if (unit == "s") {
    scale = 1000;
  } else if (unit == "m") {
    scale = 60'000;
  } else {
    return std::nullopt;
  }
  constexpr std::uint64_t kMaxMs = 24ull * 3600 * 1000;
  const auto n = parse_uint(s.substr(0, digits), 1, kMaxMs);
  if (!n || *n > kMaxMs / scale) return std::nullopt;
  return std::chrono::milliseconds(static_cast<std::int64_t>(*n * scale));
}

ParseResult parse_config(const std::vector<std::string_view>& args, const EnvLookup& env) {
  ParseResult r;
  for (const auto& s : settings()) {
    if (const char* v = env(s.env); v != nullptr && !s.apply(r.config, v)) {
      r.action = Action::fail;
      r.error = invalid(s.env, v, s.expected);
      return r;
    }
  }
  // Flags override the environment; the first mode flag seen decides the action.
  std::optional<Action> mode;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h" || arg == "--version" || arg == "--healthcheck") {
      if (!mode)
        mode = arg == "--version" ? Action::version : arg == "--healthcheck" ? Action::healthcheck : Action::help;
      continue;
    }
    std::string_view name = arg;
    std::optional<std::string_view> value;
    if (const auto eq = arg.find('='); eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    }
    const Setting* setting = nullptr;
    for (const auto& s : settings()) {
      if (s.flag == name) setting = &s;
    }
    if (setting == nullptr) {
      r.action = Action::fail;
      r.error = "unknown option \"" + std::string(arg) + "\" (see --help)";
      return r;
    }
    if (!value) {
      if (i + 1 >= args.size()) {
        r.action = Action::fail;
        r.error = "missing value for " + std::string(name) + ": expected " + std::string(setting->expected);
        return r;
      }
      value = args[++i];
    }
    if (!setting->apply(r.config, *value)) {
      r.action = Action::fail;
      r.error = invalid(name, *value, setting->expected);
      return r;
    }
  }
  if (r.config.metrics_port == r.config.port && r.config.port != 0) {
    r.action = Action::fail;
    r.error = "invalid METRICS_PORT \"" + std::to_string(r.config.metrics_port) +
              "\": expected a port other than PORT (/metrics must not be on the public listener)";
    return r;
  }
  r.action = mode.value_or(Action::run);
  return r;
}

std::string_view usage() {
  return R"(Usage: server [options]

HTTP service (Boost.Beast). Every option also comes from the environment
variable in brackets; a flag wins over the variable.

  --port N                 [PORT] listen port, 0-65535, 0 = any free port (5000)
  --metrics-port N         [METRICS_PORT] /metrics only, 0-65535, not PORT (9090)
  --host ADDR              [HOST] IPv4 or IPv6 address to bind (0.0.0.0)
  --threads N              [THREADS] I/O threads, 1-256 (CPU quota or affinity)
  --log-level L            [LOG_LEVEL] debug, info, warn, error (info)
  --access-log on|off      [ACCESS_LOG] one JSON line per request (on)
  --max-header-bytes N     [MAX_HEADER_BYTES] 1024-1048576 (16384)
  --max-body-bytes N       [MAX_BODY_BYTES] 0-1073741824 (1048576)
  --max-connections N      [MAX_CONNECTIONS] 1-1000000 (10000)
  --request-timeout D      [REQUEST_TIMEOUT] e.g. 500ms, 10s, 2m (10s)
  --idle-timeout D         [IDLE_TIMEOUT] keep-alive idle timeout (75s)
  --drain-timeout D        [DRAIN_TIMEOUT] graceful shutdown limit (20s)
  --metrics-namespace NS   [METRICS_NAMESPACE] CloudWatch EMF metrics on stdout
                           under NS, once a minute (empty: off, the default)
  --metrics-service S      [METRICS_SERVICE] EMF Service dimension (hello)
  --metrics-environment E  [METRICS_ENVIRONMENT] EMF Environment dimension (local)
  --emf-flush-seconds N    [EMF_FLUSH_SECONDS] 1-60, for tests (60)

  --healthcheck            GET http://$HOST:$PORT/healthz, exit 0 if 200, else 1
  --version                print the version and exit
  --help                   print this help and exit

Flags take "--name value" or "--name=value". Invalid values exit with status 2.
)";
}

}  // namespace app
