// The response serializer (response.cpp): status line from the status
// table, our fixed headers, HEAD without a body.
#include "response.hpp"

#include <gtest/gtest.h>

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
