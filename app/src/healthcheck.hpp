#pragma once
// `server --healthcheck`: GET http://HOST:PORT/healthz within 2 s (HOST
// 0.0.0.0 or :: means 127.0.0.1). Used by the container health check in an
// image without a shell or curl.
#include <cstdint>
#include <string_view>

#include "outcome.hpp"

namespace app {

// Success on a 200; otherwise a failure saying why.
Outcome healthcheck(std::string_view host, std::uint16_t port);

}  // namespace app
