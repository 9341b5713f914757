#include "metrics.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <charconv>

namespace app {
namespace {

constexpr std::array<std::string_view, kMethodCount> kMethods = {"GET",   "HEAD",    "POST",    "PUT",   "DELETE",
                                                                 "PATCH", "OPTIONS", "CONNECT", "TRACE", "other"};
constexpr std::array<std::int64_t, kBucketCount> kBucketNs = {
    500'000,     1'000'000,   2'500'000,   5'000'000,     10'000'000,    25'000'000,    50'000'000,
    100'000'000, 250'000'000, 500'000'000, 1'000'000'000, 2'500'000'000, 5'000'000'000, 10'000'000'000};
constexpr std::array<std::string_view, kBucketCount> kBucketLabels = {
    "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10"};

void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_double(std::string& out, double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

// A gauge without labels; `append_value` writes its value.
void gauge(std::string& out, std::string_view name, std::string_view help, const auto& append_value) {
  header(out, name, "gauge", help);
  out += name;
  out += ' ';
  append_value();
  out += '\n';
}

double wall_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::int64_t resident_bytes() {
  const int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  char buf[128];
  const ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  if (n <= 0) return 0;
  const char* p = buf;
  const char* end = buf + n;
  while (p < end && *p != ' ') ++p;  // skip total size
  std::int64_t pages = 0;
  if (p < end) std::from_chars(p + 1, end, pages);
  return pages * sysconf(_SC_PAGESIZE);
}

}  // namespace

struct alignas(64) Metrics::Shard {
  std::atomic<std::uint64_t> requests[kMethodCount][kRouteCount][kCodeCount] = {};
  // Non-cumulative bucket counts; the last slot is (10 s, +Inf).
  std::atomic<std::uint64_t> buckets[kMethodCount][kRouteCount][kBucketCount + 1] = {};
  std::atomic<std::uint64_t> sum_ns[kMethodCount][kRouteCount] = {};
};

std::int64_t bucket_upper_ns(std::size_t b) { return kBucketNs[b < kBucketCount ? b : kBucketCount - 1]; }

std::size_t method_index(std::string_view method) {
  for (std::size_t i = 0; i + 1 < kMethodCount; ++i) {
    if (kMethods[i] == method) return i;
  }
  return kMethodCount - 1;
}

std::string_view method_label(std::size_t index) { return kMethods[index < kMethodCount ? index : kMethodCount - 1]; }

void append_label_value(std::string& out, std::string_view v) {
  for (const char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

Metrics::Metrics(unsigned shards)
    : shard_count_(shards == 0 ? 1 : shards),
      shards_(new Shard[shard_count_]),
      accepted_(new std::atomic<std::uint64_t>[shard_count_] {}),
      start_time_(wall_seconds()) {}

void Metrics::connection_accepted() { accepted_[local_index()].fetch_add(1, std::memory_order_relaxed); }

Metrics::~Metrics() = default;

namespace {
constexpr unsigned kNoShard = ~0U;
thread_local unsigned t_shard = kNoShard;
}  // namespace

void Metrics::set_thread_shard(unsigned loop) { t_shard = loop; }

unsigned Metrics::local_index() const {
  static std::atomic<unsigned> next{0};
  if (t_shard == kNoShard) t_shard = next.fetch_add(1, std::memory_order_relaxed);
  return t_shard % shard_count_;
}

Metrics::Shard& Metrics::local_shard() { return shards_[local_index()]; }

void Metrics::observe(std::size_t method, Route route, int status, std::chrono::nanoseconds duration) {
  Shard& s = local_shard();
  const auto r = static_cast<std::size_t>(route);
  if (method >= kMethodCount) method = kMethodCount - 1;
  s.requests[method][r][status_index(status)].fetch_add(1, std::memory_order_relaxed);
  const std::int64_t ns = duration.count() < 0 ? 0 : duration.count();
  std::size_t b = 0;
  while (b < kBucketCount && ns > kBucketNs[b]) ++b;
  s.buckets[method][r][b].fetch_add(1, std::memory_order_relaxed);
  s.sum_ns[method][r].fetch_add(static_cast<std::uint64_t>(ns), std::memory_order_relaxed);
}

MetricsTotals Metrics::totals() const {
  MetricsTotals t;
  for (unsigned i = 0; i < shard_count_; ++i) {
    const Shard& s = shards_[i];
    for (std::size_t m = 0; m < kMethodCount; ++m) {
      for (std::size_t r = 0; r < kRouteCount; ++r) {
        for (std::size_t c = 0; c < kCodeCount; ++c)
          t.requests[r][c] += s.requests[m][r][c].load(std::memory_order_relaxed);
        for (std::size_t b = 0; b <= kBucketCount; ++b)
          t.buckets[r][b] += s.buckets[m][r][b].load(std::memory_order_relaxed);
      }
    }
  }
  return t;
}

void Metrics::expose(std::string& out, const BuildInfo& build, std::uint64_t log_lines_dropped) const {
  // The exposition only grows: reserving the last size (and a little) spares
  // the doubling that would leave twice its size allocated per response.
  const std::size_t start = out.size();
  out.reserve(start + last_size_.load(std::memory_order_relaxed) + 512);
  auto sum_shards = [this](auto pick) {
    std::uint64_t total = 0;
    for (unsigned i = 0; i < shard_count_; ++i) total += pick(shards_[i]).load(std::memory_order_relaxed);
    return total;
  };
  auto labels = [&out](std::size_t m, std::size_t r) {
    out += "{method=\"";
    out += kMethods[m];
    out += "\",route=\"";
    out += kRoutes[r].path;
    out += '"';
  };

  header(out, "http_requests_total", "counter", "HTTP requests answered, by method, route template and status code.");
  for (std::size_t m = 0; m < kMethodCount; ++m) {
    for (std::size_t r = 0; r < kRouteCount; ++r) {
      for (std::size_t c = 0; c < kCodeCount; ++c) {
        const auto n = sum_shards([&](Shard & s) -> auto& { return s.requests[m][r][c]; });
        if (n == 0) continue;
        out += "http_requests_total";
        labels(m, r);
        out += ",code=\"";
        if (c < kStatuses.size()) {
          append_int(out, kStatuses[c].code);
        } else {
          out += "other";
        }
        out += "\"} ";
        append_int(out, static_cast<std::int64_t>(n));
        out += '\n';
      }
    }
  }

  header(out, "http_request_duration_seconds", "histogram",
         "Time from the first byte of a request to its response being queued, in seconds.");
  for (std::size_t m = 0; m < kMethodCount; ++m) {
    for (std::size_t r = 0; r < kRouteCount; ++r) {
      std::uint64_t counts[kBucketCount + 1];
      std::uint64_t total = 0;
      for (std::size_t b = 0; b <= kBucketCount; ++b) {
        counts[b] = sum_shards([&](Shard & s) -> auto& { return s.buckets[m][r][b]; });
        total += counts[b];
      }
      if (total == 0) continue;
      std::uint64_t cumulative = 0;
      for (std::size_t b = 0; b <= kBucketCount; ++b) {
        cumulative += counts[b];
        out += "http_request_duration_seconds_bucket";
        labels(m, r);
        out += ",le=\"";
        out += b < kBucketCount ? kBucketLabels[b] : "+Inf";
        out += "\"} ";
        append_int(out, static_cast<std::int64_t>(cumulative));
        out += '\n';
      }
      const auto ns = sum_shards([&](Shard & s) -> auto& { return s.sum_ns[m][r]; });
      out += "http_request_duration_seconds_sum";
      labels(m, r);
      out += "} ";
      append_double(out, static_cast<double>(ns) / 1e9);
      out += "\nhttp_request_duration_seconds_count";
      labels(m, r);
      out += "} ";
      append_int(out, static_cast<std::int64_t>(total));
      out += '\n';
    }
  }

  gauge(out, "http_requests_in_flight", "HTTP requests received and not yet fully answered.",
        [&] { append_int(out, in_flight()); });
  gauge(out, "http_connections_open", "Client connections open, including those being refused.",
        [&] { append_int(out, connections_open_.load(std::memory_order_relaxed)); });
  header(out, "http_connections_rejected_total", "counter",
         "Connections refused with a 503 because MAX_CONNECTIONS were open.");
  out += "http_connections_rejected_total ";
  append_int(out, static_cast<std::int64_t>(connections_rejected_.load(std::memory_order_relaxed)));
  out += '\n';
  header(out, "http_connections_accepted_total", "counter",
         "Client connections accepted on the public port, by event loop (one per thread).");
  for (unsigned i = 0; i < shard_count_; ++i) {
    out += "http_connections_accepted_total{loop=\"";
    append_int(out, i);
    out += "\"} ";
    append_int(out, static_cast<std::int64_t>(accepted_[i].load(std::memory_order_relaxed)));
    out += '\n';
  }
  header(out, "log_lines_dropped_total", "counter",
         "Log lines dropped because stdout did not keep up and the log buffer was full.");
  out += "log_lines_dropped_total ";
  append_int(out, static_cast<std::int64_t>(log_lines_dropped));
  out += '\n';
  gauge(out, "process_start_time_seconds", "Start time of the process since the Unix epoch in seconds.",
        [&] { append_double(out, start_time_); });
  gauge(out, "process_resident_memory_bytes", "Resident memory size in bytes.",
        [&] { append_int(out, resident_bytes()); });

  header(out, "app_build_info", "gauge", "Build information of the running binary; the value is always 1.");
  out += "app_build_info{version=\"";
  append_label_value(out, build.version);
  out += "\",commit=\"";
  append_label_value(out, build.commit);
  out += "\",build_time=\"";
  append_label_value(out, build.build_time);
  out += "\"} 1\n";
  last_size_.store(out.size() - start, std::memory_order_relaxed);
}

}  // namespace app
