#pragma once
// A client of the Lambda Runtime API (2018-06-01): synchronous Boost.Beast
// over one kept-alive connection, as Lambda's own runtimes do.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
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

  // Thread-safe (the signal thread): no more invocations; a next() waiting
  // now returns at once (its socket is shut down), later calls fail.
  void interrupt();
  bool interrupted() const;

 private:
  struct Reply {
    int status = 0;
    std::string body;
  };
  // One request and its reply; on a kept-alive connection the peer had
  // closed, reconnects and sends it once more. `inv`: next()'s headers go there.
  std::string exchange(const std::string& target, std::string_view body, std::string_view error_type, Reply& reply,
                       Invocation* inv);
  std::string exchange_once(const std::string& target, std::string_view body, std::string_view error_type, Reply& reply,
                            Invocation* inv);

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::endpoint api_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
  std::string host_;          // the Host header
  bool reused_ = false;       // the connection already carried a request
  mutable std::mutex mutex_;  // guards the two flags below
  bool waiting_ = false;      // blocked in next(): interrupt() shuts the socket down
  bool interrupted_ = false;
};

}  // namespace app::lambda
