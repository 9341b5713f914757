#pragma once
// A client of the Lambda Runtime API (2018-06-01) and of the Extensions API
// (2020-01-01) at the same address: synchronous Boost.Beast over one
// kept-alive connection, as Lambda's own runtimes do. A call that blocks
// (next, extension_next) holds the connection: a second client, a second one.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace app::lambda {

// One invocation, from GET /runtime/invocation/next.
struct Invocation {
  std::string request_id;        // Lambda-Runtime-Aws-Request-Id
  std::string trace_id;          // Lambda-Runtime-Trace-Id (X-Ray), may be empty
  std::string function_arn;      // Lambda-Runtime-Invoked-Function-Arn
  std::int64_t deadline_ms = 0;  // Lambda-Runtime-Deadline-Ms: Unix time in ms
  std::string event;             // the payload
};

class RuntimeClient {
 public:
  // Invocation payloads are at most 6 MB (Lambda's synchronous limit); beyond this, an error.
  static constexpr std::uint64_t kMaxEventBytes = std::uint64_t{8} * 1024 * 1024;

  explicit RuntimeClient(const boost::asio::ip::tcp::endpoint& api);
  RuntimeClient(const RuntimeClient&) = delete;
  RuntimeClient& operator=(const RuntimeClient&) = delete;

  // Each returns an empty string on success, else what went wrong.
  std::string connect();
  std::string next(Invocation& out);  // waits (as long as it takes) for the next invocation
  std::string respond(std::string_view request_id, std::string_view payload);
  // invocation/{id}/error, or init/error when request_id is empty: a JSON
  // {errorMessage, errorType} body and the Lambda-Runtime-Function-Error-Type header.
  std::string report_error(std::string_view request_id, std::string_view type, std::string_view message);

  // Extensions API: POST extension/register as `name` for no events (an
  // internal extension may not take SHUTDOWN); `id` gets the answer's
  // Lambda-Extension-Identifier. Only before the runtime's first next().
  std::string register_extension(std::string_view name, std::string& id);
  // GET extension/event/next as extension `id`: waits (for ever, with no
  // events subscribed) until an event, an error or interrupt().
  std::string extension_next(std::string_view id);

  // Thread-safe (the signal thread): no more calls; a next() or
  // extension_next() waiting now returns at once (its socket is shut down),
  // later calls fail.
  void interrupt();
  bool interrupted() const;

 private:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Reply = boost::beast::http::response<boost::beast::http::string_body>;
  Request make_request(boost::beast::http::verb verb, std::string_view target) const;  // Beast copies target
  // A call that may wait as long as Lambda likes: interrupt() can end it.
  std::string long_poll(Request& req, Reply& reply);
  // One request and its reply; on a kept-alive connection the peer had
  // closed, reconnects and sends it once more.
  std::string exchange(Request& req, Reply& reply);
  std::string exchange_once(Request& req, Reply& reply);

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::endpoint api_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
  std::string host_;          // the Host header
  bool reused_ = false;       // the connection already carried a request
  mutable std::mutex mutex_;  // guards the two flags below
  bool waiting_ = false;      // blocked in a long poll: interrupt() shuts the socket down
  bool interrupted_ = false;
};

}  // namespace app::lambda
