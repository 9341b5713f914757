#include "server.hpp"

#include <sys/resource.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
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
  // Runs on loops[0]; stops every loop when done.
  Drain(const std::vector<std::unique_ptr<net::io_context>>& loops, const Config& config, const Logger& log,
        AppState& state, ConnectionSet& connections, std::vector<std::shared_ptr<Listener>> listeners)
      : loops_(loops),
        config_(config),
        log_(log),
        state_(state),
        connections_(connections),
        listeners_(std::move(listeners)),
        timer_(*loops.front()) {}

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
    for (auto& l : listeners_) l->stop();  // each on its own loop
    connections_.drain_all();              // each on its connection's loop
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
    // Connections still open are cut when their loop is destroyed with them.
    for (const auto& loop : loops_) loop->stop();  // thread-safe; `finish` may run on any loop
  }

  const std::vector<std::unique_ptr<net::io_context>>& loops_;
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

// The event loops, nginx's model: one io_context per thread, each with its
// own listener on the public port (SO_REUSEPORT: the kernel spreads new
// connections over the listeners), so a connection lives on the loop that
// accepted it and its requests never cross threads (no strand, no hand-off).
// Trade-off, as in nginx: no work stealing, a busy loop keeps its
// connections. /metrics, the signals, the drain timer and EMF live on loop 0.
int run_server(const Config& config, const Logger& log) {
  raise_fd_limit(log);
  const unsigned loop_count = config.threads == 0 ? 1 : config.threads;
  // Declaration order is destruction order in reverse: the connection set and
  // state outlive the loops whose handlers own the connections.
  Metrics metrics(loop_count);
  AppState state(metrics, build_info());
  state.log = &log;
  ConnectionSet connections;
  std::vector<std::unique_ptr<net::io_context>> loops;
  loops.reserve(loop_count);
  for (unsigned i = 0; i < loop_count; ++i) loops.push_back(std::make_unique<net::io_context>(1));  // one thread each
  net::io_context& loop0 = *loops.front();

  // Catch signals before anything can send one (a supervisor may signal as
  // soon as it sees "listening"); asio queues them until async_wait.
  net::signal_set signals(loop0, SIGINT, SIGTERM);
  std::vector<std::shared_ptr<Listener>> listeners;
  for (unsigned i = 0; i < loop_count; ++i) {
    listeners.push_back(std::make_shared<Listener>(*loops[i], config, state, log, connections, Surface::main));
  }
  // /metrics on a port of its own (never behind the load balancer), on loop 0.
  auto metrics_listener = std::make_shared<Listener>(loop0, config, state, log, connections, Surface::metrics);
  auto fail = [&](std::string_view message) {
    log.event(Level::error, "error", [&](JsonObject& o) { o.str("message", message); });
    log.event(Level::info, "stopped", [](JsonObject& o) { o.num("exit_code", 1); });
    return 1;
  };
  // SO_REUSEPORT only with several loops: one loop keeps the port its own.
  // With it, a second server of the same user would silently share the port
  // (the kernel allows any same-uid socket with SO_REUSEPORT to join): so
  // first claim the port alone, without the option, to fail as one loop would.
  if (loop_count > 1 && config.port != 0) {
    Listener probe(loop0, config, state, log, connections, Surface::main);
    if (const auto opened = probe.open(config.port, false); !opened.ok()) return fail(opened.error);
  }  // closed here, before the loops bind
  // PORT=0: the first listener gets a port, the others join it.
  std::uint16_t port = config.port;
  for (const auto& l : listeners) {
    if (const auto opened = l->open(port, loop_count > 1); !opened.ok()) return fail(opened.error);
    port = l->port();
  }
  if (const auto opened = metrics_listener->open(config.metrics_port, false); !opened.ok()) return fail(opened.error);
  log.event(Level::info, "listening", [&](JsonObject& o) {
    o.str("address", config.host).num("port", port).num("metrics_port", metrics_listener->port());
  });

  listeners.push_back(metrics_listener);
  Drain drain(loops, config, log, state, connections, listeners);
  std::function<void(const error_code&, int)> on_signal = [&](const error_code& ec, int sig) {
    if (ec) return;
    drain.on_signal(sig);
    signals.async_wait(on_signal);  // a second signal exits at once
  };
  signals.async_wait(on_signal);

  // CloudWatch EMF: a flush per interval on a fixed-rate timer, and a last one after the drain.
  std::optional<EmfReporter> emf;
  net::steady_timer emf_timer(loop0);
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

  for (const auto& l : listeners) l->start();

  auto run = [&log](net::io_context& ioc, unsigned loop) {
    Metrics::set_thread_shard(loop);  // this loop's counters, and its line in http_connections_accepted_total
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
  threads.reserve(loop_count - 1);
  for (unsigned i = 1; i < loop_count; ++i) threads.emplace_back(run, std::ref(*loops[i]), i);
  run(loop0, 0);
  for (auto& t : threads) t.join();
  connections.forget_when_empty();  // connections still held by handlers die with their loops, after `drain`
  if (emf) emf->flush();
  log.event(Level::info, "stopped", [](JsonObject& o) { o.num("exit_code", 0); });
  return 0;
}

}  // namespace app
