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

}  // namespace
}  // namespace app
