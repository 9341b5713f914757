#pragma once
// Runs the service: THREADS event loops (one io_context and one thread
// each, every one with its own SO_REUSEPORT listener on the public port),
// the /metrics listener, and the graceful drain on SIGTERM/SIGINT.
#include "config.hpp"
#include "log.hpp"

namespace app {

// Serves until a signal's drain completes; returns the process exit code.
int run_server(const Config& config, const Logger& log);

}  // namespace app
