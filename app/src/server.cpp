#include "server.hpp"

#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "emf.hpp"
#include "listener.hpp"
#include "version.hpp"

namespace app {
namespace net = boost::asio;
using boost::system::error_code;

namespace {

// The drain: readiness 503, no new connections, in-flight requests finish,
// every connection closes after its current response, then exit.
class Drain {
 public:
  Drain(net::io_context& ioc, const Config& config, const Logger& log, AppState& state, ConnectionSet& connections,
        std::vector<std::shared_ptr<Listener>> listeners)
      : ioc_(ioc),
        config_(config),
        log_(log),
        state_(state),
        connections_(connections),
        listeners_(std::move(listeners)),
        timer_(ioc) {}

  void on_signal(int signal) {
    if (state_.draining.exchange(true)) {
      // A second signal: the operator wants out now.
      log_.event(Level::warn, "stopped", [](JsonObject& o) { o.num("exit_code", 1); });
      (void)log_.flush(std::chrono::milliseconds(500));
      std::_Exit(1);
    }
    started_ = std::chrono::steady_clock::now();
    log_.event(Level::info, "drain_started", [&](JsonObject& o) {
      o.str("signal", signal == SIGTERM ? "SIGTERM" : "SIGINT")
          .num("in_flight", state_.metrics.in_flight())
          .num("timeout_ms", config_.drain_timeout.count());
    });
    for (auto& l : listeners_) l->stop();
    connections_.drain_all();
    timer_.expires_after(config_.drain_timeout);
    timer_.async_wait([this](const error_code& ec) {
      if (!ec) finish(true);
    });
    connections_.when_empty([this] { finish(false); });
  }

 private:
  void finish(bool forced) {
    {
      std::lock_guard lock(mutex_);
      if (finished_) return;
      finished_ = true;
    }
    const auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_).count();
    log_.event(Level::info, "drain_finished",
               [&](JsonObject& o) { o.real("duration_ms", ms).boolean("forced", forced); });
    // Connections still open are cut when ioc_ is destroyed with them.
    ioc_.stop();
  }

  net::io_context& ioc_;
  const Config& config_;
  const Logger& log_;
  AppState& state_;
  ConnectionSet& connections_;
  std::vector<std::shared_ptr<Listener>> listeners_;
  net::steady_timer timer_;
  std::chrono::steady_clock::time_point started_{};
  std::mutex mutex_;
  bool finished_ = false;
};

// Lets the process hold as many sockets as its hard limit allows (the soft
// limit is often 1024, far below MAX_CONNECTIONS).
void raise_fd_limit(const Logger& log) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur >= lim.rlim_max) return;
  lim.rlim_cur = lim.rlim_max;
  if (setrlimit(RLIMIT_NOFILE, &lim) != 0) {
    log.event(Level::warn, "error", [](JsonObject& o) { o.str("message", "cannot raise the open files limit"); });
  }
}

}  // namespace

int run_server(const Config& config, const Logger& log) {
  raise_fd_limit(log);
  // Declaration order is destruction order in reverse: the connection set and
  // state outlive the io_context whose handlers own the connections.
  Metrics metrics(config.threads);
  AppState state(metrics, build_info());
  state.log = &log;
  ConnectionSet connections;
  net::io_context ioc(static_cast<int>(config.threads));

  // Catch signals before anything can send one (a supervisor may signal as
  // soon as it sees "listening"); asio queues them until async_wait.
  net::signal_set signals(ioc, SIGINT, SIGTERM);
  // The public listener, and /metrics on a port of its own (never behind the load balancer).
  auto listener = std::make_shared<Listener>(ioc, config, state, log, connections, Surface::main);
  auto metrics_listener = std::make_shared<Listener>(ioc, config, state, log, connections, Surface::metrics);
  for (const auto& l : {listener, metrics_listener}) {
    if (const auto opened = l->open(); !opened.ok()) {
      log.event(Level::error, "error", [&](JsonObject& o) { o.str("message", opened.error); });
      log.event(Level::info, "stopped", [](JsonObject& o) { o.num("exit_code", 1); });
      return 1;
    }
  }
  log.event(Level::info, "listening", [&](JsonObject& o) {
    o.str("address", config.host).num("port", listener->port()).num("metrics_port", metrics_listener->port());
  });

  Drain drain(ioc, config, log, state, connections, {listener, metrics_listener});
  std::function<void(const error_code&, int)> on_signal = [&](const error_code& ec, int sig) {
    if (ec) return;
    drain.on_signal(sig);
    signals.async_wait(on_signal);  // a second signal exits at once
  };
  signals.async_wait(on_signal);

  // CloudWatch EMF: a flush per interval on a fixed-rate timer, and a last one after the drain.
  std::optional<EmfReporter> emf;
  net::steady_timer emf_timer(ioc);
  std::function<void(const error_code&)> emf_tick = [&](const error_code& ec) {
    if (ec) return;
    emf->flush();
    emf_timer.expires_at(emf_timer.expiry() + config.emf.interval);
    emf_timer.async_wait(emf_tick);
  };
  if (!config.emf.ns.empty()) {
    emf.emplace(metrics, log, config.emf);
    emf_timer.expires_after(config.emf.interval);
    emf_timer.async_wait(emf_tick);
  }

  listener->start();
  metrics_listener->start();

  auto run = [&ioc, &log] {
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        // A handler threw: log it and keep serving the other connections.
        log.event(Level::error, "error", [&](JsonObject& o) { o.str("message", e.what()); });
      }
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(config.threads - 1);
  for (unsigned i = 1; i < config.threads; ++i) threads.emplace_back(run);
  run();
  for (auto& t : threads) t.join();
  connections.forget_when_empty();  // connections still held by handlers die with ioc, after `drain`
  if (emf) emf->flush();
  log.event(Level::info, "stopped", [](JsonObject& o) { o.num("exit_code", 0); });
  return 0;
}

}  // namespace app
