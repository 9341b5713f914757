#include "request_id.hpp"

#include <gtest/gtest.h>

#include <set>

namespace app {
namespace {

TEST(RequestId, KeepsAllowedCharacters) {
  std::string out;
  sanitize_request_id("abc-DEF_123.x:y", out);
  EXPECT_EQ(out, "abc-DEF_123.x:y");
}

TEST(RequestId, DropsEverythingElse) {
  std::string out;
  sanitize_request_id("a b\"c\\d\r\ne<script>/f\xFF", out);
  EXPECT_EQ(out, "abcdescriptf");
}

TEST(RequestId, CutTo128) {
  std::string out;
  sanitize_request_id(std::string(500, 'a'), out);
  EXPECT_EQ(out.size(), 128u);
}

TEST(RequestId, GeneratedWhenNothingLeft) {
  std::string out;
  request_id_for("\r\n !!", out);
  ASSERT_EQ(out.size(), 32u);
  for (const char c : out) EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << out;
  request_id_for("", out);
  EXPECT_EQ(out.size(), 32u);
  request_id_for("keep-me", out);
  EXPECT_EQ(out, "keep-me");
}

TEST(RequestId, GeneratedIdsAreUnique) {
  std::set<std::string> seen;
  std::string id;
  for (int i = 0; i < 10000; ++i) {
    generate_request_id(id);
    EXPECT_TRUE(seen.insert(id).second) << id;
  }
}

TEST(TraceId, KeepsAlbAndW3cShapes) {
  std::string out;
  sanitize_trace_id("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", out);
  EXPECT_EQ(out, "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1");
  sanitize_trace_id("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", out);
  EXPECT_EQ(out, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
}

TEST(TraceId, DropsUnsafeCharactersAndIsCutTo256) {
  std::string out;
  sanitize_trace_id("Root=1\"<x>\r\n /\xFF", out);
  EXPECT_EQ(out, "Root=1x");
  sanitize_trace_id(std::string(1000, 'a'), out);
  EXPECT_EQ(out.size(), 256u);
}

TEST(TraceId, AmznTraceIdWinsThenTraceparentThenNothing) {
  std::string out;
  trace_id_for("Root=1-a", "00-b-c-01", out);
  EXPECT_EQ(out, "Root=1-a");
  trace_id_for("", "00-b-c-01", out);
  EXPECT_EQ(out, "00-b-c-01");
  trace_id_for("<>", "00-b-c-01", out);  // nothing left of the ALB's: the W3C one
  EXPECT_EQ(out, "00-b-c-01");
  trace_id_for("", "", out);
  EXPECT_EQ(out, "");  // never generated
}

}  // namespace
}  // namespace app
