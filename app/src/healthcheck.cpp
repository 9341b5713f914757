#include "healthcheck.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

namespace app {
namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

Outcome healthcheck(std::string_view host, std::uint16_t port) {
  net::io_context ioc(1);
  tcp::socket socket(ioc);
  // The address the server binds; a wildcard one is reached through IPv4
  // loopback (an IPv6 wildcard socket accepts IPv4 too, and ::1 may not exist).
  error_code ec;
  net::ip::address address = net::ip::make_address(host, ec);
  if (ec || address.is_unspecified()) address = net::ip::address_v4::loopback();
  const tcp::endpoint endpoint(address, port);
  const std::string target = endpoint.address().to_string() + ":" + std::to_string(port);
  static constexpr std::string_view kRequest =
      "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: server-healthcheck\r\nConnection: close\r\n\r\n";
  std::string response;
  bool ok = false;
  std::string error = "timed out after 2s";
  socket.async_connect(endpoint, [&](const error_code& ec) {
    if (ec) {
      error = "cannot connect to " + target + ": " + ec.message();
      return;
    }
    net::async_write(socket, net::buffer(kRequest), [&](const error_code& ec, std::size_t) {
      if (ec) {
        error = "cannot send request: " + ec.message();
        return;
      }
      net::async_read_until(
          socket, net::dynamic_buffer(response, 4096), "\r\n", [&](const error_code& ec, std::size_t n) {
            if (ec) {
              error = "no response: " + ec.message();
              return;
            }
            const std::string status_line = response.substr(0, n - 2);
            ok = status_line.rfind("HTTP/1.1 200 ", 0) == 0 || status_line.rfind("HTTP/1.0 200 ", 0) == 0;
            if (!ok) error = "unhealthy: " + status_line;
          });
    });
  });
  ioc.run_for(std::chrono::seconds(2));
  return ok ? Outcome::success() : Outcome::failure(std::move(error));
}

}  // namespace app
