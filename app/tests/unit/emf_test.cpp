// The EMF reporter (emf.cpp): every line parsed with Boost.JSON and checked
// against the CloudWatch embedded metric format specification's rules, the
// counts against what was observed, and the flush against its interval.
#include "emf.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "config.hpp"

namespace app {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

const EmfSettings kSettings{"Hello/Service", "hello-dev", "dev", 60s};
const auto kNow = Clock::time_point(1'700'000'000'123ms);

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool is_ascii_printable(std::string_view s) {
  for (const char c : s) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// The specification's rules, as CloudWatch Logs applies them to one log event.
void expect_valid_emf(const json::object& root) {
  ASSERT_TRUE(root.contains("_aws")) << "no _aws member";
  const auto& aws = root.at("_aws").as_object();
  ASSERT_TRUE(aws.contains("Timestamp"));
  ASSERT_TRUE(aws.at("Timestamp").is_int64()) << "Timestamp must be an integer of milliseconds";
  ASSERT_TRUE(aws.contains("CloudWatchMetrics"));
  const auto& directives = aws.at("CloudWatchMetrics").as_array();
  ASSERT_FALSE(directives.empty());
  for (const auto& d : directives) {
    const auto& directive = d.as_object();
    const auto& ns = directive.at("Namespace").as_string();
    EXPECT_GE(ns.size(), 1u);
    EXPECT_LE(ns.size(), 255u);
    EXPECT_FALSE(std::string_view(ns).starts_with("AWS/"));
    const auto& dimension_sets = directive.at("Dimensions").as_array();
    EXPECT_LE(dimension_sets.size(), 30u);
    for (const auto& set : dimension_sets) {
      const auto& keys = set.as_array();
      EXPECT_GE(keys.size(), 1u);
      EXPECT_LE(keys.size(), 30u) << "a dimension set holds at most 30 dimensions";
      for (const auto& k : keys) {
        const auto key = std::string(k.as_string());
        ASSERT_TRUE(root.contains(key)) << "dimension " << key << " has no member";
        const auto& value = root.at(key);
        ASSERT_TRUE(value.is_string()) << "dimension " << key << " must be a string";
        const auto v = std::string_view(value.as_string());
        EXPECT_GE(v.size(), 1u);
        EXPECT_LE(v.size(), 1024u);
        EXPECT_TRUE(is_ascii_printable(v)) << key;
      }
    }
    const auto& metrics = directive.at("Metrics").as_array();
    EXPECT_GE(metrics.size(), 1u);
    EXPECT_LE(metrics.size(), 100u) << "at most 100 metrics per directive";
    std::set<std::string> names;
    static const std::set<std::string> kUnits = {"Seconds", "Microseconds", "Milliseconds", "Bytes",
                                                 "Count",   "Percent",      "None"};
    for (const auto& m : metrics) {
      const auto& def = m.as_object();
      const auto name = std::string(def.at("Name").as_string());
      EXPECT_TRUE(names.insert(name).second) << "metric " << name << " defined twice";
      EXPECT_GE(name.size(), 1u);
      EXPECT_LE(name.size(), 255u);
      if (def.contains("Unit")) {
        EXPECT_TRUE(kUnits.contains(std::string(def.at("Unit").as_string()))) << name;
      }
      for (const auto& [k, v] : def) EXPECT_TRUE(k == "Name" || k == "Unit" || k == "StorageResolution") << k;
      ASSERT_TRUE(root.contains(name)) << "metric " << name << " has no member";
      const auto& value = root.at(name);
      if (value.is_number()) continue;
      ASSERT_TRUE(value.is_object()) << name << " must be a number or a distribution";
      const auto& dist = value.as_object();
      const auto& values = dist.at("Values").as_array();
      const auto& counts = dist.at("Counts").as_array();
      EXPECT_GE(values.size(), 1u);
      EXPECT_LE(values.size(), 100u) << "at most 100 values per Values array";
      ASSERT_EQ(values.size(), counts.size()) << "Values and Counts must match";
      double sum = 0, count = 0, min = 1e300, max = -1e300;
      for (std::size_t i = 0; i < values.size(); ++i) {
        const double v = values[i].to_number<double>();
        const double c = counts[i].to_number<double>();
        EXPECT_GT(c, 0) << name;
        if (i > 0) {
          EXPECT_GT(v, values[i - 1].to_number<double>()) << "Values in order, each once";
        }
        sum += v * c;
        count += c;
        min = std::min(min, v);
        max = std::max(max, v);
      }
      EXPECT_DOUBLE_EQ(dist.at("Count").to_number<double>(), count);
      EXPECT_DOUBLE_EQ(dist.at("Sum").to_number<double>(), sum);
      EXPECT_DOUBLE_EQ(dist.at("Min").to_number<double>(), min);
      EXPECT_DOUBLE_EQ(dist.at("Max").to_number<double>(), max);
    }
  }
}

// The lines of one flush, each checked against the specification.
std::vector<json::object> parse_checked(const std::string& text) {
  std::vector<json::object> out;
  EXPECT_TRUE(text.empty() || text.back() == '\n');
  for (const auto& line : split_lines(text)) {
    boost::system::error_code ec;
    auto v = json::parse(line, ec);
    EXPECT_FALSE(ec) << line;
    if (ec || !v.is_object()) continue;
    expect_valid_emf(v.as_object());
    EXPECT_EQ(v.as_object().at("event"), "metrics");  // stdout stays one kind of JSON line
    out.push_back(std::move(v.as_object()));
  }
  return out;
}

const json::object* service_line(const std::vector<json::object>& lines) {
  for (const auto& l : lines) {
    if (!l.contains("Route")) return &l;
  }
  return nullptr;
}

// Route/StatusClass -> Requests
std::map<std::string, std::int64_t> route_counts(const std::vector<json::object>& lines) {
  std::map<std::string, std::int64_t> out;
  for (const auto& l : lines) {
    if (!l.contains("Route")) continue;
    const auto key = std::string(l.at("Route").as_string()) + " " + std::string(l.at("StatusClass").as_string());
    EXPECT_FALSE(out.contains(key)) << key << " twice";
    out[key] = l.at("Requests").as_int64();
  }
  return out;
}

std::vector<std::string> metric_names(const json::object& line) {
  std::vector<std::string> names;
  for (const auto& m : line.at("_aws").at("CloudWatchMetrics").at(0).at("Metrics").as_array()) {
    names.emplace_back(m.at("Name").as_string());
  }
  return names;
}

void observe(Metrics& m, Route route, int status, std::chrono::nanoseconds d, int times = 1) {
  for (int i = 0; i < times; ++i) m.observe(method_index("GET"), route, status, d);
}

TEST(Emf, QuietIntervalWritesOneServiceLineOfZerosWithoutLatency) {
  Metrics m;
  const Logger log;
  EmfReporter emf(m, log, kSettings);
  const auto lines = parse_checked(emf.take_lines(kNow));
  ASSERT_EQ(lines.size(), 1u);
  const auto& l = lines[0];
  EXPECT_EQ(l.at("Requests"), 0);
  EXPECT_EQ(l.at("Requests5xx"), 0);
  EXPECT_FALSE(l.contains("Latency"));
  EXPECT_EQ(metric_names(l), (std::vector<std::string>{"Requests", "Requests4xx", "Requests5xx", "InFlight"}));
  EXPECT_EQ(l.at("_aws").at("Timestamp"), 1'700'000'000'123);
  EXPECT_EQ(l.at("_aws").at("CloudWatchMetrics").at(0).at("Namespace"), "Hello/Service");
  EXPECT_EQ(l.at("_aws").at("CloudWatchMetrics").at(0).at("Dimensions"), json::parse(R"([["Service","Environment"]])"));
  EXPECT_EQ(l.at("Service"), "hello-dev");
  EXPECT_EQ(l.at("Environment"), "dev");
}

TEST(Emf, CountsRoutesAndStatusClassesAndReportsOnlyTheDeltaSinceTheLastFlush) {
  Metrics m(2);
  const Logger log;
  observe(m, Route::root, 200, 100us, 5);  // before the reporter: not in its first interval
  EmfReporter emf(m, log, kSettings);
  observe(m, Route::root, 200, 100us, 3);
  observe(m, Route::unmatched, 404, 100us, 2);
  observe(m, Route::root, 500, 100us);
  observe(m, Route::root, 503, 100us);
  auto lines = parse_checked(emf.take_lines(kNow));
  const auto* s = service_line(lines);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->at("Requests"), 7);
  EXPECT_EQ(s->at("Requests4xx"), 2);
  EXPECT_EQ(s->at("Requests5xx"), 2);
  EXPECT_EQ(route_counts(lines),
            (std::map<std::string, std::int64_t>{{"/ 2xx", 3}, {"/ 5xx", 2}, {"unmatched 4xx", 2}}));
  for (const auto& l : lines) {
    if (!l.contains("Route")) continue;
    EXPECT_EQ(l.at("_aws").at("CloudWatchMetrics").at(0).at("Dimensions"),
              json::parse(R"([["Service","Environment","Route","StatusClass"]])"));
    EXPECT_EQ(metric_names(l), std::vector<std::string>{"Requests"});
  }

  observe(m, Route::version, 200, 100us);
  lines = parse_checked(emf.take_lines(kNow + 60s));
  EXPECT_EQ(service_line(lines)->at("Requests"), 1);
  EXPECT_EQ(route_counts(lines), (std::map<std::string, std::int64_t>{{"/version 2xx", 1}}));
}

TEST(Emf, ProbesCountPerRouteButNotInTheServiceFigures) {
  Metrics m;
  const Logger log;
  EmfReporter emf(m, log, kSettings);
  observe(m, Route::healthz, 200, 100us, 4);
  observe(m, Route::readyz, 503, 100us, 2);  // a drain is not an error of the service
  observe(m, Route::metrics, 200, 3ms);
  const auto lines = parse_checked(emf.take_lines(kNow));
  const auto* s = service_line(lines);
  EXPECT_EQ(s->at("Requests"), 0);
  EXPECT_EQ(s->at("Requests5xx"), 0);
  EXPECT_FALSE(s->contains("Latency"));
  EXPECT_EQ(route_counts(lines),
            (std::map<std::string, std::int64_t>{{"/healthz 2xx", 4}, {"/readyz 5xx", 2}, {"/metrics 2xx", 1}}));
}

TEST(Emf, LatencyIsADistributionInMillisecondsAtBucketUpperBounds) {
  Metrics m;
  const Logger log;
  EmfReporter emf(m, log, kSettings);
  observe(m, Route::root, 200, 100us, 97);  // <= 0.5 ms
  observe(m, Route::root, 200, 2ms, 2);     // (1, 2.5] ms
  observe(m, Route::root, 200, 20s);        // above the last bound (10 s)
  const auto lines = parse_checked(emf.take_lines(kNow));
  const auto& latency = service_line(lines)->at("Latency");
  EXPECT_EQ(latency.at("Values"), json::parse("[0.5,2.5,20000]"));
  EXPECT_EQ(latency.at("Counts"), json::parse("[97,2,1]"));
  EXPECT_EQ(latency.at("Count"), 100);
  const auto names = metric_names(*service_line(lines));
  EXPECT_EQ(names.back(), "Latency");
  EXPECT_EQ(service_line(lines)->at("_aws").at("CloudWatchMetrics").at(0).at("Metrics").at(4).at("Unit"),
            "Milliseconds");
}

TEST(Emf, InFlightIsTheGaugeAtFlushTime) {
  Metrics m;
  const Logger log;
  EmfReporter emf(m, log, kSettings);
  m.in_flight_add(3);
  EXPECT_EQ(service_line(parse_checked(emf.take_lines(kNow)))->at("InFlight"), 3);
  m.in_flight_add(-3);
  EXPECT_EQ(service_line(parse_checked(emf.take_lines(kNow)))->at("InFlight"), 0);
}

TEST(Emf, EveryRouteAndClassAtOnceStaysWithinTheLimits) {
  Metrics m;
  const Logger log;
  EmfReporter emf(m, log, kSettings);
  for (std::size_t r = 0; r < kRouteCount; ++r) {
    for (const auto& status : kStatuses) observe(m, static_cast<Route>(r), status.code, 1ms);
  }
  const auto lines = parse_checked(emf.take_lines(kNow));
  // The service answers 2xx, 4xx and 5xx: one line per route and class, plus the service line.
  EXPECT_EQ(lines.size(), 1 + kRouteCount * 3);
  EXPECT_EQ(service_line(lines)->at("Requests"), static_cast<std::int64_t>(3 * kStatuses.size()));
}

// A Logger writing to a temporary file, read back after a flush.
struct FileLog {
  FileLog() : file(std::tmpfile()), log(Level::info, fileno(file)) {}
  ~FileLog() { (void)std::fclose(file); }
  std::string text() {
    EXPECT_TRUE(log.flush());
    std::string out;
    char buf[4096];
    for (off_t at = 0;;) {
      const ssize_t n = pread(fileno(file), buf, sizeof buf, at);
      if (n <= 0) break;
      out.append(buf, static_cast<std::size_t>(n));
      at += n;
    }
    return out;
  }
  std::FILE* file;
  const Logger log;
};

TEST(Emf, MaybeFlushWritesAtMostOncePerInterval) {
  Metrics m;
  FileLog out;
  EmfReporter emf(m, out.log, kSettings);
  const auto start = Clock::now();
  observe(m, Route::root, 200, 100us);
  EXPECT_FALSE(emf.maybe_flush(start + 59s));
  EXPECT_TRUE(emf.maybe_flush(start + 60s));
  EXPECT_FALSE(emf.maybe_flush(start + 61s));
  EXPECT_FALSE(emf.maybe_flush(start + 119s));
  observe(m, Route::root, 200, 100us, 2);
  EXPECT_TRUE(emf.maybe_flush(start + 121s));
  const auto lines = parse_checked(out.text());
  std::vector<std::int64_t> requests;
  for (const auto& l : lines) {
    if (!l.contains("Route")) requests.push_back(l.at("Requests").as_int64());
  }
  EXPECT_EQ(requests, (std::vector<std::int64_t>{1, 2}));
}

TEST(Emf, FlushWritesWhateverTheTime) {
  Metrics m;
  FileLog out;
  EmfReporter emf(m, out.log, kSettings);
  observe(m, Route::root, 500, 100us);
  emf.flush();
  const auto lines = parse_checked(out.text());
  EXPECT_EQ(service_line(lines)->at("Requests5xx"), 1);
}

TEST(EmfSettings, RejectsWhatCloudWatchWould) {
  EmfSettings s;
  EXPECT_TRUE(set_emf_namespace(s, "Hello/Service_1.x#a:b c"));
  EXPECT_TRUE(set_emf_namespace(s, ""));  // off
  EXPECT_EQ(s.ns, "");
  for (const auto* bad : {"AWS/ECS", "a\"b", "caf\xc3\xa9", " ", "a\nb"})
    EXPECT_FALSE(set_emf_namespace(s, bad)) << bad;
  EXPECT_FALSE(set_emf_namespace(s, std::string(256, 'a')));
  EXPECT_TRUE(set_emf_namespace(s, std::string(255, 'a')));

  EXPECT_TRUE(set_emf_service(s, "hello-prod"));
  for (const auto* bad : {"", "a b", "x\"", "a\\b"}) {
    EXPECT_FALSE(set_emf_service(s, bad)) << bad;
    EXPECT_FALSE(set_emf_environment(s, bad)) << bad;
  }
  EXPECT_EQ(s.service, "hello-prod");

  EXPECT_TRUE(set_emf_interval(s, "1"));
  EXPECT_EQ(s.interval, 1s);
  for (const auto* bad : {"0", "61", "", "5s", "-1", "1.5"}) EXPECT_FALSE(set_emf_interval(s, bad)) << bad;
  EXPECT_EQ(s.interval, 1s);
}

// The table of names CloudWatch accepts or refuses, shared with the Terraform
// rule (infra/modules/emf-metrics, tested from the same file by
// infra/tests/unit.sh), so the two cannot drift apart. Found beside this
// file: __FILE__ is the absolute path CMake compiles it by.
json::object emf_names_table() {
  const auto path = std::filesystem::path(__FILE__).parent_path() / "emf_names.json";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str()).as_object();
}

// An entry: a string, or {"repeat": s, "times": n}.
std::string table_name(const json::value& entry) {
  if (entry.is_string()) return std::string(entry.as_string());
  std::string out;
  for (std::int64_t i = 0; i < entry.at("times").as_int64(); ++i) out += entry.at("repeat").as_string();
  return out;
}

TEST(EmfSettings, AgreeWithTheSharedTableOfNames) {
  const auto table = emf_names_table();
  std::size_t checked = 0;
  for (const auto* verdict : {"accept", "reject"}) {
    const bool want = std::string_view(verdict) == "accept";
    for (const auto& entry : table.at("namespace").at(verdict).as_array()) {
      EmfSettings s;
      EXPECT_EQ(set_emf_namespace(s, table_name(entry)), want) << "namespace " << entry;
      ++checked;
    }
    for (const auto& entry : table.at("dimension_value").at(verdict).as_array()) {
      EmfSettings s;
      EXPECT_EQ(set_emf_service(s, table_name(entry)), want) << "service " << entry;
      EXPECT_EQ(set_emf_environment(s, table_name(entry)), want) << "environment " << entry;
      ++checked;
    }
  }
  EXPECT_GE(checked, 20u) << "the table lost its rows";
}

ParseResult parse_env(const std::map<std::string, std::string>& vars) {
  return parse_config({}, [&vars](const char* name) -> const char* {
    const auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  });
}

TEST(EmfSettings, ComeFromTheEnvironmentAndABadValueNamesItsVariable) {
  auto r = parse_env({});
  EXPECT_EQ(r.action, Action::run);
  EXPECT_EQ(r.config.emf.ns, "");  // off unless asked for
  EXPECT_EQ(r.config.emf.interval, 60s);

  r = parse_env({{"METRICS_NAMESPACE", "Hello"}, {"METRICS_SERVICE", "hello-dev"}, {"METRICS_ENVIRONMENT", "dev"}});
  EXPECT_EQ(r.action, Action::run);
  EXPECT_EQ(r.config.emf.ns, "Hello");
  EXPECT_EQ(r.config.emf.service, "hello-dev");
  EXPECT_EQ(r.config.emf.environment, "dev");

  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{{"METRICS_NAMESPACE", "AWS/X"},
                                                                                    {"METRICS_SERVICE", "a b"},
                                                                                    {"METRICS_ENVIRONMENT", ""},
                                                                                    {"EMF_FLUSH_SECONDS", "0"}}) {
    r = parse_env({{name, value}});
    EXPECT_EQ(r.action, Action::fail) << name;
    EXPECT_NE(r.error.find(name), std::string::npos) << r.error;
  }
}

}  // namespace
}  // namespace app
