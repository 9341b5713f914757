// The status table (status.hpp): lookups, and every error status answered
// with its own JSON code (router.cpp reads the table).
#include "status.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "router.hpp"

namespace app {
namespace {

TEST(Status, FindsListedCodesOnly) {
  EXPECT_EQ(find_status(404)->error, "not_found");
  EXPECT_EQ(status_index(200), 0u);
  EXPECT_EQ(find_status(418), nullptr);
  EXPECT_EQ(status_index(418), kStatuses.size());
}

TEST(Status, EveryErrorStatusHasItsJsonBody) {
  for (const auto& st : kStatuses) {
    if (st.code < 400) continue;
    EXPECT_FALSE(st.error.empty()) << st.code;
    Response r;
    error_response(st.code, "rid", r);
    EXPECT_EQ(r.status, st.code);
    const auto body = boost::json::parse(r.body).as_object();
    EXPECT_EQ(body.at("error").as_string(), st.error);
    EXPECT_EQ(body.at("message").as_string(), st.message);
  }
}

}  // namespace
}  // namespace app
