#include "emf.hpp"

#include <array>
#include <charconv>
#include <initializer_list>
#include <utility>

namespace app {
namespace {

constexpr std::array<std::string_view, 4> kClasses = {"2xx", "3xx", "4xx", "5xx"};
constexpr std::size_t kBins = kBucketCount + 1;
// CloudWatch drops a distribution of more than 100 values.
static_assert(kBins <= 100);

// Probes are not traffic: the service-level figures leave them out.
bool is_probe(std::size_t route) {
  const auto r = static_cast<Route>(route);
  return r == Route::healthz || r == Route::readyz || r == Route::metrics;
}

// 0 for 2xx ... 3 for 5xx; the service answers nothing below 200. A status
// outside kStatuses (the metrics' "other", a bug) counts as a server error.
std::size_t class_index(std::size_t code_index) {
  if (code_index >= kStatuses.size()) return 3;
  const int status = kStatuses[code_index].code;
  return status < 300 ? 0 : status < 400 ? 1 : status < 500 ? 2 : 3;
}

// The value reported for a bucket: its upper bound (a percentile then reads
// at most one bucket high, never low, and exactly at a bound such as 1 s),
// and twice the last bound for the overflow bucket (above 10 s).
double bin_ms(std::size_t b) {
  return b < kBucketCount ? static_cast<double>(bucket_upper_ns(b)) / 1e6
                          : 2 * static_cast<double>(bucket_upper_ns(kBucketCount - 1)) / 1e6;
}

void append_number(std::string& out, double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_number(std::string& out, std::uint64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// `"name":[...]` of strings.
void append_string_array(std::string& out, std::initializer_list<std::string_view> items) {
  out += '[';
  bool first = true;
  for (const auto item : items) {
    if (!first) out += ',';
    first = false;
    append_json_string(out, item);
  }
  out += ']';
}

struct MetricDef {
  std::string_view name;
  std::string_view unit;
};

// Starts a line: the log line fields (so stdout stays one kind of line) and the dimension members.
JsonObject begin_line(std::string& line, const EmfSettings& s) {
  auto obj = Logger::begin(line, Level::info, "metrics");
  obj.str("Service", s.service).str("Environment", s.environment);
  return obj;
}

// Ends a line with the `_aws` metadata: one directive over one dimension set.
void end_line(std::string& out, std::string& line, const EmfSettings& s, std::int64_t timestamp_ms,
              std::initializer_list<std::string_view> dimensions, std::initializer_list<MetricDef> metrics) {
  line += R"(,"_aws":{"Timestamp":)";
  line += std::to_string(timestamp_ms);
  line += R"(,"CloudWatchMetrics":[{"Namespace":)";
  append_json_string(line, s.ns);
  line += R"(,"Dimensions":[)";
  append_string_array(line, dimensions);
  line += R"(],"Metrics":[)";
  bool first = true;
  for (const auto& m : metrics) {
    if (!first) line += ',';
    first = false;
    line += R"({"Name":)";
    append_json_string(line, m.name);
    line += R"(,"Unit":)";
    append_json_string(line, m.unit);
    line += '}';
  }
  line += "]}]}}\n";
  out += line;
}

// `,"Latency":{"Values":[..],"Counts":[..],"Max":..,"Min":..,"Count":..,"Sum":..}`: the
// distribution form AWS's own EMF libraries write; Sum is that of the reported values,
// so the statistic set agrees with them.
void append_latency(std::string& line, const std::array<std::uint64_t, kBins>& counts) {
  std::string values, counts_text;
  double sum = 0, min = 0, max = 0;
  std::uint64_t count = 0;
  for (std::size_t b = 0; b < kBins; ++b) {
    if (counts[b] == 0) continue;
    if (count == 0) min = bin_ms(b);
    max = bin_ms(b);
    count += counts[b];
    sum += bin_ms(b) * static_cast<double>(counts[b]);
    if (!values.empty()) {
      values += ',';
      counts_text += ',';
    }
    append_number(values, bin_ms(b));
    append_number(counts_text, counts[b]);
  }
  line += R"(,"Latency":{"Values":[)";
  line += values;
  line += R"(],"Counts":[)";
  line += counts_text;
  line += R"(],"Max":)";
  append_number(line, max);
  line += R"(,"Min":)";
  append_number(line, min);
  line += R"(,"Count":)";
  append_number(line, count);
  line += R"(,"Sum":)";
  append_number(line, sum);
  line += '}';
}

bool valid_chars(std::string_view v, std::string_view extra) {
  if (v.empty() || v.size() > 255) return false;
  for (const char c : v) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alnum && extra.find(c) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace

bool set_emf_namespace(EmfSettings& s, std::string_view v) {
  // CloudWatch's Namespace pattern [^:].* (a whole-string match): no leading colon.
  const bool ok = v.empty() || (valid_chars(v, ".-_/#: ") && v.find_first_not_of(' ') != std::string_view::npos &&
                                !v.starts_with("AWS/") && !v.starts_with(':'));
  if (ok) s.ns = std::string(v);
  return ok;
}

bool set_emf_service(EmfSettings& s, std::string_view v) {
  const bool ok = valid_chars(v, ".-_/:");
  if (ok) s.service = std::string(v);
  return ok;
}

bool set_emf_environment(EmfSettings& s, std::string_view v) {
  const bool ok = valid_chars(v, ".-_/:");
  if (ok) s.environment = std::string(v);
  return ok;
}

bool set_emf_interval(EmfSettings& s, std::string_view v) {
  unsigned n = 0;
  const auto r = std::from_chars(v.data(), v.data() + v.size(), n);
  const bool ok = r.ec == std::errc{} && r.ptr == v.data() + v.size() && !v.empty() && n >= 1 && n <= 60;
  if (ok) s.interval = std::chrono::seconds(n);
  return ok;
}

void append_emf_lines(std::string& out, const EmfSettings& s, const MetricsTotals& delta, std::int64_t in_flight,
                      std::int64_t timestamp_ms) {
  std::uint64_t requests = 0;
  std::array<std::uint64_t, kClasses.size()> by_class{};
  std::array<std::uint64_t, kBins> latency{};
  for (std::size_t r = 0; r < kRouteCount; ++r) {
    if (is_probe(r)) continue;
    for (std::size_t c = 0; c < kCodeCount; ++c) {
      requests += delta.requests[r][c];
      by_class[class_index(c)] += delta.requests[r][c];
    }
    for (std::size_t b = 0; b < kBins; ++b) latency[b] += delta.buckets[r][b];
  }

  std::string line;
  auto obj = begin_line(line, s);
  obj.num("Requests", static_cast<std::int64_t>(requests))
      .num("Requests4xx", static_cast<std::int64_t>(by_class[2]))
      .num("Requests5xx", static_cast<std::int64_t>(by_class[3]))
      .num("InFlight", in_flight);
  std::uint64_t samples = 0;
  for (const auto n : latency) samples += n;
  const bool any_latency = samples > 0;  // a request's count and its bucket are separate atomics
  if (any_latency) append_latency(line, latency);
  // Every metric named must have its member: Latency only with samples.
  if (any_latency) {
    end_line(out, line, s, timestamp_ms, {"Service", "Environment"},
             {{"Requests", "Count"},
              {"Requests4xx", "Count"},
              {"Requests5xx", "Count"},
              {"InFlight", "Count"},
              {"Latency", "Milliseconds"}});
  } else {
    end_line(out, line, s, timestamp_ms, {"Service", "Environment"},
             {{"Requests", "Count"}, {"Requests4xx", "Count"}, {"Requests5xx", "Count"}, {"InFlight", "Count"}});
  }

  for (std::size_t r = 0; r < kRouteCount; ++r) {
    std::array<std::uint64_t, kClasses.size()> counts{};
    for (std::size_t c = 0; c < kCodeCount; ++c) counts[class_index(c)] += delta.requests[r][c];
    for (std::size_t k = 0; k < kClasses.size(); ++k) {
      if (counts[k] == 0) continue;
      auto route_obj = begin_line(line, s);
      route_obj.str("Route", route_name(static_cast<Route>(r)))
          .str("StatusClass", kClasses[k])
          .num("Requests", static_cast<std::int64_t>(counts[k]));
      end_line(out, line, s, timestamp_ms, {"Service", "Environment", "Route", "StatusClass"}, {{"Requests", "Count"}});
    }
  }
}

EmfReporter::EmfReporter(const Metrics& metrics, const Logger& log, EmfSettings settings)
    : metrics_(metrics),
      log_(log),
      settings_(std::move(settings)),
      last_(metrics.totals()),
      last_flush_(std::chrono::system_clock::now()) {}

std::string EmfReporter::take_locked(time_point now) {
  const MetricsTotals current = metrics_.totals();
  MetricsTotals delta;
  for (std::size_t r = 0; r < kRouteCount; ++r) {
    for (std::size_t c = 0; c < kCodeCount; ++c) delta.requests[r][c] = current.requests[r][c] - last_.requests[r][c];
    for (std::size_t b = 0; b < kBins; ++b) delta.buckets[r][b] = current.buckets[r][b] - last_.buckets[r][b];
  }
  last_ = current;
  last_flush_ = now;
  std::string out;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  append_emf_lines(out, settings_, delta, metrics_.in_flight(), ms);
  return out;
}

std::string EmfReporter::take_lines(time_point now) {
  std::lock_guard lock(mutex_);
  return take_locked(now);
}

bool EmfReporter::maybe_flush(time_point now) {
  std::string lines;
  {
    std::lock_guard lock(mutex_);
    if (now - last_flush_ < settings_.interval) return false;
    lines = take_locked(now);
  }
  log_.write_raw(lines);
  return true;
}

void EmfReporter::flush(time_point now) { log_.write_raw(take_lines(now)); }

}  // namespace app
