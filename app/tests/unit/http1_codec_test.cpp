// The HTTP/1.1 codec driven from memory: what a client sends, what it gets.
#include "http1_codec.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <utility>
#include <vector>

namespace app {
namespace {

class Http1CodecTest : public ::testing::Test {
 protected:
  Http1CodecTest() { config_.access_log = false; }

  // Feeds `bytes` (in pieces of `chunk`) and returns everything answered.
  std::string send(std::string_view bytes, std::size_t chunk = 1 << 20) {
    std::string out;
    while (!bytes.empty()) {
      auto buf = codec().read_buffer();
      const std::size_t n = std::min({buf.size(), bytes.size(), chunk});
      if (n == 0) break;
      std::memcpy(buf.data(), bytes.data(), n);
      codec().commit(n);
      bytes.remove_prefix(n);
      const std::size_t before = out.size();
      last_ = codec().process(out, Http1Codec::Clock::now());
      codec().written(last_.responses, out.size() - before);
      if (last_.next == Http1Codec::Next::close) break;
    }
    return out;
  }
  Http1Codec& codec() {
    if (!codec_) codec_ = std::make_unique<Http1Codec>(config_, state_, log_, "10.0.0.1", surface_);
    return *codec_;
  }
  static int count(const std::string& s, std::string_view what) {
    int n = 0;
    for (auto pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + 1)) ++n;
    return n;
  }

  Config config_;
  Metrics metrics_;
  AppState state_{metrics_, build_info()};
  Logger log_{Level::error};
  Surface surface_ = Surface::main;
  std::unique_ptr<Http1Codec> codec_;
  Http1Codec::Step last_{Http1Codec::Next::read, 0};
};

TEST_F(Http1CodecTest, SimpleGetKeepsAlive) {
  const auto out = send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
  EXPECT_NE(out.find("Hello, World!"), std::string::npos);
  EXPECT_EQ(out.find("Connection: close"), std::string::npos);
  EXPECT_EQ(last_.next, Http1Codec::Next::read);
}

TEST_F(Http1CodecTest, ByteAtATime) {
  const auto out = send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 1);
  EXPECT_NE(out.find(R"({"status":"ok"})"), std::string::npos);
}

TEST_F(Http1CodecTest, PipelinedAnsweredInOrder) {
  const auto out = send(
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto a = out.find("{\"status\":\"ok\"}"), b = out.find("not_found"), c = out.find("Hello, World!");
  ASSERT_NE(a, std::string::npos);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(c, std::string::npos);
  EXPECT_LT(a, b);
  EXPECT_LT(b, c);
  EXPECT_EQ(last_.responses, 3u);
}

TEST_F(Http1CodecTest, QueuedBytesBoundPausesAnswering) {
  // /metrics is the largest response: pipelined without reading, answering
  // stops once the queued bytes pass the bound, not after a count.
  surface_ = Surface::metrics;
  std::string many;
  for (int i = 0; i < 40; ++i) many += "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
  auto buf = codec().read_buffer();
  ASSERT_GE(buf.size(), many.size());
  std::memcpy(buf.data(), many.data(), many.size());
  codec().commit(many.size());
  std::string out;
  auto step = codec().process(out, Http1Codec::Clock::now());
  EXPECT_EQ(step.next, Http1Codec::Next::wait);
  EXPECT_GT(step.responses, 0u);
  EXPECT_LT(step.responses, 40u);
  EXPECT_EQ(codec().queued_bytes(), out.size());
  // The bound is crossed by the last response only: without it, the queue held less.
  EXPECT_GE(out.size(), Http1Codec::kMaxQueuedBytes);
  EXPECT_LT(out.rfind("HTTP/1.1 "), Http1Codec::kMaxQueuedBytes);
  std::size_t answered = step.responses;
  // Bounded: a codec that never clears its bound fails here instead of hanging.
  for (int rounds = 0; step.next == Http1Codec::Next::wait && rounds < 40; ++rounds) {
    codec().written(step.responses, out.size());
    out.clear();
    step = codec().process(out, Http1Codec::Clock::now());
    answered += step.responses;
    EXPECT_LT(out.rfind("HTTP/1.1 "), Http1Codec::kMaxQueuedBytes);
  }
  EXPECT_EQ(answered, 40u);
  EXPECT_EQ(step.next, Http1Codec::Next::read);
}

// What the connection relies on: queued()/queued_bytes() count what
// process() produced until written() reports it sent, the in-flight gauge
// moves with queued(), and nothing goes below zero.
TEST_F(Http1CodecTest, QueuedUntilWritten) {
  const std::string one = "GET / HTTP/1.1\r\nHost: x\r\n\r\n", three = one + one + one;
  auto buf = codec().read_buffer();
  ASSERT_GE(buf.size(), three.size());
  std::memcpy(buf.data(), three.data(), three.size());
  codec().commit(three.size());
  std::string out;
  const auto step = codec().process(out, Http1Codec::Clock::now());
  ASSERT_EQ(step.responses, 3u);
  EXPECT_EQ(codec().queued(), 3u);
  EXPECT_EQ(codec().queued_bytes(), out.size());
  EXPECT_EQ(metrics_.in_flight(), 3);
  const std::size_t first = out.find("HTTP/1.1 ", 1);  // the first response's length
  codec().written(1, first);
  EXPECT_EQ(codec().queued(), 2u);
  EXPECT_EQ(codec().queued_bytes(), out.size() - first);
  EXPECT_EQ(metrics_.in_flight(), 2);
  codec().written(5, out.size());  // more than queued: clamped, never below zero
  EXPECT_EQ(codec().queued(), 0u);
  EXPECT_EQ(codec().queued_bytes(), 0u);
  EXPECT_EQ(metrics_.in_flight(), 0);
}

// A 100 Continue is queued bytes but no response: the connection's count of
// responses can be zero while its output is not empty.
TEST_F(Http1CodecTest, ContinueIsQueuedBytesButNoResponse) {
  const std::string head = "GET / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n";
  auto buf = codec().read_buffer();
  std::memcpy(buf.data(), head.data(), head.size());
  codec().commit(head.size());
  std::string out;
  const auto step = codec().process(out, Http1Codec::Clock::now());
  ASSERT_EQ(out, "HTTP/1.1 100 Continue\r\n\r\n");
  EXPECT_EQ(step.responses, 0u);
  EXPECT_EQ(codec().queued(), 0u);
  EXPECT_EQ(codec().queued_bytes(), out.size());
  codec().written(0, out.size());
  EXPECT_EQ(codec().queued_bytes(), 0u);
  EXPECT_TRUE(codec().request_started());
}

TEST(GiveBackLarge, FreesOnlyBuffersThatGrewBeyondTheRetainedSize) {
  std::string small(100, 'x'), large(Http1Codec::kRetainBytes + 1, 'x');
  const auto small_capacity = small.capacity();
  small.clear();
  large.clear();
  give_back_large(small);
  give_back_large(large);
  EXPECT_EQ(small.capacity(), small_capacity);
  EXPECT_LE(large.capacity(), Http1Codec::kRetainBytes);
}

TEST_F(Http1CodecTest, HeadHasNoBody) {
  const auto out = send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(out.find("Content-Length: 13\r\n"), std::string::npos);
  EXPECT_EQ(out.find("Hello"), std::string::npos);
}

TEST_F(Http1CodecTest, Http10ClosesUnlessKeepAlive) {
  auto out = send("GET / HTTP/1.0\r\n\r\n");
  EXPECT_NE(out.find("Connection: close"), std::string::npos);
  EXPECT_EQ(last_.next, Http1Codec::Next::close);
  codec_.reset();
  out = send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_NE(out.find("Connection: keep-alive"), std::string::npos);
  EXPECT_EQ(last_.next, Http1Codec::Next::read);
}

TEST_F(Http1CodecTest, ConnectionCloseHonoured) {
  const auto out = send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(count(out, "HTTP/1.1 200"), 1);
  EXPECT_NE(out.find("Connection: close"), std::string::npos);
  EXPECT_EQ(last_.next, Http1Codec::Next::close);
}

struct Bad {
  const char* name;
  const char* request;
  int status;
};

class Http1CodecBad : public Http1CodecTest, public ::testing::WithParamInterface<Bad> {};

TEST_P(Http1CodecBad, AnsweredThenClosed) {
  const auto& p = GetParam();
  config_.max_header_bytes = 1024;
  config_.max_body_bytes = 16;
  const auto out = send(p.request);
  EXPECT_EQ(out.rfind("HTTP/1.1 " + std::to_string(p.status) + " ", 0), 0u) << out;
  EXPECT_NE(out.find("Connection: close\r\n"), std::string::npos);
  EXPECT_NE(out.find("\"request_id\":"), std::string::npos);
  EXPECT_EQ(last_.next, Http1Codec::Next::close);
}

const std::string kHugeHeader = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(2000, 'a') + "\r\n\r\n";
const std::string kHugeLine = "GET /" + std::string(2000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n";
const std::string kEndlessChunkHeader =
    "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=" + std::string(20000, 'e');

INSTANTIATE_TEST_SUITE_P(
    All, Http1CodecBad,
    ::testing::Values(
        Bad{"garbage", "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400},
        Bad{"bad_version", "GET / HTTP/2.0\r\n\r\n", 400}, Bad{"no_version", "GET /\r\n\r\n", 400},
        Bad{"bad_header", "GET / HTTP/1.1\r\nHost: x\r\nBad Header: x\r\n\r\n", 400},
        Bad{"bad_content_length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n", 400},
        Bad{"two_content_lengths", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
            400},
        Bad{"cl_then_te",
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
        Bad{"te_then_cl",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", 400},
        Bad{"te_gzip_then_cl",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nContent-Length: 5\r\n\r\nhello", 400},
        Bad{"te_not_chunked", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
        Bad{"te_unknown_then_chunked", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: foo, chunked\r\n\r\n", 501},
        Bad{"obs_fold", "GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n", 400},
        Bad{"obs_fold_in_te", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n", 400},
        Bad{"http10_te", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400},
        Bad{"no_host", "GET / HTTP/1.1\r\n\r\n", 400},
        Bad{"two_hosts", "GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400},
        Bad{"two_hosts_http10", "GET / HTTP/1.0\r\nHost: x\r\nHost: y\r\n\r\n", 400},
        Bad{"bad_chunk", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
        Bad{"endless_chunk_header", kEndlessChunkHeader.c_str(), 400},
        Bad{"header_too_large", kHugeHeader.c_str(), 431}, Bad{"target_too_large", kHugeLine.c_str(), 414},
        Bad{"body_too_large", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n", 413},
        Bad{"chunked_too_large",
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
            "chunked\r\n\r\n10\r\n0123456789abcdef\r\n1\r\nx\r\n0\r\n\r\n",
            413}),
    [](const auto& info) { return std::string(info.param.name); });

TEST_F(Http1CodecTest, TrailerFieldsNeverTouchHeadState) {
  const auto out = send(
      "POST / HTTP/1.1\r\nHost: x\r\nX-Request-Id: head-id\r\nTransfer-Encoding: chunked\r\n\r\n"
      "0\r\nX-Request-Id: trailer-id\r\nConnection: close\r\nX-Forwarded-For: 9.9.9.9\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 405 ", 0), 0u) << out;
  EXPECT_NE(out.find("X-Request-Id: head-id\r\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("Connection: close"), std::string::npos) << out;
  EXPECT_EQ(last_.next, Http1Codec::Next::read);
}

TEST_F(Http1CodecTest, AbsoluteFormRoutedByPath) {
  const auto out = send("GET http://example.com/healthz?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n");
  EXPECT_EQ(out.rfind("HTTP/1.1 200 ", 0), 0u) << out;
  EXPECT_NE(out.find(R"({"status":"ok"})"), std::string::npos);
}

TEST_F(Http1CodecTest, LeadingEmptyLinesIgnored) {
  const auto out = send("\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", 1);
  EXPECT_EQ(count(out, "HTTP/1.1 200 "), 2) << out;
  EXPECT_EQ(last_.next, Http1Codec::Next::read);
}

TEST_F(Http1CodecTest, HeaderLimitIsExact) {
  const std::string head = "GET / HTTP/1.1\r\nHost: x\r\nX-Pad: " + std::string(100, 'p') + "\r\n\r\n";
  config_.max_header_bytes = static_cast<std::uint32_t>(head.size());
  EXPECT_EQ(send(head).rfind("HTTP/1.1 200 ", 0), 0u);
  codec_.reset();
  config_.max_header_bytes -= 1;
  EXPECT_EQ(send(head).rfind("HTTP/1.1 431 ", 0), 0u);
}

TEST_F(Http1CodecTest, ExpectContinueAnsweredAtOnce) {
  auto out = send("GET / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
  EXPECT_EQ(out, "HTTP/1.1 100 Continue\r\n\r\n");
  EXPECT_EQ(last_.next, Http1Codec::Next::read);
  out = send("hello");
  EXPECT_EQ(out.rfind("HTTP/1.1 200 ", 0), 0u) << out;
  EXPECT_EQ(count(out, "100 Continue"), 0);
}

TEST_F(Http1CodecTest, ExpectContinueGetsTheFinalStatusWhenTheHeadDecides) {
  config_.max_body_bytes = 16;
  for (const auto& [request, status] : std::vector<std::pair<std::string, std::string>>{
           {"POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n", "405"},
           {"GET /nope HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n", "404"},
           {"GET / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 17\r\n\r\n", "413"}}) {
    codec_.reset();
    const auto out = send(request);
    EXPECT_EQ(out.rfind("HTTP/1.1 " + status + " ", 0), 0u) << out;
    EXPECT_EQ(count(out, "100 Continue"), 0);
    EXPECT_NE(out.find("Connection: close"), std::string::npos);
    EXPECT_EQ(last_.next, Http1Codec::Next::close);
  }
}

TEST_F(Http1CodecTest, BodiesWithinLimitAreReadAndDiscarded) {
  config_.max_body_bytes = 16;
  const auto out = send(
      "POST /nope HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
      "POST /nope HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
      "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(count(out, "HTTP/1.1 404"), 2);
  EXPECT_EQ(count(out, "HTTP/1.1 200"), 1);
}

TEST_F(Http1CodecTest, ErrorAfterGoodRequestsKeepsOrder) {
  const auto out = send("GET / HTTP/1.1\r\nHost: x\r\n\r\nBROKEN\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto ok = out.find("HTTP/1.1 200");
  const auto bad = out.find("HTTP/1.1 400");
  EXPECT_LT(ok, bad);
  EXPECT_EQ(count(out, "HTTP/1.1 "), 2);  // nothing after the error
}

TEST_F(Http1CodecTest, RequestIdEchoedSanitisedOrGenerated) {
  auto out = send("GET / HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc-123\r\n\r\n");
  EXPECT_NE(out.find("X-Request-Id: abc-123\r\n"), std::string::npos);
  out = send("GET / HTTP/1.1\r\nHost: x\r\nx-request-id: a b<c>\r\n\r\n");
  EXPECT_NE(out.find("X-Request-Id: abc\r\n"), std::string::npos);
  out = send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto pos = out.find("X-Request-Id: ");
  ASSERT_NE(pos, std::string::npos);
  EXPECT_EQ(out.find("\r\n", pos) - pos - 14, 32u);
}

TEST_F(Http1CodecTest, TimeoutAnswers408OnlyIfRequestStarted) {
  std::string out;
  EXPECT_FALSE(codec().timeout(out, Http1Codec::Clock::now()));
  send("GET / HTTP/1.1\r\nHost:");
  EXPECT_TRUE(codec().request_started());
  EXPECT_TRUE(codec().timeout(out, Http1Codec::Clock::now()));
  EXPECT_EQ(out.rfind("HTTP/1.1 408 ", 0), 0u);
  EXPECT_NE(out.find("Connection: close"), std::string::npos);
}

TEST_F(Http1CodecTest, DrainingClosesAfterCurrentResponse) {
  send("GET / HTTP/1.1\r\nHost: x\r\n");
  state_.draining = true;
  const auto out = send("\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(count(out, "HTTP/1.1 200"), 1);
  EXPECT_NE(out.find("Connection: close"), std::string::npos);
  EXPECT_EQ(last_.next, Http1Codec::Next::close);
}

TEST_F(Http1CodecTest, InFlightReturnsToZero) {
  send("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nHo");
  EXPECT_EQ(metrics_.in_flight(), 1);  // the partial third request
  codec_.reset();
  EXPECT_EQ(metrics_.in_flight(), 0);
}

// The access log line written for one request.
std::string access_log_line(const Config& config, AppState& state, const std::string& request) {
  int fds[2];
  if (pipe(fds) != 0) return "pipe failed";
  Logger log(Level::info, fds[1]);
  Http1Codec c(config, state, log, "10.0.0.1");
  auto buf = c.read_buffer();
  std::memcpy(buf.data(), request.data(), request.size());
  c.commit(request.size());
  std::string out;
  c.process(out, Http1Codec::Clock::now());
  (void)log.flush();
  close(fds[1]);
  char line[2048];
  const auto n = read(fds[0], line, sizeof line);
  close(fds[0]);
  return n > 0 ? std::string(line, static_cast<std::size_t>(n)) : std::string();
}

TEST_F(Http1CodecTest, AccessLogLineIsJson) {
  config_.access_log = true;
  const std::string s = access_log_line(
      config_, state_,
      "GET /x?\"y HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 1.1.1.1, 2.2.2.2\r\nUser-Agent: t\"\xFF\r\n\r\n");
  ASSERT_FALSE(s.empty());
  EXPECT_EQ(s.back(), '\n');
  EXPECT_NE(s.find(R"("event":"request")"), std::string::npos) << s;
  EXPECT_NE(s.find(R"("path":"/x?\"y")"), std::string::npos) << s;
  EXPECT_NE(s.find(R"("client":"2.2.2.2")"), std::string::npos) << s;
  EXPECT_NE(s.find(R"("peer":"10.0.0.1")"), std::string::npos) << s;
  EXPECT_NE(s.find(R"("route":"unmatched")"), std::string::npos) << s;
  EXPECT_NE(s.find("\"user_agent\":\"t\\\"\xEF\xBF\xBD\""), std::string::npos) << s;
  EXPECT_NE(s.find(R"("status":404)"), std::string::npos) << s;
}

TEST_F(Http1CodecTest, ForwardedForThatIsNoAddressLogsThePeer) {
  config_.access_log = true;
  for (const char* xff : {"1.1.1.1, ", "1.1.1.1, not-an-ip", "<script>", "1.1.1.1,2001:db8::1x"}) {
    const std::string s = access_log_line(
        config_, state_, std::string("GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: ") + xff + "\r\n\r\n");
    EXPECT_NE(s.find(R"("client":"10.0.0.1")"), std::string::npos) << xff << ": " << s;
  }
  const std::string v6 =
      access_log_line(config_, state_, "GET / HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 1.1.1.1,\t2001:db8::1\r\n\r\n");
  EXPECT_NE(v6.find(R"("client":"2001:db8::1")"), std::string::npos) << v6;
}

}  // namespace
}  // namespace app
