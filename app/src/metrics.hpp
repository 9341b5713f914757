#pragma once
// Request metrics and their Prometheus text exposition (format 0.0.4).
// Hand-written: Debian ships no Prometheus client library for C++, and the
// format is a few lines. Counters are sharded per thread (one cache-line
// aligned block each) and updated with relaxed atomics: no lock per request.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "routes.hpp"
#include "status.hpp"
#include "version.hpp"

namespace app {

// Methods outside this list are counted as "other".
inline constexpr std::size_t kMethodCount = 10;
std::size_t method_index(std::string_view method);
std::string_view method_label(std::size_t index);

// The `code` label: each status of kStatuses, and "other" for any other
// (a bug, but counted as what it is, not as a 500).
inline constexpr std::size_t kCodeCount = kStatuses.size() + 1;

// Upper bounds of the duration histogram, in nanoseconds and as label text.
inline constexpr std::size_t kBucketCount = 14;
// Upper bound of bucket `b` (< kBucketCount) in nanoseconds; the last slot, kBucketCount, has none.
std::int64_t bucket_upper_ns(std::size_t b);

// Totals since the start, summed over threads and methods: what the EMF
// reporter (emf.hpp) takes deltas of.
struct MetricsTotals {
  std::array<std::array<std::uint64_t, kCodeCount>, kRouteCount> requests{};       // [route][status_index()]
  std::array<std::array<std::uint64_t, kBucketCount + 1>, kRouteCount> buckets{};  // [route][bucket], not cumulative
};

// Escapes a label value: backslash, double quote and newline.
void append_label_value(std::string& out, std::string_view v);

class Metrics {
 public:
  // `shards`: the number of event loops (THREADS); one counter block each.
  explicit Metrics(unsigned shards = 1);
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  void observe(std::size_t method, Route route, int status, std::chrono::nanoseconds duration);
  void in_flight_add(std::int64_t delta) { in_flight_.fetch_add(delta, std::memory_order_relaxed); }
  std::int64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
  // Once per connection, not per request: plain shared atomics.
  void connections_add(std::int64_t delta) { connections_open_.fetch_add(delta, std::memory_order_relaxed); }
  void connection_rejected() { connections_rejected_.fetch_add(1, std::memory_order_relaxed); }
  // A public connection accepted by the calling thread's event loop: shows
  // how the kernel's SO_REUSEPORT spreads connections over the loops.
  void connection_accepted();
  // Makes the calling thread (event loop `loop`) count into shard `loop`;
  // a thread that never calls it gets the next free shard.
  static void set_thread_shard(unsigned loop);

  // Appends the whole exposition to `out`.
  // `log_lines_dropped`: the logger's count (Logger::dropped), exposed here.
  void expose(std::string& out, const BuildInfo& build, std::uint64_t log_lines_dropped = 0) const;
  MetricsTotals totals() const;

 private:
  struct Shard;
  unsigned local_index() const;
  Shard& local_shard();
  unsigned shard_count_;
  std::unique_ptr<Shard[]> shards_;
  std::atomic<std::int64_t> in_flight_{0};
  std::atomic<std::int64_t> connections_open_{0};
  std::atomic<std::uint64_t> connections_rejected_{0};
  std::unique_ptr<std::atomic<std::uint64_t>[]> accepted_;  // [loop]
  mutable std::atomic<std::size_t> last_size_{0};           // bytes of the last exposition
  double start_time_;
};

}  // namespace app
