// --healthcheck against a one-shot server on a loopback address other than
// 127.0.0.1, so the test shows which address it connects to.
#include "healthcheck.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <thread>

namespace app {
namespace {
namespace net = boost::asio;
using tcp = net::ip::tcp;

// Accepts one connection on 127.0.0.2 and answers it with `status_line`.
class OneShotServer {
 public:
  explicit OneShotServer(std::string status_line)
      : acceptor_(ioc_, tcp::endpoint(net::ip::make_address("127.0.0.2"), 0)),
        thread_([this, status_line = std::move(status_line)] {
          boost::system::error_code ec;
          tcp::socket s = acceptor_.accept(ec);
          if (ec) return;
          std::string request;
          net::read_until(s, net::dynamic_buffer(request), "\r\n\r\n", ec);
          net::write(s, net::buffer(status_line + "\r\nContent-Length: 0\r\n\r\n"), ec);
        }) {}
  ~OneShotServer() {
    boost::system::error_code ec;
    acceptor_.close(ec);  // ends a pending accept if the test never connected
    thread_.join();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

 private:
  net::io_context ioc_;
  tcp::acceptor acceptor_;
  std::thread thread_;
};

TEST(Healthcheck, ConnectsToHostAndAcceptsA200) {
  OneShotServer server("HTTP/1.1 200 OK");
  const auto r = healthcheck("127.0.0.2", server.port());
  EXPECT_TRUE(r.ok()) << r.error;
}

TEST(Healthcheck, Non200IsUnhealthy) {
  OneShotServer server("HTTP/1.1 503 Service Unavailable");
  const auto r = healthcheck("127.0.0.2", server.port());
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.error, "unhealthy: HTTP/1.1 503 Service Unavailable");
}

TEST(Healthcheck, WildcardHostMeansIpv4Loopback) {
  OneShotServer server("HTTP/1.1 200 OK");  // on 127.0.0.2: 127.0.0.1 refuses
  for (const char* host : {"0.0.0.0", "::"}) {
    const auto r = healthcheck(host, server.port());
    EXPECT_FALSE(r.ok()) << host;
    EXPECT_EQ(r.error.rfind("cannot connect to 127.0.0.1:" + std::to_string(server.port()) + ": ", 0), 0u) << r.error;
  }
  const auto r = healthcheck("127.0.0.2", server.port());
  EXPECT_TRUE(r.ok()) << r.error;  // lets the server thread finish
}

}  // namespace
}  // namespace app
