#include "lambda_event.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "response.hpp"

namespace app::lambda {
namespace {

// A function URL event as Lambda sends it (payload format 2.0), trimmed.
constexpr std::string_view kEvent = R"({
  "version": "2.0", "routeKey": "$default", "rawPath": "/healthz", "rawQueryString": "a=1&b=2",
  "headers": {"x-request-id": "client-id-1", "user-agent": "curl/8.0", "host": "abc.lambda-url.eu-west-1.on.aws"},
  "requestContext": {"requestId": "ctx-1", "http": {"method": "GET", "path": "/healthz", "protocol": "HTTP/1.1",
                     "sourceIp": "203.0.113.9", "userAgent": "curl/8.0"}},
  "isBase64Encoded": false
})";

TEST(LambdaEvent, MapsTheFieldsTheRouterAndLogUse) {
  HttpEvent ev;
  ASSERT_EQ(parse_http_event(kEvent, ev), "");
  EXPECT_EQ(ev.method, "GET");
  EXPECT_EQ(ev.target, "/healthz?a=1&b=2");
  EXPECT_EQ(ev.request_id_header, "client-id-1");
  EXPECT_EQ(ev.user_agent, "curl/8.0");
  EXPECT_EQ(ev.source_ip, "203.0.113.9");
  EXPECT_EQ(ev.body_bytes, 0U);
  EXPECT_TRUE(ev.body_valid);
}

TEST(LambdaEvent, EmptyQueryAddsNoQuestionMark) {
  HttpEvent ev;
  ASSERT_EQ(parse_http_event(R"({"rawPath":"/","rawQueryString":"","requestContext":{"http":{"method":"HEAD"}}})", ev),
            "");
  EXPECT_EQ(ev.target, "/");
  EXPECT_EQ(ev.method, "HEAD");
}

TEST(LambdaEvent, HeaderNamesMatchInAnyCase) {
  HttpEvent ev;
  ASSERT_EQ(
      parse_http_event(
          R"({"rawPath":"/","headers":{"X-Request-Id":"abc","User-Agent":"ua"},"requestContext":{"http":{"method":"GET"}}})",
          ev),
      "");
  EXPECT_EQ(ev.request_id_header, "abc");
  EXPECT_EQ(ev.user_agent, "ua");  // no requestContext.http.userAgent: the header
}

TEST(LambdaEvent, BodySizes) {
  HttpEvent ev;
  ASSERT_EQ(parse_http_event(R"({"rawPath":"/","body":"hello","requestContext":{"http":{"method":"POST"}}})", ev), "");
  EXPECT_EQ(ev.body_bytes, 5U);
  ASSERT_EQ(
      parse_http_event(
          R"({"rawPath":"/","body":"aGVsbG8=","isBase64Encoded":true,"requestContext":{"http":{"method":"POST"}}})",
          ev),
      "");
  EXPECT_TRUE(ev.body_valid);
  EXPECT_EQ(ev.body_bytes, 5U);
  ASSERT_EQ(
      parse_http_event(
          R"({"rawPath":"/","body":"not base64!","isBase64Encoded":true,"requestContext":{"http":{"method":"POST"}}})",
          ev),
      "");
  EXPECT_FALSE(ev.body_valid);
}

TEST(LambdaEvent, NotAnHttpEventSaysWhy) {
  HttpEvent ev;
  EXPECT_NE(parse_http_event("not json", ev).find("not JSON"), std::string::npos);
  EXPECT_NE(parse_http_event("[1,2]", ev).find("not a JSON object"), std::string::npos);
  EXPECT_NE(parse_http_event(R"({"rawPath":"/"})", ev).find("requestContext.http.method"), std::string::npos);
  EXPECT_NE(parse_http_event(R"({"requestContext":{"http":{"method":"GET"}}})", ev).find("rawPath"), std::string::npos);
  EXPECT_NE(parse_http_event(R"({"rawPath":7,"requestContext":{"http":{"method":"GET"}}})", ev).find("rawPath"),
            std::string::npos);
  EXPECT_NE(parse_http_event(R"({"rawPath":"x","requestContext":{"http":{"method":"GET"}}})", ev).find("rawPath"),
            std::string::npos);
  EXPECT_NE(parse_http_event(R"({"rawPath":"/","requestContext":{"http":{"method":""}}})", ev).find("method"),
            std::string::npos);
}

TEST(LambdaEvent, Base64DecodedSize) {
  EXPECT_EQ(base64_decoded_size(""), 0U);
  EXPECT_EQ(base64_decoded_size("Zg=="), 1U);
  EXPECT_EQ(base64_decoded_size("Zm8="), 2U);
  EXPECT_EQ(base64_decoded_size("Zm9v"), 3U);
  EXPECT_EQ(base64_decoded_size("+/+/"), 3U);
  EXPECT_FALSE(base64_decoded_size("Zm9"));     // not a multiple of 4
  EXPECT_FALSE(base64_decoded_size("Zm9$"));    // outside the alphabet
  EXPECT_FALSE(base64_decoded_size("Z=9v"));    // padding inside
  EXPECT_FALSE(base64_decoded_size("Z==="));    // three padding characters
  EXPECT_FALSE(base64_decoded_size("Zm9v_-"));  // base64url is not what Lambda sends
}

boost::json::object response_json(const Response& res, std::string_view rid, bool head) {
  std::string out;
  write_http_response(res, rid, head, out);
  return boost::json::parse(out).as_object();
}

TEST(LambdaEvent, ResponseCarriesStatusHeadersAndBody) {
  Response res;
  res.status = 200;
  res.content_type = "application/json";
  res.body = R"({"status":"ok"})";
  const auto j = response_json(res, "rid-1", false);
  EXPECT_EQ(j.at("statusCode").as_int64(), 200);
  EXPECT_EQ(j.at("body").as_string(), R"({"status":"ok"})");
  EXPECT_FALSE(j.at("isBase64Encoded").as_bool());
  EXPECT_TRUE(j.at("cookies").as_array().empty());
  const auto& h = j.at("headers").as_object();
  EXPECT_EQ(h.at("Content-Type").as_string(), "application/json");
  EXPECT_EQ(h.at("X-Request-Id").as_string(), "rid-1");
  EXPECT_EQ(h.at("X-Content-Type-Options").as_string(), "nosniff");
  EXPECT_EQ(h.at("Cache-Control").as_string(), "no-store");
  EXPECT_FALSE(h.contains("Allow"));
}

TEST(LambdaEvent, ResponseHeadersAreTheSharedList) {
  for (const bool allow : {false, true}) {
    Response res;
    res.content_type = "text/plain; charset=utf-8";
    res.allow_get_head = allow;
    std::vector<std::pair<std::string, std::string>> expected, got;
    visit_headers(res, "rid",
                  [&](std::string_view name, std::string_view value) { expected.emplace_back(name, value); });
    const auto j = response_json(res, "rid", false);
    for (const auto& kv : j.at("headers").as_object()) {
      got.emplace_back(kv.key(), kv.value().as_string());
    }
    EXPECT_EQ(got, expected);  // the same names, values and order as serialize() writes
  }
}

TEST(LambdaEvent, ResponseForHeadHasNoBodyAnd405HasAllow) {
  Response res;
  res.status = 405;
  res.content_type = "application/json";
  res.body = "{}";
  res.allow_get_head = true;
  const auto j = response_json(res, "r", true);
  EXPECT_EQ(j.at("statusCode").as_int64(), 405);
  EXPECT_EQ(j.at("body").as_string(), "");
  EXPECT_EQ(j.at("headers").as_object().at("Allow").as_string(), "GET, HEAD");
}

TEST(LambdaEvent, ResponseEscapesTheBody) {
  Response res;
  res.content_type = "text/plain; charset=utf-8";
  res.body = "a\"b\\c\nd";
  EXPECT_EQ(response_json(res, "r", false).at("body").as_string(), "a\"b\\c\nd");
}

}  // namespace
}  // namespace app::lambda
