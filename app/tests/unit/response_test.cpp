// The response serializer (response.cpp): status line from the status
// table, our fixed headers, HEAD without a body.
#include "response.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "status.hpp"

namespace app {
namespace {

TEST(Serialize, HeadersAndBody) {
  Response r;
  r.status = 200;
  r.content_type = "text/plain; charset=utf-8";
  r.body = "Hello, World!";
  std::string out;
  serialize(r, ResponseMeta{"abc", false, false, false}, out);
  EXPECT_EQ(out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_NE(out.find("\r\nContent-Length: 13\r\n"), std::string::npos);
  EXPECT_NE(out.find("\r\nX-Request-Id: abc\r\n"), std::string::npos);
  EXPECT_NE(out.find("\r\nX-Content-Type-Options: nosniff\r\n"), std::string::npos);
  EXPECT_NE(out.find("\r\nCache-Control: no-store\r\n"), std::string::npos);
  EXPECT_NE(out.find("\r\nDate: "), std::string::npos);
  EXPECT_EQ(out.find("Server:"), std::string::npos);
  EXPECT_EQ(out.find("Connection:"), std::string::npos);
  EXPECT_EQ(out.substr(out.size() - 17), "\r\n\r\nHello, World!");
}

// The names of the header lines of an HTTP/1.1 response, in order.
std::vector<std::string> header_names(const std::string& wire) {
  std::vector<std::string> names;
  std::size_t at = wire.find("\r\n") + 2;
  for (std::size_t end; (end = wire.find("\r\n", at)) != at; at = end + 2) {
    names.push_back(wire.substr(at, wire.find(':', at) - at));
  }
  return names;
}

TEST(Serialize, WritesTheSharedHeaderListThenTheTransportsOwn) {
  for (const bool allow : {false, true}) {
    Response r;
    r.content_type = "application/json";
    r.allow_get_head = allow;
    std::vector<std::string> expected;
    std::string lines;
    visit_headers(r, "rid", [&](std::string_view name, std::string_view value) {
      expected.emplace_back(name);
      lines += std::string(name) + ": " + std::string(value) + "\r\n";
    });
    EXPECT_EQ(expected.size(), allow ? 5u : 4u);
    expected.insert(expected.end(), {"Content-Length", "Date", "Connection"});
    std::string out;
    serialize(r, ResponseMeta{"rid", false, true, false}, out);
    EXPECT_EQ(header_names(out), expected) << out;
    EXPECT_NE(out.find("\r\n" + lines), std::string::npos) << out;  // names and values, in one run
  }
}

TEST(Serialize, HeadKeepsContentLengthDropsBody) {
  Response r;
  r.content_type = "text/plain";
  r.body = "Hello, World!";
  std::string out;
  serialize(r, ResponseMeta{"abc", true, true, false}, out);
  EXPECT_NE(out.find("Content-Length: 13\r\n"), std::string::npos);
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(out.substr(out.size() - 4), "\r\n\r\n");
}

TEST(Serialize, ReasonPhraseFromTheStatusTable) {
  for (const auto& st : kStatuses) {
    Response r;
    r.status = st.code;
    std::string out;
    serialize(r, ResponseMeta{"abc", false, false, false}, out);
    EXPECT_EQ(out.rfind("HTTP/1.1 " + std::to_string(st.code) + " " + std::string(st.reason) + "\r\n", 0), 0u) << out;
  }
  EXPECT_EQ(reason_phrase(299), "");  // not ours: an empty phrase, never a wrong one
}

}  // namespace
}  // namespace app
