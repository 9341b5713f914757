// Entry point: parse the configuration, then either answer a one-shot mode
// (--help, --version, --healthcheck), serve Lambda invocations (when
// AWS_LAMBDA_RUNTIME_API is set), or run the server.
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cgroup.hpp"
#include "config.hpp"
#include "healthcheck.hpp"
#include "lambda_runtime.hpp"
#include "log.hpp"
#include "server.hpp"
#include "version.hpp"

int main(int argc, char** argv) {
  (void)std::signal(SIGPIPE, SIG_IGN);  // a closed stdout must not kill the server
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  // Single-threaded here: getenv is safe.
  auto parsed =
      app::parse_config(args, [](const char* name) { return std::getenv(name); });  // NOLINT(concurrency-mt-unsafe)
  auto& config = parsed.config;
  const auto& build = app::build_info();
  // Lambda mode also reports a configuration error to the Runtime API's init/error.
  const char* runtime_api = std::getenv("AWS_LAMBDA_RUNTIME_API");  // NOLINT(concurrency-mt-unsafe)
  if (runtime_api != nullptr && (parsed.action == app::Action::run || parsed.action == app::Action::fail)) {
    return app::lambda::run(runtime_api, parsed);
  }

  switch (parsed.action) {
    case app::Action::fail: (void)std::fprintf(stderr, "server: %s\n", parsed.error.c_str()); return 2;
    case app::Action::help: (void)std::fwrite(app::usage().data(), 1, app::usage().size(), stdout); return 0;
    case app::Action::version:
      (void)std::printf("server %.*s (%.*s, built %.*s)\n", static_cast<int>(build.version.size()),
                        build.version.data(), static_cast<int>(build.commit.size()), build.commit.data(),
                        static_cast<int>(build.build_time.size()), build.build_time.data());
      return 0;
    case app::Action::healthcheck: {
      const auto health = app::healthcheck(config.host, config.port);
      if (health.ok()) return 0;
      (void)std::fprintf(stderr, "server: healthcheck failed: %s\n", health.error.c_str());
      return 1;
    }
    case app::Action::run: break;
  }

  if (config.threads == 0) config.threads = app::default_threads();
  const app::Logger log(config.log_level);
  log.event(app::Level::info, "starting", [&](app::JsonObject& o) {
    o.str("version", build.version)
        .str("commit", build.commit)
        .num("threads", config.threads)
        .num("port", config.port)
        .num("metrics_port", config.metrics_port)
        .str("host", config.host);
  });
  return app::run_server(config, log);
}
