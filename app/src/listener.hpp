#pragma once
// Accepts connections and starts a Connection for each, up to MAX_CONNECTIONS
// (beyond that a connection gets a 503 and is closed). A listener belongs to
// one event loop (an io_context run by one thread): the connections it
// accepts live on that loop, so none of their handlers needs a strand.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "connection.hpp"
#include "outcome.hpp"

namespace app {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(boost::asio::io_context& ioc, const Config& config, AppState& state, const Logger& log,
           ConnectionSet& connections, Surface surface = Surface::main);

  // Binds and listens on HOST:`port`; on failure says why. `reuse_port`
  // sets SO_REUSEPORT so each loop's listener can bind the same port and
  // the kernel spreads new connections over them (nginx's `reuseport`).
  Outcome open(std::uint16_t port, bool reuse_port);
  std::uint16_t port() const;
  void start();
  void stop();  // thread-safe (posts to its loop): stop accepting and close the socket

 private:
  void accept();
  void on_accept(const boost::system::error_code& ec, boost::asio::ip::tcp::socket socket);
  void log_error(std::string_view message) const;

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer retry_;
  const Config& config_;
  AppState& state_;
  const Logger& log_;
  ConnectionSet& connections_;
  Surface surface_;
  bool stopped_ = false;
};

}  // namespace app
