// The strict checks on a raw request head (head_check.cpp).
#include "head_check.hpp"

#include <gtest/gtest.h>

#include <string>

namespace app {
namespace {

TEST(CheckHead, CompleteHeadPasses) {
  const auto r = check_head("GET / HTTP/1.1\r\nHost: a\r\n\r\n", 1024);
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.empty_lines, 0u);
}

TEST(CheckHead, IncompleteHeadWaits) {
  const auto r = check_head("GET / HTTP/1.1\r\nHost: a\r\n", 1024);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.status, 0);
}

TEST(CheckHead, LeadingEmptyLinesSkipped) {
  const auto r = check_head("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 1024);
  EXPECT_EQ(r.empty_lines, 4u);
  EXPECT_TRUE(r.complete);
  EXPECT_EQ(r.status, 0);
}

TEST(CheckHead, ObsFoldRejectedAnywhere) {
  EXPECT_EQ(check_head("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n 2\r\n\r\n", 1024).status, 400);
  EXPECT_EQ(check_head("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n\tchunked\r\n\r\n", 1024).status, 400);
  EXPECT_EQ(check_head("GET / HTTP/1.1\r\n Host: a\r\n\r\n", 1024).status, 400);
  EXPECT_EQ(check_head("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 1024).status, 0);  // inner space is no fold
}

TEST(CheckHead, LimitIsExact) {
  const std::string head = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  EXPECT_EQ(check_head(head, head.size()).status, 0);
  EXPECT_EQ(check_head(head, head.size() - 1).status, 431);
  // Incomplete but already over the limit: no need to wait for the rest.
  EXPECT_EQ(check_head("GET / HTTP/1.1\r\nX: " + std::string(100, 'a'), 64).status, 431);
}

TEST(CheckHead, RequestLineAloneOverLimitIs414) {
  const std::string line = "GET /" + std::string(100, 'a') + " HTTP/1.1\r\n";
  EXPECT_EQ(check_head(line + "Host: a\r\n\r\n", 64).status, 414);
  EXPECT_EQ(check_head(line.substr(0, 80), 64).status, 414);  // no line end within the limit yet
}

TEST(CheckHead, BytesThatCannotStartARequestRejectedAtOnce) {
  EXPECT_EQ(check_head(std::string_view("\x16\x03\x01\x02\x00", 5), 1024).status, 400);
  EXPECT_EQ(check_head("GET", 1024).status, 0);
  EXPECT_EQ(check_head("GET /", 1024).status, 0);
}

TEST(CheckHead, ResumedScanFindsTheEndAcrossPieces) {
  const std::string head = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
  std::size_t resume = 0;
  for (std::size_t n = 1; n < head.size(); ++n) {
    const auto r = check_head(std::string_view(head).substr(0, n), 1024, resume);
    ASSERT_FALSE(r.complete) << n;
    resume = r.scanned;
  }
  EXPECT_TRUE(check_head(head, 1024, resume).complete);
}

}  // namespace
}  // namespace app
