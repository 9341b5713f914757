#pragma once
// One TCP connection: moves bytes between the socket and its Http1Codec,
// owns the connection's deadline timer, and closes gracefully. All of a
// connection's handlers run on the socket's executor: the event loop that
// accepted it, run by one thread (see run_server), so they never run
// concurrently and need no strand.
//
// Two departures from Beast's example servers, both deliberate:
// - bytes are read with async_read_some and parsed by Http1Codec (Beast's
//   parser fed from a buffer), so one read answers every pipelined request
//   it holds, and the fuzz target drives exactly the same parsing code;
// - deadlines use our own timer instead of tcp_stream::expires_after, whose
//   expiry closes the socket: a slow client must still get its 408.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "http1_codec.hpp"

namespace app {

class Connection;

// The served connections, so a drain can reach each of them and know when
// all are gone, and MAX_CONNECTIONS can be kept. Connections are added once
// fully constructed (their shared_ptr exists), so drain_all on loop 0 never
// reads a half-built one; rejected connections are never added. Shared by
// all loops: its mutex is taken at accept and close only, never per request.
class ConnectionSet {
 public:
  std::size_t size() const;
  // Adds `c` if fewer than `limit` connections are live; false means over the limit.
  [[nodiscard]] bool try_add(const std::shared_ptr<Connection>& c, std::size_t limit);
  void remove(Connection* c);  // from ~Connection; a connection never added is ignored
  void drain_all();            // each connection closes after its current response
  // Calls `f` once, as soon as no connection is left (at once if none is).
  void when_empty(std::function<void()> f);
  void forget_when_empty();

 private:
  mutable std::mutex mutex_;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections_;
  std::function<void()> on_empty_;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Clock = Http1Codec::Clock;

  Connection(boost::asio::ip::tcp::socket socket, const Config& config, AppState& state, const Logger& log,
             ConnectionSet& set, Surface surface);
  ~Connection();

  void start();
  void reject();  // over MAX_CONNECTIONS: 503 then close
  // Thread-safe (posts to the connection's loop): close after the current response.
  void drain();

 private:
  void do_read();
  void on_read(const boost::system::error_code& ec, std::size_t n);
  void pump();
  void flush(Clock::time_point now);
  void on_write(const boost::system::error_code& ec, std::size_t n);
  void wait_writable(Clock::time_point now);
  void on_writable(const boost::system::error_code& ec);
  void on_timer(const boost::system::error_code& ec);
  void arm_timer(Clock::time_point now);
  void update_deadline(Clock::time_point now);
  void on_drain();
  void finish();  // after the last response: half-close, then linger briefly
  void close_now();
  // Asserts what must hold between handlers (assert(): the debug and
  // sanitizer builds); every handler checks it on the way out.
  void check_invariants() const;
  struct CheckOnExit;

  boost::asio::ip::tcp::socket socket_;
  boost::asio::steady_timer timer_;
  const Config& config_;
  AppState& state_;
  ConnectionSet& set_;
  Http1Codec codec_;
  std::string out_;                // responses waiting for the current write to finish
  std::string write_buf_;          // bytes being written
  std::size_t out_count_ = 0;      // responses in out_
  std::size_t writing_count_ = 0;  // responses in write_buf_
  Clock::time_point deadline_{}, write_start_{};
  Clock::duration step_;  // the timer wakes at least this often (see arm_timer)
  // The connection's life, in this order only: an enum rather than three
  // bools, so "lingering but still taking requests" or "closed but
  // lingering" cannot be written down.
  enum class Phase {
    open,       // reading and answering requests
    closing,    // no more requests: close once the writes are done
    lingering,  // half-closed by us, reading and discarding unread input
    closed,     // socket closed; handlers still queued only return
  };
  Phase phase_ = Phase::open;
  bool reading_ = false;           // an async_read_some is pending
  bool writing_ = false;           // an async_write is pending
  bool paused_ = false;            // output over its bound: answering (and reading) stopped
  bool waiting_writable_ = false;  // paused, all written, waiting for room in the kernel
  bool peer_eof_ = false;          // the client half-closed
  bool draining_ = false;
  bool answered_ = false;  // a response was produced: IDLE_TIMEOUT applies from now on
};

}  // namespace app
