#include "router.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "response.hpp"

namespace app {
namespace {

class RouterTest : public ::testing::Test {
 protected:
  Response get(std::string_view target, std::string_view method = "GET", Surface surface = Surface::main) {
    Request req;
    req.method = method;
    req.target = target;
    req.request_id = "rid-1";
    req.surface = surface;
    route(req, state_, res_);
    return res_;
  }
  Metrics metrics_;
  BuildInfo build_{"1.0.0", "deadbeef", "2026-01-01T00:00:00Z"};
  AppState state_{metrics_, build_};
  Response res_;
};

TEST_F(RouterTest, Root) {
  const auto r = get("/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(r.body, "Hello, World!");
  EXPECT_EQ(r.route, Route::root);
}

TEST_F(RouterTest, QueryStringIgnoredForMatching) { EXPECT_EQ(get("/?a=b").status, 200); }

TEST_F(RouterTest, Healthz) {
  const auto r = get("/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"status":"ok"})");
}

TEST_F(RouterTest, ReadyzTurns503WhenDraining) {
  EXPECT_EQ(get("/readyz").status, 200);
  EXPECT_EQ(get("/readyz").body, R"({"status":"ready"})");
  state_.draining = true;
  EXPECT_EQ(get("/readyz").status, 503);
  EXPECT_EQ(get("/readyz").body, R"({"status":"draining"})");
  EXPECT_EQ(get("/healthz").status, 200);  // liveness is unaffected
}

TEST_F(RouterTest, Version) {
  const auto r = get("/version");
  EXPECT_EQ(r.status, 200);
  const auto v = boost::json::parse(r.body).as_object();
  EXPECT_EQ(v.at("version").as_string(), "1.0.0");
  EXPECT_EQ(v.at("commit").as_string(), "deadbeef");
  EXPECT_EQ(v.at("build_time").as_string(), "2026-01-01T00:00:00Z");
}

TEST_F(RouterTest, Metrics) {
  metrics_.observe(method_index("GET"), Route::root, 200, std::chrono::microseconds(5));
  const auto r = get("/metrics", "GET", Surface::metrics);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(r.body.find(R"(http_requests_total{method="GET",route="/",code="200"} 1)"), std::string::npos);
}

TEST_F(RouterTest, HeadAllowedWhereGetIs) {
  for (const char* path : {"/", "/healthz", "/readyz", "/version"}) {
    EXPECT_EQ(get(path, "HEAD").status, 200) << path;
  }
  EXPECT_EQ(get("/metrics", "HEAD", Surface::metrics).status, 200);
}

TEST_F(RouterTest, MetricsOnlyOnTheMetricsListener) {
  EXPECT_EQ(get("/metrics").status, 404);  // never on the public listener
  for (const char* path : {"/", "/healthz", "/readyz", "/version", "/nope"}) {
    EXPECT_EQ(get(path, "GET", Surface::metrics).status, 404) << path;
  }
  EXPECT_EQ(get("/metrics", "POST", Surface::metrics).status, 405);
}

TEST_F(RouterTest, UnknownPathIs404Json) {
  const auto r = get("/nope/../etc/passwd");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.route, Route::unmatched);
  const auto v = boost::json::parse(r.body).as_object();
  EXPECT_EQ(v.at("error").as_string(), "not_found");
  EXPECT_EQ(v.at("request_id").as_string(), "rid-1");
  EXPECT_FALSE(v.at("message").as_string().empty());
}

TEST_F(RouterTest, PathsAreExact) {
  EXPECT_EQ(get("/healthz/").status, 404);
  EXPECT_EQ(get("/HEALTHZ").status, 404);
  EXPECT_EQ(get("//").status, 404);
  EXPECT_EQ(get("http://example.com/nope").status, 404);
}

TEST_F(RouterTest, AbsoluteFormRoutedByItsPath) {
  EXPECT_EQ(get("http://example.com/healthz").status, 200);
  EXPECT_EQ(get("https://example.com:8443/version?x=1").status, 200);
  EXPECT_EQ(get("http://example.com").status, 200);  // no path: "/"
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  for (const char* m : {"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "get"}) {
    const auto r = get("/healthz", m);
    EXPECT_EQ(r.status, 405) << m;
    EXPECT_TRUE(r.allow_get_head);
    EXPECT_EQ(boost::json::parse(r.body).at("error").as_string(), "method_not_allowed");
  }
  EXPECT_EQ(get("/nope", "POST").status, 404);
}

TEST_F(RouterTest, ErrorBodies) {
  const std::pair<int, const char*> codes[] = {{400, "bad_request"},
                                               {408, "request_timeout"},
                                               {413, "payload_too_large"},
                                               {431, "header_fields_too_large"},
                                               {503, "service_unavailable"}};
  for (const auto& [status, code] : codes) {
    Response r;
    error_response(status, "id\"x", r);
    EXPECT_EQ(r.status, status);
    const auto v = boost::json::parse(r.body).as_object();
    EXPECT_EQ(v.at("error").as_string(), code);
    EXPECT_EQ(v.at("request_id").as_string(), "id\"x");
  }
}

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

}  // namespace
}  // namespace app
