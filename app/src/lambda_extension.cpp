#include "lambda_extension.hpp"

namespace app::lambda {
namespace {

void warn(const Logger& log, std::string_view message) {
  log.event(Level::warn, "extension_error",
            [&](JsonObject& o) { o.str("extension", ShutdownExtension::kName).str("message", message); });
}

}  // namespace

ShutdownExtension::ShutdownExtension(RuntimeClient& runtime, const boost::asio::ip::tcp::endpoint& api,
                                     const Logger& log)
    : client_(api) {
  if (std::string error = runtime.register_extension(kName, id_); !error.empty()) {
    id_.clear();
    warn(log, "not registered, so Lambda will SIGKILL the runtime at shutdown (metrics of the last minute are lost): " +
                  error);
    return;
  }
  thread_ = std::thread([this, &log] { wait_for_events(log); });
}

ShutdownExtension::~ShutdownExtension() {
  if (!thread_.joinable()) return;
  client_.interrupt();
  thread_.join();
}

void ShutdownExtension::wait_for_events(const Logger& log) {
  // No events are subscribed, so Lambda never answers; an answer all the
  // same (an event) just means: wait again.
  while (true) {
    const std::string error = client_.extension_next(id_);
    if (client_.interrupted()) return;
    if (!error.empty()) {
      warn(log, "event/next failed: " + error);
      return;
    }
  }
}

}  // namespace app::lambda
