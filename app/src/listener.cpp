#include "listener.hpp"

#include <boost/asio/post.hpp>

namespace app {
namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

Listener::Listener(net::io_context& ioc, const Config& config, AppState& state, const Logger& log,
                   ConnectionSet& connections, Surface surface)
    : ioc_(ioc),
      acceptor_(ioc),
      retry_(ioc),
      config_(config),
      state_(state),
      log_(log),
      connections_(connections),
      surface_(surface) {}

Outcome Listener::open(std::uint16_t port, bool reuse_port) {
  error_code ec;
  const auto address = net::ip::make_address(config_.host, ec);
  const tcp::endpoint endpoint(address, port);
  auto fail = [&](const char* what) {
    return Outcome::failure(std::string(what) + " " + config_.host + ":" + std::to_string(port) + ": " + ec.message());
  };
  if (ec) return fail("bad address");
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return fail("cannot open socket for");
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return fail("cannot set SO_REUSEADDR on");
  if (reuse_port) {
    acceptor_.set_option(net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>(true), ec);
    if (ec) return fail("cannot set SO_REUSEPORT on");
  }
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
  net::post(ioc_, [self = shared_from_this()] { self->accept(); });
}

void Listener::stop() {
  net::post(ioc_, [self = shared_from_this()] {
    self->stopped_ = true;
    error_code ec;
    self->acceptor_.close(ec);
    self->retry_.cancel();
  });
}

void Listener::accept() {
  if (stopped_) return;
  // The socket lives on this listener's loop, run by one thread: its
  // handlers never run concurrently, so no strand.
  acceptor_.async_accept(
      ioc_, [self = shared_from_this()](const error_code& ec, tcp::socket s) { self->on_accept(ec, std::move(s)); });
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
      if (surface_ == Surface::main) state_.metrics.connection_accepted();
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
