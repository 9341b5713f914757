#pragma once
// `server --healthcheck`: GET http://127.0.0.1:PORT/healthz within 2 s.
// Used by the container health check in an image without a shell or curl.
#include <cstdint>
#include <string>

namespace app {

// True on a 200; otherwise false with a one-line reason in `error`.
bool healthcheck(std::uint16_t port, std::string& error);

}  // namespace app
