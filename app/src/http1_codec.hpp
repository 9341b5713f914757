#pragma once
// Http1Codec: the HTTP/1.1 protocol state of one connection, with no
// socket: bytes in, response bytes out. Named as Envoy names its socket-free
// HTTP/1 state machine (the "HTTP/1 codec", source/common/http/http1/
// codec_impl.h), so "connection" is left to what owns the socket.
// The connection (connection.hpp) moves bytes between this and a TCP socket; the
// fuzz target and unit tests drive it from memory.
//
// Reading order for "what happens to a request": connection.cpp (I/O, timers),
// this file's process() (Beast parser, limits, errors, logging, metrics),
// router.cpp (the answer).
#include <boost/asio/buffer.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "config.hpp"
#include "log.hpp"
#include "router.hpp"

namespace app {

// Frees `buf` if it grew beyond Http1Codec::kRetainBytes (one large
// response), so a long-lived connection does not keep that capacity.
void give_back_large(std::string& buf);

class Http1Codec {
 public:
  // Answering (and so reading) pauses while this many bytes of responses
  // wait to be written: a client that pipelines and never reads holds at
  // most this plus one response, whatever it asks for.
  static constexpr std::size_t kMaxQueuedBytes = 16 * 1024;
  // Buffers that grew beyond this for one large response (/metrics) are
  // given back after it, so an idle keep-alive connection stays small.
  static constexpr std::size_t kRetainBytes = 8 * 1024;
  using Clock = std::chrono::steady_clock;

  Http1Codec(const Config& config, AppState& state, const Logger& log, std::string peer,
             Surface surface = Surface::main);
  ~Http1Codec();
  Http1Codec(const Http1Codec&) = delete;
  Http1Codec& operator=(const Http1Codec&) = delete;

  // Space to receive into (empty if the input buffer is full), then commit(n).
  boost::asio::mutable_buffer read_buffer();
  void commit(std::size_t n);
  void discard_input();

  enum class Next { read, wait, close };
  struct Step {
    Next next;
    std::size_t responses;  // responses appended to `out` by this call
  };
  // Parses the input and answers each complete request (appending to `out`)
  // until it needs more bytes, the queue is full, or the connection must close.
  Step process(std::string& out, Clock::time_point now);

  // The request deadline passed: appends a 408 if a request had started.
  bool timeout(std::string& out, Clock::time_point now);

  // Bytes of a request received, its response not yet produced.
  bool request_started() const;
  Clock::time_point request_start() const { return request_start_; }
  // Responses (and their bytes) produced and not yet reported written.
  std::size_t queued() const { return queued_; }
  std::size_t queued_bytes() const { return queued_bytes_; }
  // The connection wrote `responses` more responses, `bytes` in all, to the socket.
  void written(std::size_t responses, std::size_t bytes);

 private:
  struct Impl;
  void start_request(Clock::time_point now);
  void route_request();                              // the answer to the parsed head, in impl_->response
  void send_response(std::string& out, bool close);  // serialises that answer, ends the request
  void respond_error(std::string& out, int status, Clock::time_point now);
  void finish_request();

  const Config& config_;
  AppState& state_;
  const Logger& log_;
  std::string peer_;
  Surface surface_;
  std::unique_ptr<Impl> impl_;
  std::size_t queued_ = 0, queued_bytes_ = 0;
  bool closing_ = false;
  Clock::time_point request_start_{};
};

}  // namespace app
