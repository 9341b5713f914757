// The route table (routes.hpp): each route's path on its own listener only.
#include "routes.hpp"

#include <gtest/gtest.h>

namespace app {
namespace {

TEST(Routes, EachPathOnItsOwnListener) {
  EXPECT_EQ(match_route("/", Surface::main), Route::root);
  EXPECT_EQ(match_route("/healthz", Surface::main), Route::healthz);
  EXPECT_EQ(match_route("/readyz", Surface::main), Route::readyz);
  EXPECT_EQ(match_route("/version", Surface::main), Route::version);
  EXPECT_EQ(match_route("/metrics", Surface::metrics), Route::metrics);
  EXPECT_EQ(match_route("/metrics", Surface::main), Route::unmatched);
  EXPECT_EQ(match_route("/healthz", Surface::metrics), Route::unmatched);
  EXPECT_EQ(match_route("unmatched", Surface::main), Route::unmatched);
}

TEST(Routes, NamesAreTheTemplates) {
  EXPECT_EQ(route_name(Route::root), "/");
  EXPECT_EQ(route_name(Route::metrics), "/metrics");
  EXPECT_EQ(route_name(Route::unmatched), "unmatched");
}

}  // namespace
}  // namespace app
