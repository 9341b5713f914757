#pragma once
// Lambda mode: when AWS_LAMBDA_RUNTIME_API is set the server does not listen;
// it asks the Lambda Runtime API (2018-06-01) for invocations, answers each
// function URL event through the same router as HTTP, and posts the result.
//
// Reading order: this file's run() (the loop), lambda_event.cpp (event <->
// Request/Response), router.cpp (the answer).
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "config.hpp"

namespace app::lambda {

// The Runtime API's address from AWS_LAMBDA_RUNTIME_API: "IPv4:port",
// "[IPv6]:port" or "localhost:port" (the static binary does no DNS lookups;
// Lambda always gives 127.0.0.1:9001). nullopt when malformed.
std::optional<boost::asio::ip::tcp::endpoint> parse_runtime_api(std::string_view value);

// Runs Lambda mode until SIGTERM/SIGINT (exit 0) or until the Runtime API
// fails (exit 1). A configuration error (parsed.action == fail) is posted to
// init/error and exits 2, as HTTP mode does; a malformed
// AWS_LAMBDA_RUNTIME_API exits 2 naming it.
int run(std::string_view runtime_api, const ParseResult& parsed);

}  // namespace app::lambda
