#include "http1_codec.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <optional>

#include "access_log.hpp"
#include "head_check.hpp"
#include "request_id.hpp"
#include "response.hpp"

namespace app {
namespace http = boost::beast::http;
using boost::beast::error_code;
using std::string_view;
using bstring_view = boost::beast::string_view;

namespace {

// What we keep of a request head. Owned by the connection and reused, so a
// fresh parser per request costs no allocation once the strings have grown.
struct RequestHead {
  std::string method, target, request_id_header, forwarded_for, user_agent, amzn_trace_id, traceparent;
  int version = 11;
  int hosts = 0;  // Host fields seen
  bool has_content_length = false;
  bool has_transfer_encoding = false;
  bool unknown_coding = false;   // a transfer coding other than chunked
  bool expect_continue = false;  // Expect: 100-continue
  bool keep_alive = true;        // from the head only: trailers cannot change it
  bool parsed = false;           // the start line was parsed

  void clear() {
    method.clear();
    target.clear();
    request_id_header.clear();
    forwarded_for.clear();
    user_agent.clear();
    amzn_trace_id.clear();
    traceparent.clear();
    version = 11;
    hosts = 0;
    has_content_length = has_transfer_encoding = unknown_coding = expect_continue = parsed = false;
    keep_alive = true;
  }
};

// Our own error for a transfer coding we do not implement (501): Beast's
// codes all mean a malformed message (400).
const boost::system::error_code kUnknownCoding =
    boost::system::errc::make_error_code(boost::system::errc::function_not_supported);

// True if a Transfer-Encoding value lists a coding other than chunked
// (parameters and OWS ignored, names case-insensitive; RFC 9112 6.1).
bool has_unknown_coding(bstring_view value) {
  while (!value.empty()) {
    const auto comma = value.find(',');
    auto item = value.substr(0, comma);
    item = item.substr(0, item.find(';'));
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (!item.empty() && !boost::beast::iequals(item, "chunked")) return true;
    if (comma == bstring_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

// Beast's HTTP parser with callbacks that keep only what we use and discard
// bodies as they stream through (no endpoint reads a body).
class RequestParser final : public http::basic_parser<true> {
 public:
  explicit RequestParser(RequestHead& head) : head_(head) {}

 private:
  void on_request_impl(http::verb, bstring_view method, bstring_view target, int version, error_code&) override {
    head_.method.assign(method);
    head_.target.assign(target);
    head_.version = version;
    head_.parsed = true;
  }
  void on_response_impl(int, bstring_view, int, error_code&) override {}
  void on_field_impl(http::field f, bstring_view name, bstring_view value, error_code&) override {
    // Chunked trailer fields arrive here too: they never touch the head's state.
    if (is_header_done()) return;
    if (f == http::field::content_length) {
      head_.has_content_length = true;
    } else if (f == http::field::transfer_encoding) {
      head_.has_transfer_encoding = true;
      head_.unknown_coding = head_.unknown_coding || has_unknown_coding(value);
    } else if (f == http::field::host) {
      ++head_.hosts;
    } else if (f == http::field::expect) {
      head_.expect_continue = boost::beast::iequals(value, "100-continue");
    } else if (f == http::field::user_agent) {
      head_.user_agent.assign(value);
    } else if (f == http::field::unknown) {
      if (boost::beast::iequals(name, "x-request-id")) {
        head_.request_id_header.assign(value);
      } else if (boost::beast::iequals(name, "x-forwarded-for")) {
        head_.forwarded_for.assign(value);  // the last header holds the right-most hop
      } else if (boost::beast::iequals(name, "x-amzn-trace-id")) {
        head_.amzn_trace_id.assign(value);
      } else if (boost::beast::iequals(name, "traceparent")) {
        head_.traceparent.assign(value);
      }
    }
  }
  void on_header_impl(error_code& ec) override {
    head_.keep_alive = keep_alive();
    if (head_.has_transfer_encoding) {
      // Request smuggling: Content-Length with Transfer-Encoding in any
      // order, or Transfer-Encoding in HTTP/1.0 (RFC 9112 6.1, 6.3): 400.
      // A coding we do not implement: 501 (RFC 9112 6.1). Chunked not
      // final (only "chunked, chunked" is left by then): 400.
      if (head_.has_content_length || head_.version < 11) {
        ec = http::error::bad_transfer_encoding;
      } else if (head_.unknown_coding) {
        ec = kUnknownCoding;
      } else if (!chunked()) {
        ec = http::error::bad_transfer_encoding;
      }
    }
    // Exactly one Host in HTTP/1.1, at most one in 1.0 (RFC 9112 3.2).
    if (!ec && (head_.hosts > 1 || (head_.hosts == 0 && head_.version >= 11))) ec = http::error::bad_field;
  }
  void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}
  std::size_t on_body_impl(bstring_view body, error_code&) override { return body.size(); }
  void on_chunk_header_impl(std::uint64_t, bstring_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, bstring_view body, error_code&) override { return body.size(); }
  void on_finish_impl(error_code&) override {}

  RequestHead& head_;
};

int status_for(const error_code& ec) {
  if (ec == kUnknownCoding) return 501;
  if (ec == http::error::header_limit) return 431;
  if (ec == http::error::body_limit) return 413;
  return 400;
}

// The client for the access log: the right-most X-Forwarded-For address (the
// one the load balancer appended) if it is an IP address, else the peer.
string_view client_address(string_view xff, string_view peer) {
  const auto comma = xff.rfind(',');
  string_view last = comma == string_view::npos ? xff : xff.substr(comma + 1);
  while (!last.empty() && (last.front() == ' ' || last.front() == '\t')) last.remove_prefix(1);
  while (!last.empty() && (last.back() == ' ' || last.back() == '\t')) last.remove_suffix(1);
  if (last.empty() || last.size() > 45) return peer;  // 45: the longest IPv6 text form
  boost::system::error_code ec;
  (void)boost::asio::ip::make_address(last, ec);
  return ec ? peer : last;
}

}  // namespace

void give_back_large(std::string& buf) {
  if (buf.capacity() > Http1Codec::kRetainBytes) std::string().swap(buf);
}

struct Http1Codec::Impl {
  explicit Impl(std::size_t max_input) : input(max_input) {}
  // The request's ids from its head: sanitised, the request id generated if absent.
  void identify() {
    request_id_for(head.request_id_header, request_id);
    trace_id_for(head.amzn_trace_id, head.traceparent, trace_id);
  }
  boost::beast::flat_buffer input;
  RequestHead head;
  std::optional<RequestParser> parser;
  std::string request_id, trace_id;  // sanitised, for this request
  Response response;
  std::string log_lines;          // access log lines of one process() call, written at once
  std::size_t head_scanned = 0;   // check_head's resume point for this request
  bool continue_handled = false;  // Expect: 100-continue answered for this request
};

Http1Codec::Http1Codec(const Config& config, AppState& state, const Logger& log, std::string peer, Surface surface)
    : config_(config),
      state_(state),
      log_(log),
      peer_(std::move(peer)),
      surface_(surface),
      // Room for a whole header section plus a read's worth of pipelined bytes;
      // the parser reports 431 before the buffer can fill with one header.
      impl_(std::make_unique<Impl>(std::size_t{config.max_header_bytes} + 8192)) {}

Http1Codec::~Http1Codec() {
  const auto unanswered = queued_ + (impl_->parser ? 1 : 0);
  if (unanswered > 0) state_.metrics.in_flight_add(-static_cast<std::int64_t>(unanswered));
}

boost::asio::mutable_buffer Http1Codec::read_buffer() {
  auto& in = impl_->input;
  if (in.size() == 0 && in.capacity() > kRetainBytes) in.shrink_to_fit();  // grown for one large head
  const std::size_t room = in.max_size() - in.size();
  if (room == 0) return {};
  // Read into spare capacity if there is some, else grow by 4 KiB.
  const std::size_t spare = in.capacity() - in.size();
  return in.prepare(std::min(room, spare >= 1024 ? spare : std::size_t{4096}));
}

void Http1Codec::commit(std::size_t n) { impl_->input.commit(n); }

void Http1Codec::discard_input() { impl_->input.consume(impl_->input.size()); }

bool Http1Codec::request_started() const { return impl_->parser.has_value(); }

void Http1Codec::written(std::size_t responses, std::size_t bytes) {
  const std::size_t n = std::min(responses, queued_);  // the gauge moves with queued_, never below it
  queued_ -= n;
  queued_bytes_ -= std::min(bytes, queued_bytes_);
  state_.metrics.in_flight_add(-static_cast<std::int64_t>(n));
}

void Http1Codec::start_request(Clock::time_point now) {
  auto& im = *impl_;
  im.head.clear();
  im.parser.emplace(im.head);
  im.parser->header_limit(config_.max_header_bytes);
  im.parser->body_limit(config_.max_body_bytes);
  im.parser->eager(true);
  im.head_scanned = 0;
  im.continue_handled = false;
  request_start_ = now;
  state_.metrics.in_flight_add(1);
}

Http1Codec::Step Http1Codec::process(std::string& out, Clock::time_point now) {
  auto& im = *impl_;
  Step step{Next::read, 0};
  im.log_lines.clear();
  while (true) {
    if (closing_) {
      step.next = Next::close;
      break;
    }
    if (queued_bytes_ >= kMaxQueuedBytes) {
      step.next = Next::wait;
      break;
    }
    if (im.input.size() == 0) break;  // need more bytes
    if (!im.parser) start_request(now);
    if (!im.parser->is_header_done()) {
      const auto bytes = im.input.data();
      const HeadCheck hc =
          check_head({static_cast<const char*>(bytes.data()), bytes.size()}, config_.max_header_bytes, im.head_scanned);
      im.input.consume(hc.empty_lines);
      im.head_scanned = hc.scanned - hc.empty_lines;
      if (hc.status != 0) {
        respond_error(out, hc.status, now);
        ++step.responses;
        continue;
      }
      if (!hc.complete) break;  // wait for more bytes
    }
    error_code ec;
    const std::size_t used = im.parser->put(im.input.data(), ec);
    im.input.consume(used);
    if (ec == http::error::need_more) {
      if (im.input.size() < im.input.max_size()) break;  // wait for more bytes
      // Full buffer, still incomplete: the parser flags oversized header
      // sections itself, so this is an endless chunk header (or similar).
      ec = im.parser->is_header_done() ? http::error::bad_chunk : http::error::header_limit;
    }
    if (ec) {
      respond_error(out, status_for(ec), now);
      ++step.responses;
      continue;
    }
    if (!im.parser->is_done()) {
      if (im.parser->is_header_done() && im.head.expect_continue && !im.continue_handled) {
        // RFC 9110 10.1.1: answer at once, so the client sends its body (100)
        // or learns the final status without sending it (then close: the
        // body may still come, and is discarded while lingering).
        im.continue_handled = true;
        route_request();
        if (im.response.status >= 300) {
          send_response(out, true);
          ++step.responses;
          continue;
        }
        if (im.head.version >= 11) {
          constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
          out += kContinue;
          queued_bytes_ += kContinue.size();
        }
      }
      if (used == 0) break;  // cannot happen with eager parsing; never spin
      continue;
    }
    const bool close = !im.head.keep_alive || state_.draining.load(std::memory_order_relaxed);
    if (!im.continue_handled) route_request();
    send_response(out, close);
    ++step.responses;
  }
  if (!im.log_lines.empty()) log_.write_raw(im.log_lines);
  give_back_large(im.log_lines);
  return step;
}

bool Http1Codec::timeout(std::string& out, Clock::time_point now) {
  if (!impl_->parser || closing_) return false;
  respond_error(out, 408, now);
  if (!impl_->log_lines.empty()) log_.write_raw(impl_->log_lines);
  impl_->log_lines.clear();
  return true;
}

void Http1Codec::route_request() {
  auto& im = *impl_;
  im.identify();
  Request req;
  req.method = im.head.method;
  req.target = im.head.target;
  req.request_id = im.request_id;
  req.trace_id = im.trace_id;
  req.surface = surface_;
  route(req, state_, im.response);
}

void Http1Codec::send_response(std::string& out, bool close) {
  auto& im = *impl_;
  ResponseMeta meta;
  meta.request_id = im.request_id;
  meta.head = im.head.method == "HEAD";
  meta.close = close;
  meta.keep_alive_10 = !close && im.head.version == 10;
  const std::size_t before = out.size();
  serialize(im.response, meta, out);
  queued_bytes_ += out.size() - before;
  closing_ = close;
  finish_request();
}

void Http1Codec::respond_error(std::string& out, int status, Clock::time_point now) {
  auto& im = *impl_;
  if (!im.parser) start_request(now);  // an error without a request still counts as one
  im.identify();
  error_response(status, im.request_id, im.response);
  im.response.allow_get_head = false;
  im.response.route = Route::unmatched;
  ResponseMeta meta;
  meta.request_id = im.request_id;
  meta.head = im.head.method == "HEAD";
  meta.close = true;
  const std::size_t before = out.size();
  serialize(im.response, meta, out);
  queued_bytes_ += out.size() - before;
  closing_ = true;
  finish_request();
}

// Records the answered request in metrics and (if on) the access log, and
// ends the request: the parser is dropped, the response is queued.
void Http1Codec::finish_request() {
  auto& im = *impl_;
  const auto elapsed = Clock::now() - request_start_;
  state_.metrics.observe(method_index(im.head.method), im.response.route, im.response.status, elapsed);
  ++queued_;
  im.parser.reset();
  give_back_large(im.response.body);
  if (!config_.access_log || !log_.enabled(Level::info)) return;
  AccessRecord rec;
  rec.method = im.head.method;
  rec.route = route_name(im.response.route);
  rec.path = im.head.target;
  rec.status = im.response.status;
  rec.duration = elapsed;
  rec.bytes = im.head.method == "HEAD" ? 0 : static_cast<std::int64_t>(im.response.body.size());
  rec.request_id = im.request_id;
  rec.trace_id = im.trace_id;
  rec.client = client_address(im.head.forwarded_for, peer_);
  rec.peer = peer_;
  rec.user_agent = im.head.user_agent;
  append_access_line(im.log_lines, rec);
}

}  // namespace app
