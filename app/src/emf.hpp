#pragma once
// CloudWatch metrics without a sidecar: Embedded Metric Format (EMF) lines on
// stdout, which CloudWatch Logs turns into metrics (Lambda, and ECS with the
// awslogs driver). The reporter writes the DELTA of app::Metrics since its
// last flush, at most once per interval (60 s in production), never a line
// per request, through the non-blocking Logger. Hand-written: Debian ships
// no EMF library for C++ (awslabs has none for C++ at all).
//
// Each flush writes:
// - one line with dimensions {Service, Environment}: Requests, Requests4xx,
//   Requests5xx and Latency (a distribution: Values/Counts, Milliseconds, so
//   CloudWatch computes percentiles) over the traffic routes (the probes
//   /healthz, /readyz and /metrics left out: a drain's 503 on /readyz is not
//   an error of the service), and InFlight (a gauge, every surface);
// - one line per {Route, StatusClass} with requests in the interval (every
//   route): Requests with dimensions {Service, Environment, Route, StatusClass}.
// Routes are templates and classes 2xx-5xx, so at most 5 + 6 x 4 custom
// metrics exist per Service and Environment (docs/costs.md).
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

#include "log.hpp"
#include "metrics.hpp"

namespace app {

struct EmfSettings {
  std::string ns;  // CloudWatch namespace; empty: EMF off
  std::string service = "hello";
  std::string environment = "local";
  std::chrono::seconds interval{60};  // EMF_FLUSH_SECONDS: shorter only in tests
};

// Setters for the configuration (config.cpp); false on an invalid value, which they leave unapplied.
// Namespace: empty (off), or 1-255 of A-Z a-z 0-9 . - _ / # : and space, not only spaces, not
// starting with "AWS/" or ':' (CloudWatch's rule; infra/modules/emf-metrics states the same).
inline constexpr std::string_view kEmfNamespaceExpected =
    "empty (off) or 1-255 characters of A-Z a-z 0-9 . - _ / # : and space, not only spaces, not starting with AWS/ or "
    "a colon";
bool set_emf_namespace(EmfSettings& s, std::string_view v);
// Service and Environment dimension values: 1-255 of A-Z a-z 0-9 . - _ / :
inline constexpr std::string_view kEmfDimensionExpected = "1-255 characters of A-Z a-z 0-9 . - _ / :";
bool set_emf_service(EmfSettings& s, std::string_view v);
bool set_emf_environment(EmfSettings& s, std::string_view v);
inline constexpr std::string_view kEmfIntervalExpected = "an integer 1-60 (seconds between flushes; 60 in production)";
bool set_emf_interval(EmfSettings& s, std::string_view v);

// Appends the EMF lines (each ending in '\n') for `delta`, the counts of one interval.
void append_emf_lines(std::string& out, const EmfSettings& settings, const MetricsTotals& delta, std::int64_t in_flight,
                      std::int64_t timestamp_ms);

class EmfReporter {
 public:
  using time_point = std::chrono::system_clock::time_point;

  // The first interval starts now.
  EmfReporter(const Metrics& metrics, const Logger& log, EmfSettings settings);

  // Flushes if at least settings().interval has passed since the last flush
  // (or construction); true if it did. For Lambda, after each invocation:
  // the writer thread must then get the line out before the process is
  // frozen, so call Logger::flush() before asking for the next event.
  bool maybe_flush(time_point now);
  // Flushes now, whatever the time: the server's timer, and at shutdown
  // after the drain so the last interval is not lost.
  void flush(time_point now = std::chrono::system_clock::now());
  // The lines a flush would write, taking the delta (tests read these).
  std::string take_lines(time_point now);

  const EmfSettings& settings() const { return settings_; }

 private:
  std::string take_locked(time_point now);

  const Metrics& metrics_;
  const Logger& log_;
  const EmfSettings settings_;
  std::mutex mutex_;  // a timer and a shutdown (or Lambda threads) may flush at once
  MetricsTotals last_;
  time_point last_flush_;
};

}  // namespace app
