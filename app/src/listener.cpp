#include "listener.hpp"

#include <boost/asio/dispatch.hpp>

namespace app {
namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

Listener::Listener(net::io_context& ioc, const Config& config, AppState& state, const Logger& log,
                   ConnectionSet& connections, Surface surface)
    : ioc_(ioc),
      strand_(net::make_strand(ioc)),
      acceptor_(strand_),
      retry_(strand_),
      config_(config),
      state_(state),
      log_(log),
      connections_(connections),
      surface_(surface) {}

Outcome Listener::open() {
  error_code ec;
  const auto address = net::ip::make_address(config_.host, ec);
  const std::uint16_t port = surface_ == Surface::metrics ? config_.metrics_port : config_.port;
  const tcp::endpoint endpoint(address, port);
  auto fail = [&](const char* what) {
    return Outcome::failure(std::string(what) + " " + config_.host + ":" + std::to_string(port) + ": " + ec.message());
  };
  if (ec) return fail("bad address");
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return fail("cannot open socket for");
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return fail("cannot set SO_REUSEADDR on");
  acceptor_.bind(endpoint, ec);
  if (ec) return fail("cannot bind");
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fail("cannot listen on");
  return Outcome::success();
}

std::uint16_t Listener::port() const {
  error_code ec;
  return acceptor_.local_endpoint(ec).port();
}

void Listener::start() {
  net::dispatch(strand_, [self = shared_from_this()] { self->accept(); });
}

void Listener::stop() {
  net::dispatch(strand_, [self = shared_from_this()] {
    self->stopped_ = true;
    error_code ec;
    self->acceptor_.close(ec);
    self->retry_.cancel();
  });
}

void Listener::accept() {
  if (stopped_) return;
  auto on_accept = [self = shared_from_this()](const error_code& ec, tcp::socket s) {
    self->on_accept(ec, std::move(s));
  };
  // Each connection gets its own strand so its handlers never run
  // concurrently; with one thread nothing runs concurrently anyway, and the
  // strand's queueing would only cost time.
  if (config_.threads > 1) {
    acceptor_.async_accept(net::make_strand(ioc_), std::move(on_accept));
  } else {
    acceptor_.async_accept(ioc_.get_executor(), std::move(on_accept));
  }
}

void Listener::on_accept(const error_code& ec, tcp::socket socket) {
  if (stopped_ || ec == net::error::operation_aborted) return;
  if (ec) {
    // Out of file descriptors and the like: log, back off briefly, go on.
    log_error("accept failed: " + ec.message());
    retry_.expires_after(std::chrono::milliseconds(50));
    retry_.async_wait([self = shared_from_this()](const error_code& e) {
      if (!e) self->accept();
    });
    return;
  }
  try {
    auto conn = std::make_shared<Connection>(std::move(socket), config_, state_, log_, connections_, surface_);
    if (connections_.try_add(conn, config_.max_connections)) {
      conn->start();
    } else {
      // Not added: while its 503 is written it holds no MAX_CONNECTIONS slot.
      state_.metrics.connection_rejected();
      conn->reject();
    }
  } catch (const std::exception& e) {
    // Out of memory, say: drop this connection, but keep accepting (an
    // exception escaping here would end the accept loop for good).
    log_error(std::string("cannot start a connection: ") + e.what());
  }
  accept();
}

void Listener::log_error(std::string_view message) const {
  log_.event(Level::error, "error", [&](JsonObject& o) { o.str("message", message); });
}

}  // namespace app
