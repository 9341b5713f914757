#include "lambda_client.hpp"

#include <sys/socket.h>

#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>

#include "json.hpp"

namespace app::lambda {
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

namespace {
constexpr std::string_view kPrefix = "/2018-06-01/runtime/";
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

std::string RuntimeClient::next(Invocation& out) {
  {
    const std::lock_guard lock(mutex_);
    if (interrupted_) return "interrupted";
    waiting_ = true;
  }
  Reply reply;
  std::string error = exchange(std::string(kPrefix) + "invocation/next", {}, {}, reply, &out);
  {
    const std::lock_guard lock(mutex_);
    waiting_ = false;
    if (interrupted_) return "interrupted";
  }
  if (!error.empty()) return error;
  if (reply.status != 200) return "invocation/next answered " + std::to_string(reply.status) + ": " + reply.body;
  if (out.request_id.empty()) return "invocation/next gave no Lambda-Runtime-Aws-Request-Id";
  out.event = std::move(reply.body);
  return {};
}

std::string RuntimeClient::respond(std::string_view request_id, std::string_view payload) {
  Reply reply;
  const std::string target = std::string(kPrefix) + "invocation/" + std::string(request_id) + "/response";
  std::string error = exchange(target, payload, {}, reply, nullptr);
  if (error.empty() && reply.status != 202)
    error = "response answered " + std::to_string(reply.status) + ": " + reply.body;
  return error;
}

std::string RuntimeClient::report_error(std::string_view request_id, std::string_view type, std::string_view message) {
  std::string body;
  JsonObject(body).str("errorMessage", message).str("errorType", type).close();
  const std::string target = request_id.empty()
                                 ? std::string(kPrefix) + "init/error"
                                 : std::string(kPrefix) + "invocation/" + std::string(request_id) + "/error";
  Reply reply;
  std::string error = exchange(target, body, type, reply, nullptr);
  if (error.empty() && reply.status != 202) error = "error report answered " + std::to_string(reply.status);
  return error;
}

std::string RuntimeClient::exchange(const std::string& target, std::string_view body, std::string_view error_type,
                                    Reply& reply, Invocation* inv) {
  if (!socket_.is_open()) {
    if (auto error = connect(); !error.empty()) return error;
  }
  const bool was_reused = reused_;
  std::string error = exchange_once(target, body, error_type, reply, inv);
  if (!error.empty() && was_reused && !interrupted()) {
    // The API may close an idle kept-alive connection: one fresh attempt.
    if (error = connect(); error.empty()) error = exchange_once(target, body, error_type, reply, inv);
  }
  return error;
}

std::string RuntimeClient::exchange_once(const std::string& target, std::string_view body, std::string_view error_type,
                                         Reply& reply, Invocation* inv) {
  const bool get = inv != nullptr;
  http::request<http::string_body> req{get ? http::verb::get : http::verb::post, target, 11};
  req.set(http::field::host, host_);
  if (!get) {
    req.set(http::field::content_type, "application/json");
    if (!error_type.empty()) req.set("Lambda-Runtime-Function-Error-Type", error_type);
    req.body().assign(body);
    req.prepare_payload();
  }
  boost::system::error_code ec;
  reused_ = true;
  (void)http::write(socket_, req, ec);
  if (ec) return "sending " + target + ": " + ec.message();

  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxEventBytes);
  (void)http::read(socket_, buffer_, parser, ec);
  if (ec) {
    (void)socket_.close(ec);
    return "reading the reply to " + target + ": " + ec.message();
  }
  auto& res = parser.get();
  reply.status = static_cast<int>(res.result_int());
  if (inv != nullptr) {
    inv->request_id = res["Lambda-Runtime-Aws-Request-Id"];
    inv->trace_id = res["Lambda-Runtime-Trace-Id"];
    inv->function_arn = res["Lambda-Runtime-Invoked-Function-Arn"];
    const auto deadline = res["Lambda-Runtime-Deadline-Ms"];
    inv->deadline_ms = 0;
    (void)std::from_chars(deadline.data(), deadline.data() + deadline.size(), inv->deadline_ms);
  }
  reply.body = std::move(res.body());
  if (!res.keep_alive()) (void)socket_.close(ec);
  return {};
}

}  // namespace app::lambda
