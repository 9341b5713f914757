#include "metrics.hpp"

#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <thread>
#include <vector>

namespace app {
namespace {

using namespace std::chrono_literals;

const BuildInfo kBuild{"1.2.3", "abc\"def", "line\nbreak\\"};

std::string expose(const Metrics& m) {
  std::string out;
  m.expose(out, kBuild);
  return out;
}

// sample line prefix -> value
std::map<std::string, std::string> samples(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto sp = line.rfind(' ');
    out[line.substr(0, sp)] = line.substr(sp + 1);
  }
  return out;
}

TEST(Metrics, HelpAndTypeForEveryFamily) {
  Metrics m;
  const auto text = expose(m);
  for (const auto& [name, type] :
       std::vector<std::pair<std::string, std::string>>{{"http_requests_total", "counter"},
                                                        {"http_request_duration_seconds", "histogram"},
                                                        {"http_requests_in_flight", "gauge"},
                                                        {"http_connections_open", "gauge"},
                                                        {"http_connections_rejected_total", "counter"},
                                                        {"http_connections_accepted_total", "counter"},
                                                        {"process_start_time_seconds", "gauge"},
                                                        {"process_resident_memory_bytes", "gauge"},
                                                        {"app_build_info", "gauge"}}) {
    EXPECT_NE(text.find("# HELP " + name + " "), std::string::npos) << name;
    EXPECT_NE(text.find("# TYPE " + name + " " + type + "\n"), std::string::npos) << name;
  }
  EXPECT_EQ(text.back(), '\n');
}

TEST(Metrics, CountsByMethodRouteCode) {
  Metrics m;
  m.observe(method_index("GET"), Route::root, 200, 100us);
  m.observe(method_index("GET"), Route::root, 200, 100us);
  m.observe(method_index("BREW"), Route::unmatched, 404, 1ms);
  const auto s = samples(expose(m));
  EXPECT_EQ(s.at(R"(http_requests_total{method="GET",route="/",code="200"})"), "2");
  EXPECT_EQ(s.at(R"(http_requests_total{method="other",route="unmatched",code="404"})"), "1");
  EXPECT_EQ(s.count(R"(http_requests_total{method="GET",route="/healthz",code="200"})"), 0u);
}

TEST(Metrics, HistogramIsCumulativeAndInfEqualsCount) {
  Metrics m;
  const auto get = method_index("GET");
  m.observe(get, Route::healthz, 200, 100us);  // <= 0.0005
  m.observe(get, Route::healthz, 200, 500us);  // == 0.0005 (le is inclusive)
  m.observe(get, Route::healthz, 200, 3ms);    // <= 0.005
  m.observe(get, Route::healthz, 200, 20s);    // only +Inf
  const auto s = samples(expose(m));
  const std::string b = R"(http_request_duration_seconds_bucket{method="GET",route="/healthz",le=")";
  EXPECT_EQ(s.at(b + R"(0.0005"})"), "2");
  EXPECT_EQ(s.at(b + R"(0.001"})"), "2");
  EXPECT_EQ(s.at(b + R"(0.005"})"), "3");
  EXPECT_EQ(s.at(b + R"(10"})"), "3");
  EXPECT_EQ(s.at(b + R"(+Inf"})"), "4");
  EXPECT_EQ(s.at(R"(http_request_duration_seconds_count{method="GET",route="/healthz"})"), "4");
  EXPECT_DOUBLE_EQ(std::stod(s.at(R"(http_request_duration_seconds_sum{method="GET",route="/healthz"})")), 20.0036);
  // Buckets never decrease.
  long prev = 0;
  for (const char* le : {"0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1",
                         "2.5", "5", "10", "+Inf"}) {
    const long v = std::stol(s.at(b + le + "\"}"));
    EXPECT_GE(v, prev) << le;
    prev = v;
  }
}

TEST(Metrics, InFlightGauge) {
  Metrics m;
  m.in_flight_add(3);
  m.in_flight_add(-1);
  EXPECT_EQ(samples(expose(m)).at("http_requests_in_flight"), "2");
}

TEST(Metrics, ConnectionGauges) {
  Metrics m;
  m.connections_add(2);
  m.connections_add(-1);
  m.connection_rejected();
  m.connection_rejected();
  const auto s = samples(expose(m));
  EXPECT_EQ(s.at("http_connections_open"), "1");
  EXPECT_EQ(s.at("http_connections_rejected_total"), "2");
}

TEST(Metrics, ProcessGauges) {
  Metrics m;
  const auto s = samples(expose(m));
  EXPECT_GT(std::stod(s.at("process_start_time_seconds")), 1.6e9);
  EXPECT_GT(std::stol(s.at("process_resident_memory_bytes")), 0);
}

TEST(Metrics, BuildInfoLabelsEscaped) {
  Metrics m;
  const auto text = expose(m);
  EXPECT_NE(text.find(R"(app_build_info{version="1.2.3",commit="abc\"def",build_time="line\nbreak\\"} 1)"),
            std::string::npos)
      << text;
}

TEST(Metrics, LabelEscaping) {
  std::string out;
  append_label_value(out, "a\\b\"c\nd");
  EXPECT_EQ(out, R"(a\\b\"c\nd)");
}

TEST(Metrics, AcceptedConnectionsCountedByTheThreadsLoop) {
  Metrics m(2);
  auto accept_on = [&m](unsigned loop, int n) {
    std::thread([&m, loop, n] {
      Metrics::set_thread_shard(loop);
      for (int i = 0; i < n; ++i) m.connection_accepted();
    }).join();
  };
  accept_on(0, 1);
  accept_on(1, 2);
  accept_on(3, 4);  // beyond the loops: wraps around (shard 1), never out of bounds
  const auto s = samples(expose(m));
  EXPECT_EQ(s.at(R"(http_connections_accepted_total{loop="0"})"), "1");
  EXPECT_EQ(s.at(R"(http_connections_accepted_total{loop="1"})"), "6");
  EXPECT_EQ(s.count(R"(http_connections_accepted_total{loop="2"})"), 0U);
}

TEST(Metrics, ShardedCountsAddUpAcrossThreads) {
  Metrics m(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&m] {
      for (int i = 0; i < 10000; ++i) m.observe(method_index("GET"), Route::root, 200, 1us);
    });
  }
  for (auto& t : threads) t.join();
  const auto s = samples(expose(m));
  EXPECT_EQ(s.at(R"(http_requests_total{method="GET",route="/",code="200"})"), "80000");
  EXPECT_EQ(s.at(R"(http_request_duration_seconds_count{method="GET",route="/"})"), "80000");
}

TEST(Metrics, UnlistedStatusCountedAsOtherNotAs500) {
  Metrics m;
  m.observe(method_index("GET"), Route::root, 299, 1ms);
  const auto s = samples(expose(m));
  EXPECT_EQ(s.at(R"(http_requests_total{method="GET",route="/",code="other"})"), "1");
  EXPECT_EQ(s.count(R"(http_requests_total{method="GET",route="/",code="500"})"), 0u);
}

TEST(Metrics, MethodLabels) {
  EXPECT_EQ(method_label(method_index("GET")), "GET");
  EXPECT_EQ(method_label(method_index("HEAD")), "HEAD");
  EXPECT_EQ(method_label(method_index("get")), "other");
  EXPECT_EQ(method_label(method_index("")), "other");
}

// A pipelining client holds one /metrics per connection: it must not hold
// the string's doubling slack too (up to twice the exposition's size).
TEST(Metrics, ExpositionAllocatesItsSizeNotDoubleIt) {
  Metrics m;
  for (std::size_t method = 0; method < kMethodCount; ++method) {
    for (std::size_t r = 0; r < kRouteCount; ++r) {
      for (const auto& st : kStatuses) m.observe(method, static_cast<Route>(r), st.code, 1ms);
    }
  }
  (void)expose(m);  // learns the size
  const std::string out = expose(m);
  ASSERT_GT(out.size(), 100'000u);
  EXPECT_LE(out.capacity(), out.size() + 1024) << "size " << out.size();
}

}  // namespace
}  // namespace app
