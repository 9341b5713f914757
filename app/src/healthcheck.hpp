#pragma once
// `server --healthcheck`: GET http://HOST:PORT/healthz within 2 s (HOST
// 0.0.0.0 or :: means 127.0.0.1). Used by the container health check in an
// image without a shell or curl.
#include <cstdint>
#include <string>
#include <string_view>

namespace app {

// True on a 200; otherwise false with a one-line reason in `error`.
bool healthcheck(std::string_view host, std::uint16_t port, std::string& error);

}  // namespace app
