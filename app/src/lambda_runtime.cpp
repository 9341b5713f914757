#include "lambda_runtime.hpp"

#include <pthread.h>

#include <atomic>
#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <thread>

#include "access_log.hpp"
#include "emf.hpp"
#include "lambda_client.hpp"
#include "lambda_event.hpp"
#include "lambda_extension.hpp"
#include "log.hpp"
#include "metrics.hpp"
#include "request_id.hpp"
#include "router.hpp"
#include "version.hpp"

namespace app::lambda {
namespace {

using Clock = std::chrono::steady_clock;

std::int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void log_line(const Logger& log, Level level, std::string_view event, std::string_view aws_request_id,
              std::string_view message) {
  if (!log.enabled(level)) return;
  std::string buf;
  auto obj = Logger::begin(buf, level, event);
  if (!aws_request_id.empty()) obj.str("aws_request_id", aws_request_id);
  obj.str("message", message);
  log.finish(buf, obj);
}

// SIGTERM (Lambda sends it at shutdown when an extension is registered: see
// lambda_extension.hpp) and SIGINT end the loop. They are blocked in every thread (block_stop_signals
// runs before the logger's thread starts, which inherits the mask) and taken
// by sigwait on a thread of SignalWatch's own, which interrupts the client.
// SIGUSR1, blocked too, only wakes that thread when the loop ends by itself.
sigset_t watched_signals() {
  sigset_t set;
  (void)sigemptyset(&set);
  (void)sigaddset(&set, SIGTERM);
  (void)sigaddset(&set, SIGINT);
  (void)sigaddset(&set, SIGUSR1);
  return set;
}

void block_stop_signals() {
  const sigset_t set = watched_signals();
  (void)pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

class SignalWatch {
 public:
  SignalWatch(RuntimeClient& client, const Logger& log) {
    thread_ = std::thread([this, &client, &log] {
      const sigset_t set = watched_signals();
      int sig = 0;
      do {
        (void)sigwait(&set, &sig);
        if (done_.load()) return;  // woken by ~SignalWatch
      } while (sig == SIGUSR1);
      log_line(log, Level::info, "shutdown", {}, sig == SIGTERM ? "SIGTERM" : "SIGINT");
      client.interrupt();
    });
  }
  ~SignalWatch() {
    done_.store(true);
    (void)pthread_kill(thread_.native_handle(), SIGUSR1);  // blocked everywhere: only its sigwait takes it
    thread_.join();
  }
  SignalWatch(const SignalWatch&) = delete;
  SignalWatch& operator=(const SignalWatch&) = delete;

 private:
  std::atomic<bool> done_{false};
  std::thread thread_;
};

// The loop's state, reused between invocations so their buffers keep their capacity.
class Loop {
 public:
  Loop(RuntimeClient& client, const Config& config, AppState& state, const Logger& log, EmfReporter* emf)
      : client_(client), config_(config), state_(state), log_(log), emf_(emf) {}

  // Until interrupted (0) or the Runtime API fails (1).
  int run() {
    while (true) {
      const std::string error = client_.next(inv_);
      if (client_.interrupted()) return 0;
      if (!error.empty()) {
        log_line(log_, Level::error, "runtime_api_error", {}, error);
        return 1;
      }
      if (!invoke()) return 1;
      if (emf_ != nullptr) (void)emf_->maybe_flush(std::chrono::system_clock::now());
      (void)log_.flush();  // Lambda may freeze the process once next() is called: lines out first
    }
  }

 private:
  // Answers one invocation; false if the Runtime API refused the answer.
  bool invoke() {
    const auto start = Clock::now();
    if (inv_.deadline_ms > 0 && unix_ms_now() >= inv_.deadline_ms) {
      // Past its deadline the caller has already been given a timeout: do not handle it.
      log_line(log_, Level::warn, "deadline_exceeded", inv_.request_id, "invocation received after its deadline");
      return post_error("Runtime.DeadlineExceeded", "invocation received after its deadline");
    }
    if (std::string why = parse_http_event(inv_.event, ev_); !why.empty()) {
      // Not an HTTP request at all (a test event, another trigger): there is
      // no client to send a 400 to, so it is an invocation error.
      log_line(log_, Level::warn, "invalid_event", inv_.request_id, why);
      return post_error("Runtime.InvalidEvent", why);
    }
    state_.metrics.in_flight_add(1);
    // X-Request-Id as over HTTP when the client sent one, else Lambda's own
    // request id, which joins this line with Lambda's START/END/REPORT lines.
    sanitize_request_id(ev_.request_id_header, request_id_);
    if (request_id_.empty()) sanitize_request_id(inv_.request_id, request_id_);
    if (request_id_.empty()) generate_request_id(request_id_);
    sanitize_trace_id(inv_.trace_id, trace_id_);
    const Request req{ev_.method, ev_.target, request_id_, trace_id_, Surface::main};
    // 400: isBase64Encoded with a body that is not base64; 413: over MAX_BODY_BYTES, as over HTTP.
    const int body_error = !ev_.body_valid ? 400 : ev_.body_bytes > config_.max_body_bytes ? 413 : 0;
    if (body_error != 0) {
      error_response(body_error, request_id_, res_);
      res_.allow_get_head = false;
      res_.route = Route::unmatched;
    } else {
      route(req, state_, res_);
    }
    write_http_response(res_, request_id_, ev_.method == "HEAD", payload_);
    const std::string error = client_.respond(inv_.request_id, payload_);
    const auto elapsed = Clock::now() - start;
    state_.metrics.observe(method_index(ev_.method), res_.route, res_.status, elapsed);
    state_.metrics.in_flight_add(-1);
    if (config_.access_log && log_.enabled(Level::info)) log_request(elapsed);
    if (!error.empty()) {
      log_line(log_, Level::error, "runtime_api_error", inv_.request_id, error);
      return client_.interrupted();
    }
    return true;
  }

  // The access log line, as the HTTP path writes it (access_log.hpp).
  void log_request(Clock::duration elapsed) {
    AccessRecord rec;
    rec.method = ev_.method;
    rec.route = route_name(res_.route);
    rec.path = ev_.target;
    rec.status = res_.status;
    rec.duration = elapsed;
    rec.bytes = ev_.method == "HEAD" ? 0 : static_cast<std::int64_t>(res_.body.size());
    rec.request_id = request_id_;
    rec.trace_id = trace_id_;
    rec.client = ev_.source_ip;  // requestContext.http.sourceIp: the function URL's client
    rec.peer = ev_.source_ip;    // no socket of our own: the same address
    rec.user_agent = ev_.user_agent;
    line_.clear();
    append_access_line(line_, rec);
    log_.write_raw(line_);
  }

  bool post_error(std::string_view type, std::string_view message) {
    const std::string error = client_.report_error(inv_.request_id, type, message);
    if (error.empty()) return true;
    log_line(log_, Level::error, "runtime_api_error", inv_.request_id, error);
    return client_.interrupted();
  }

  RuntimeClient& client_;
  const Config& config_;
  AppState& state_;
  const Logger& log_;
  EmfReporter* emf_;  // nullptr: EMF off
  Invocation inv_;
  HttpEvent ev_;
  Response res_;
  std::string request_id_, trace_id_, payload_, line_;
};

}  // namespace

std::optional<boost::asio::ip::tcp::endpoint> parse_runtime_api(std::string_view value) {
  const auto colon = value.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return std::nullopt;
  std::string_view host = value.substr(0, colon);
  const std::string_view port_text = value.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
    return std::nullopt;
  }
  if (host == "localhost") host = "127.0.0.1";
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  boost::system::error_code aec;
  const auto address = boost::asio::ip::make_address(host, aec);
  if (aec) return std::nullopt;
  return boost::asio::ip::tcp::endpoint(address, static_cast<std::uint16_t>(port));
}

int run(std::string_view runtime_api, const ParseResult& parsed) {
  const auto endpoint = parse_runtime_api(runtime_api);
  if (!endpoint) {
    (void)std::fprintf(stderr, "server: AWS_LAMBDA_RUNTIME_API must be host:port with an IP address (got '%.*s')\n",
                       static_cast<int>(runtime_api.size()), runtime_api.data());
    return 2;
  }
  block_stop_signals();  // first: before any thread starts
  RuntimeClient client(*endpoint);
  if (parsed.action == Action::fail) {
    // Bad configuration: tell Lambda (init/error shows in the invoke's
    // answer and the logs), and exit 2 as HTTP mode does.
    (void)std::fprintf(stderr, "server: %s\n", parsed.error.c_str());
    if (const std::string error = client.report_error({}, "Runtime.InvalidConfig", parsed.error); !error.empty()) {
      (void)std::fprintf(stderr, "server: %s\n", error.c_str());
    }
    return 2;
  }
  const Config& config = parsed.config;
  const Logger log(config.log_level);
  const SignalWatch signals(client, log);  // destroyed first: stops before what it uses
  if (const std::string error = client.connect(); !error.empty()) {
    log_line(log, Level::error, "runtime_api_error", {}, error);
    return 1;
  }
  const auto& build = build_info();
  if (log.enabled(Level::info)) {
    std::string buf;
    auto obj = Logger::begin(buf, Level::info, "starting");
    obj.str("version", build.version).str("commit", build.commit).str("mode", "lambda").str("runtime_api", runtime_api);
    log.finish(buf, obj);
  }
  // Registered before the first invocation/next (registration closes then),
  // so that Lambda's shutdown is a SIGTERM, which flushes what is below.
  const ShutdownExtension extension(client, *endpoint, log);
  Metrics metrics(1);
  AppState state(metrics, build);
  state.log = &log;
  std::optional<EmfReporter> emf;
  if (!config.emf.ns.empty()) emf.emplace(metrics, log, config.emf);
  Loop loop(client, config, state, log, emf ? &*emf : nullptr);
  const int rc = loop.run();
  if (emf) emf->flush();  // the last interval, before the logger's final flush
  return rc;
}

}  // namespace app::lambda
