#include "connection.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <cassert>
#include <vector>

#include "request_id.hpp"
#include "response.hpp"

namespace app {
namespace net = boost::asio;
using tcp = net::ip::tcp;
using boost::system::error_code;

namespace {

// How long to keep reading (and discarding) after our last response, so
// unread request bytes do not turn our close into a reset that destroys the
// response before the client reads it (e.g. a 413 while the body streams in).
constexpr auto kLinger = std::chrono::seconds(2);

std::string peer_address(const tcp::socket& s) {
  error_code ec;
  const auto ep = s.remote_endpoint(ec);
  if (ec) return "unknown";
  auto addr = ep.address();
  if (addr.is_v6() && addr.to_v6().is_v4_mapped()) addr = net::ip::make_address_v4(net::ip::v4_mapped, addr.to_v6());
  return addr.to_string();
}

}  // namespace

// ---- ConnectionSet ----

std::size_t ConnectionSet::size() const {
  std::lock_guard lock(mutex_);
  return connections_.size();
}

bool ConnectionSet::try_add(const std::shared_ptr<Connection>& c, std::size_t limit) {
  std::lock_guard lock(mutex_);
  if (connections_.size() >= limit) return false;
  connections_.emplace(c.get(), c);
  return true;
}

void ConnectionSet::remove(Connection* c) {
  std::function<void()> f;
  {
    std::lock_guard lock(mutex_);
    if (connections_.erase(c) == 0) return;
    if (connections_.empty()) f = std::move(on_empty_);
    if (f) on_empty_ = nullptr;
  }
  if (f) f();
}

void ConnectionSet::drain_all() {
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(mutex_);
    live.reserve(connections_.size());
    for (const auto& [raw, weak] : connections_) {
      if (auto p = weak.lock()) live.push_back(std::move(p));  // skips connections being destroyed
    }
  }
  for (auto& c : live) c->drain();
}

void ConnectionSet::when_empty(std::function<void()> f) {
  {
    std::lock_guard lock(mutex_);
    if (!connections_.empty()) {
      on_empty_ = std::move(f);
      return;
    }
  }
  f();
}

void ConnectionSet::forget_when_empty() {
  std::lock_guard lock(mutex_);
  on_empty_ = nullptr;
}

// ---- Connection ----

// Checks the invariants when a handler returns, whichever way it returns.
struct Connection::CheckOnExit {
  const Connection& c;
  ~CheckOnExit() { c.check_invariants(); }
};

Connection::Connection(tcp::socket socket, const Config& config, AppState& state, const Logger& log, ConnectionSet& set,
                       Surface surface)
    : socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      config_(config),
      state_(state),
      set_(set),
      codec_(config, state, log, peer_address(socket_), surface),
      step_(std::min(config.request_timeout, config.idle_timeout)) {
  state_.metrics.connections_add(1);
}

Connection::~Connection() {
  state_.metrics.connections_add(-1);
  set_.remove(this);
}

void Connection::start() {
  net::dispatch(socket_.get_executor(), [self = shared_from_this()] {
    const CheckOnExit check{*self};
    error_code ec;
    self->socket_.set_option(tcp::no_delay(true), ec);
    const auto now = Clock::now();
    self->draining_ = self->state_.draining.load();
    self->update_deadline(now);
    self->arm_timer(now);
    self->do_read();
  });
}

void Connection::reject() {
  net::dispatch(socket_.get_executor(), [self = shared_from_this()] {
    const CheckOnExit check{*self};
    Response res;
    std::string id;
    generate_request_id(id);
    error_response(503, id, res);
    ResponseMeta meta;
    meta.request_id = id;
    meta.close = true;
    serialize(res, meta, self->out_);
    self->phase_ = Phase::closing;
    const auto now = Clock::now();
    self->flush(now);
    self->update_deadline(now);
    self->arm_timer(now);
  });
}

void Connection::drain() {
  net::post(socket_.get_executor(), [self = shared_from_this()] { self->on_drain(); });
}

void Connection::on_drain() {
  const CheckOnExit check{*this};
  draining_ = true;
  if (phase_ != Phase::open) return;
  // Idle (waiting for a next request): close now. Otherwise the current
  // request finishes and its response carries "Connection: close".
  if (!codec_.request_started() && !writing_ && out_.empty() && !paused_) close_now();
}

void Connection::do_read() {
  if (reading_ || phase_ == Phase::closed) return;
  const auto buf = codec_.read_buffer();
  if (buf.size() == 0) return;  // full: process() answers before this can happen
  reading_ = true;
  socket_.async_read_some(buf,
                          [self = shared_from_this()](const error_code& ec, std::size_t n) { self->on_read(ec, n); });
}

void Connection::on_read(const error_code& ec, std::size_t n) {
  const CheckOnExit check{*this};
  reading_ = false;
  if (phase_ == Phase::closed || ec == net::error::operation_aborted) return;
  if (phase_ == Phase::lingering) {
    if (ec) return close_now();
    codec_.commit(n);
    codec_.discard_input();
    return do_read();
  }
  if (ec) {
    if (ec != net::error::eof) return close_now();
    // The client sent everything it will send; answer what is complete, then
    // close.
    peer_eof_ = true;
    phase_ = Phase::closing;
    if (!writing_ && out_.empty()) close_now();
    return;
  }
  codec_.commit(n);
  pump();
}

void Connection::pump() {
  const auto now = Clock::now();
  const auto step = codec_.process(out_, now);
  out_count_ += step.responses;
  answered_ = answered_ || step.responses > 0;
  flush(now);
  switch (step.next) {
    case Http1Codec::Next::read:
      if (draining_ && !codec_.request_started() && !writing_) {
        finish();
        return;
      }
      do_read();
      break;
    case Http1Codec::Next::wait: paused_ = true; break;
    case Http1Codec::Next::close:
      phase_ = Phase::closing;
      if (!writing_) finish();
      return;
  }
  update_deadline(now);
}

void Connection::flush(Clock::time_point now) {
  if (writing_ || out_.empty() || phase_ == Phase::closed) return;
  write_buf_.swap(out_);
  out_.clear();
  give_back_large(out_);
  writing_count_ = out_count_;
  out_count_ = 0;
  writing_ = true;
  write_start_ = now;
  net::async_write(socket_, net::buffer(write_buf_),
                   [self = shared_from_this()](const error_code& ec, std::size_t n) { self->on_write(ec, n); });
}

void Connection::on_write(const error_code& ec, std::size_t) {
  const CheckOnExit check{*this};
  writing_ = false;
  if (phase_ == Phase::closed) return;
  if (ec) return close_now();
  codec_.written(writing_count_, write_buf_.size());
  writing_count_ = 0;
  write_buf_.clear();
  give_back_large(write_buf_);
  const auto now = Clock::now();
  if (!out_.empty()) {
    flush(now);
  } else if (paused_) {
    return wait_writable(now);
  } else if (phase_ == Phase::closing || (draining_ && !codec_.request_started())) {
    return finish();
  }
  update_deadline(now);
}

// Answering stopped at the output bound and all of it is written: answer
// the next request only once the kernel has room again. A client that stopped
// reading then holds none of our responses in memory (the kernel's send
// buffer holds what it took), instead of one more response each.
void Connection::wait_writable(Clock::time_point now) {
  waiting_writable_ = true;
  write_start_ = now;  // not reading our answers counts as a slow write
  update_deadline(now);
  socket_.async_wait(tcp::socket::wait_write,
                     [self = shared_from_this()](const error_code& ec) { self->on_writable(ec); });
}

void Connection::on_writable(const error_code& ec) {
  const CheckOnExit check{*this};
  waiting_writable_ = false;
  if (phase_ == Phase::closed || ec == net::error::operation_aborted) return;
  if (ec) return close_now();
  paused_ = false;
  pump();
}

void Connection::finish() {
  if (phase_ == Phase::lingering || phase_ == Phase::closed) return;
  if (peer_eof_) return close_now();
  error_code ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);
  if (ec) return close_now();
  phase_ = Phase::lingering;
  codec_.discard_input();
  const auto now = Clock::now();
  deadline_ = now + std::min<Clock::duration>(kLinger, config_.request_timeout);
  arm_timer(now);  // the linger deadline may be sooner than the pending wake-up
  do_read();
}

void Connection::close_now() {
  if (phase_ == Phase::closed) return;
  phase_ = Phase::closed;
  error_code ec;
  socket_.close(ec);
  timer_.cancel();
}

// Deadlines: while a request is being received, REQUEST_TIMEOUT from its
// first byte; while a response is being written, REQUEST_TIMEOUT from the
// write; otherwise IDLE_TIMEOUT from now between requests, but
// REQUEST_TIMEOUT before the first one (as nginx's client_header_timeout:
// silent connections must not hold MAX_CONNECTIONS slots for IDLE_TIMEOUT)
// and during a drain (a connection accepted just before the listener closed
// gets that long to send its request, not the whole drain).
void Connection::update_deadline(Clock::time_point now) {
  if (phase_ == Phase::lingering || phase_ == Phase::closed) return;
  if (codec_.request_started()) {
    deadline_ = codec_.request_start() + config_.request_timeout;
  } else if (writing_ || waiting_writable_) {
    deadline_ = write_start_ + config_.request_timeout;
  } else {
    const bool idle_allowed = answered_ && !draining_;
    deadline_ = now + (idle_allowed ? config_.idle_timeout : config_.request_timeout);
  }
}

// The timer is not re-armed per request (that would cost a cancel and a
// wake-up per request): it wakes at the deadline or after `step_`, whichever
// is first. Deadlines set later are never earlier than that wake-up, because
// each is at least `step_` after the moment it is set.
void Connection::arm_timer(Clock::time_point now) {
  timer_.expires_at(std::min(deadline_, now + step_));
  timer_.async_wait([self = shared_from_this()](const error_code& ec) { self->on_timer(ec); });
}

void Connection::on_timer(const error_code& ec) {
  const CheckOnExit check{*this};
  if (phase_ == Phase::closed || ec == net::error::operation_aborted) return;
  const auto now = Clock::now();
  if (now < deadline_) return arm_timer(now);
  // Lingered enough, or the client does not read what we write.
  if (phase_ == Phase::lingering || writing_ || waiting_writable_) return close_now();
  if (codec_.request_started() && phase_ == Phase::open) {
    // Slow client: answer 408, then close.
    error_code ignored;
    socket_.cancel(ignored);  // stop the pending read
    if (codec_.timeout(out_, now)) ++out_count_;
    phase_ = Phase::closing;
    flush(now);
    update_deadline(now);
    return arm_timer(now);
  }
  close_now();  // idle keep-alive connection
}

// What holds between handlers. Once closed, only queued handlers run, and
// they only return: the rest need not hold (a write that failed leaves its
// buffer and counts behind).
void Connection::check_invariants() const {
  assert((phase_ == Phase::closed) == !socket_.is_open());
  if (phase_ == Phase::closed) return;
  // Output is flushed whenever no write is pending, so it waits in out_ only
  // behind a write. out_ may hold a 100 Continue that is no response, so an
  // empty count does not mean an empty out_.
  assert(writing_ == !write_buf_.empty());
  assert(writing_ || (out_.empty() && writing_count_ == 0));
  assert(out_count_ == 0 || !out_.empty());
  // The codec counts the same unwritten responses, and never more bytes than
  // we hold: otherwise its output bound would never clear and we would hang.
  assert(codec_.queued() == out_count_ + writing_count_);
  assert(codec_.queued_bytes() <= out_.size() + write_buf_.size());
  // Paused at the output bound: no read until the output is written and the
  // kernel has room again; a pending write or wait for room is what resumes
  // it (without one the connection would hang).
  assert(!paused_ || !reading_);
  assert(!paused_ || writing_ || waiting_writable_);
  assert(!waiting_writable_ || (paused_ && !writing_));
  // A half-closed client is answered, then closed without lingering.
  assert(!peer_eof_ || phase_ == Phase::closing);
  // Lingering comes after the last write: nothing is sent from then on.
  assert(phase_ != Phase::lingering || (!writing_ && !paused_ && !waiting_writable_));
}

}  // namespace app
