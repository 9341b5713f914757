// libFuzzer target: raw bytes through the same path a socket's bytes take
// (Http1Codec: Beast parser, limits, router, response serializer, access
// log), fed in pieces whose size the first byte picks, so request
// boundaries fall anywhere.
#include <fcntl.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "http1_codec.hpp"

namespace {

struct World {
  World() {
    config.max_header_bytes = 1024;
    config.max_body_bytes = 64;
  }
  app::Config config;
  app::Metrics metrics;
  app::AppState state{metrics, app::build_info()};
  app::Logger log{app::Level::info, ::open("/dev/null", O_WRONLY | O_CLOEXEC)};
};

// Every response we produce starts with a status line and ends its header section.
void check_responses(const std::string& out, std::size_t count) {
  std::size_t seen = 0;
  for (auto pos = out.find("HTTP/1.1 "); pos != std::string::npos; pos = out.find("HTTP/1.1 ", pos + 1)) ++seen;
  if (count > 0 && out.rfind("HTTP/1.1 ", 0) != 0) std::abort();
  if (seen < count) std::abort();
  if (count > 0 && out.find("\r\n\r\n") == std::string::npos) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World world;
  if (size == 0) return 0;
  const std::size_t piece = data[0] & 0x80 ? size : std::size_t{data[0]} + 1;
  world.state.draining.store((data[0] & 0x40) != 0 && (data[0] & 0x80) != 0);
  const auto surface = (data[0] & 0xA0) == 0xA0 ? app::Surface::metrics : app::Surface::main;
  ++data;
  --size;

  std::string out;
  std::size_t responses = 0;
  {
    app::Http1Codec codec(world.config, world.state, world.log, "127.0.0.1", surface);
    bool closed = false;
    while (size > 0 && !closed) {
      auto buf = codec.read_buffer();
      const std::size_t n = std::min({buf.size(), size, piece});
      if (n == 0) std::abort();  // the connection must answer before its buffer fills
      std::memcpy(buf.data(), data, n);
      codec.commit(n);
      data += n;
      size -= n;
      app::Http1Codec::Step step{};
      do {  // a full queue (kMaxQueuedBytes) pauses until the "socket" has written it
        const std::size_t before = out.size();
        step = codec.process(out, app::Http1Codec::Clock::now());
        responses += step.responses;
        codec.written(step.responses, out.size() - before);
      } while (step.next == app::Http1Codec::Next::wait);
      closed = step.next == app::Http1Codec::Next::close;
    }
    if (!closed && codec.timeout(out, app::Http1Codec::Clock::now())) ++responses;
  }
  check_responses(out, responses);
  if (world.metrics.in_flight() != 0) std::abort();  // every request is accounted for
  return 0;
}
