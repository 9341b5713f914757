#pragma once
// Lambda sends the runtime SIGTERM at shutdown only when an extension is
// registered; without one it SIGKILLs the environment, and what the runtime
// would flush at exit (the last partial minute of EMF metrics, buffered log
// lines) is lost. So the runtime registers a no-op internal extension, as
// aws-lambda-rust-runtime's spawn_graceful_shutdown_handler does: registered
// for no events, its event/next blocks for the life of the process on a
// connection of its own. Lambda then gives the runtime SIGTERM and 500 ms
// (an internal extension's share of the Shutdown phase) before SIGKILL.
// docs.aws.amazon.com/lambda/latest/dg/runtimes-extensions-api.html
#include <boost/asio/ip/tcp.hpp>
#include <string>
#include <string_view>
#include <thread>

#include "lambda_client.hpp"
#include "log.hpp"

namespace app::lambda {

class ShutdownExtension {
 public:
  // Internal extension names must be unique within a function.
  static constexpr std::string_view kName = "server-graceful-shutdown";

  // Registers over `runtime` (the runtime's own connection, idle until its
  // first invocation/next: no connect on the cold start's path), then starts
  // the thread that waits in event/next on a connection of its own (which
  // ends Lambda's Init phase for the extension). Construct before the
  // runtime's first invocation/next: registration closes then. Failing is a
  // warning, not an error: the function runs on, and shutdown is a SIGKILL again.
  ShutdownExtension(RuntimeClient& runtime, const boost::asio::ip::tcp::endpoint& api, const Logger& log);
  ~ShutdownExtension();  // ends the waiting event/next and joins the thread
  ShutdownExtension(const ShutdownExtension&) = delete;
  ShutdownExtension& operator=(const ShutdownExtension&) = delete;

  bool registered() const { return !id_.empty(); }

 private:
  void wait_for_events(const Logger& log);

  RuntimeClient client_;  // the event/next connection
  std::string id_;        // Lambda-Extension-Identifier; empty: not registered
  std::thread thread_;
};

}  // namespace app::lambda
