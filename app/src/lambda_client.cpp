#include "lambda_client.hpp"

#include <sys/socket.h>

#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>

#include "json.hpp"

namespace app::lambda {
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

namespace {
constexpr std::string_view kPrefix = "/2018-06-01/runtime/";
constexpr std::string_view kExtensionPrefix = "/2020-01-01/extension/";
}  // namespace

RuntimeClient::RuntimeClient(const tcp::endpoint& api) : api_(api), socket_(ioc_) {
  host_ = api.address().is_v6() ? "[" + api.address().to_string() + "]" : api.address().to_string();
  host_ += ':' + std::to_string(api.port());
}

std::string RuntimeClient::connect() {
  boost::system::error_code ec;
  if (socket_.is_open()) (void)socket_.close(ec);
  buffer_.clear();
  reused_ = false;
  (void)socket_.connect(api_, ec);
  if (ec) return "cannot connect to the Runtime API at " + host_ + ": " + ec.message();
  (void)socket_.set_option(tcp::no_delay(true), ec);  // small requests: never wait for Nagle
  return {};
}

void RuntimeClient::interrupt() {
  const std::lock_guard lock(mutex_);
  interrupted_ = true;
  // shutdown(2) on the descriptor is safe while the loop's thread blocks in
  // read(2) on it; the socket object itself is left to that thread.
  if (waiting_) (void)::shutdown(socket_.native_handle(), SHUT_RDWR);
}

bool RuntimeClient::interrupted() const {
  const std::lock_guard lock(mutex_);
  return interrupted_;
}

RuntimeClient::Request RuntimeClient::make_request(http::verb verb, std::string_view target) const {
  Request req{verb, target, 11};
  req.set(http::field::host, host_);
  return req;
}

std::string RuntimeClient::long_poll(Request& req, Reply& reply) {
  {
    const std::lock_guard lock(mutex_);
    if (interrupted_) return "interrupted";
    waiting_ = true;
  }
  std::string error = exchange(req, reply);
  const std::lock_guard lock(mutex_);
  waiting_ = false;
  return interrupted_ ? "interrupted" : error;
}

std::string RuntimeClient::next(Invocation& out) {
  Request req = make_request(http::verb::get, std::string(kPrefix) + "invocation/next");
  Reply reply;
  if (std::string error = long_poll(req, reply); !error.empty()) return error;
  if (reply.result_int() != 200) {
    return "invocation/next answered " + std::to_string(reply.result_int()) + ": " + reply.body();
  }
  out.request_id = reply["Lambda-Runtime-Aws-Request-Id"];
  if (out.request_id.empty()) return "invocation/next gave no Lambda-Runtime-Aws-Request-Id";
  out.trace_id = reply["Lambda-Runtime-Trace-Id"];
  out.function_arn = reply["Lambda-Runtime-Invoked-Function-Arn"];
  const auto deadline = reply["Lambda-Runtime-Deadline-Ms"];
  out.deadline_ms = 0;
  (void)std::from_chars(deadline.data(), deadline.data() + deadline.size(), out.deadline_ms);
  out.event = std::move(reply.body());
  return {};
}

std::string RuntimeClient::respond(std::string_view request_id, std::string_view payload) {
  Request req =
      make_request(http::verb::post, std::string(kPrefix) + "invocation/" + std::string(request_id) + "/response");
  req.set(http::field::content_type, "application/json");
  req.body().assign(payload);
  Reply reply;
  std::string error = exchange(req, reply);
  if (error.empty() && reply.result_int() != 202) {
    error = "response answered " + std::to_string(reply.result_int()) + ": " + reply.body();
  }
  return error;
}

std::string RuntimeClient::report_error(std::string_view request_id, std::string_view type, std::string_view message) {
  Request req = make_request(
      http::verb::post, request_id.empty() ? std::string(kPrefix) + "init/error"
                                           : std::string(kPrefix) + "invocation/" + std::string(request_id) + "/error");
  req.set(http::field::content_type, "application/json");
  req.set("Lambda-Runtime-Function-Error-Type", type);
  JsonObject(req.body()).str("errorMessage", message).str("errorType", type).close();
  Reply reply;
  std::string error = exchange(req, reply);
  if (error.empty() && reply.result_int() != 202) error = "error report answered " + std::to_string(reply.result_int());
  return error;
}

std::string RuntimeClient::register_extension(std::string_view name, std::string& id) {
  Request req = make_request(http::verb::post, std::string(kExtensionPrefix) + "register");
  req.set("Lambda-Extension-Name", name);
  req.set(http::field::content_type, "application/json");
  req.body() = R"({"events":[]})";
  Reply reply;
  if (std::string error = exchange(req, reply); !error.empty()) return error;
  if (reply.result_int() != 200) {
    return "extension/register answered " + std::to_string(reply.result_int()) + ": " + reply.body();
  }
  id = reply["Lambda-Extension-Identifier"];
  if (id.empty()) return "extension/register gave no Lambda-Extension-Identifier";
  return {};
}

std::string RuntimeClient::extension_next(std::string_view id) {
  Request req = make_request(http::verb::get, std::string(kExtensionPrefix) + "event/next");
  req.set("Lambda-Extension-Identifier", id);
  Reply reply;
  if (std::string error = long_poll(req, reply); !error.empty()) return error;
  if (reply.result_int() != 200) {
    return "extension/event/next answered " + std::to_string(reply.result_int()) + ": " + reply.body();
  }
  return {};
}

std::string RuntimeClient::exchange(Request& req, Reply& reply) {
  if (!socket_.is_open()) {
    if (auto error = connect(); !error.empty()) return error;
  }
  const bool was_reused = reused_;
  std::string error = exchange_once(req, reply);
  if (!error.empty() && was_reused && !interrupted()) {
    // The API may close an idle kept-alive connection: one fresh attempt.
    if (error = connect(); error.empty()) error = exchange_once(req, reply);
  }
  return error;
}

std::string RuntimeClient::exchange_once(Request& req, Reply& reply) {
  if (req.method() != http::verb::get) req.prepare_payload();
  boost::system::error_code ec;
  reused_ = true;
  (void)http::write(socket_, req, ec);
  if (ec) return "sending " + std::string(req.target()) + ": " + ec.message();

  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxEventBytes);
  (void)http::read(socket_, buffer_, parser, ec);
  if (ec) {
    (void)socket_.close(ec);
    return "reading the reply to " + std::string(req.target()) + ": " + ec.message();
  }
  reply = parser.release();
  if (!reply.keep_alive()) (void)socket_.close(ec);
  return {};
}

}  // namespace app::lambda
