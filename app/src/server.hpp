#pragma once
// Runs the service: one io_context on THREADS threads, the listener, and
// the graceful drain on SIGTERM/SIGINT.
#include "config.hpp"
#include "log.hpp"

namespace app {

// Serves until a signal's drain completes; returns the process exit code.
int run_server(const Config& config, const Logger& log);

}  // namespace app
