#pragma once
// The routes, in one table: which path each answers on which listener, and
// its name in the access log and the metrics' `route` label.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace app {

// Which listener a request came in on: the public one (behind the load
// balancer) or the metrics one (METRICS_PORT, inside the VPC only).
enum class Surface : std::uint8_t { main, metrics };

// Route templates: the only values the `route` label can take.
enum class Route : std::uint8_t { root, healthz, readyz, version, metrics, unmatched };

struct RouteInfo {
  Route route;
  std::string_view path;  // also its name; "unmatched" for no route
  Surface surface;
};

// In Route's order (checked below): route_name() indexes it.
inline constexpr std::array<RouteInfo, 6> kRoutes = {{
    {Route::root, "/", Surface::main},
    {Route::healthz, "/healthz", Surface::main},
    {Route::readyz, "/readyz", Surface::main},
    {Route::version, "/version", Surface::main},
    {Route::metrics, "/metrics", Surface::metrics},
    {Route::unmatched, "unmatched", Surface::main},
}};
inline constexpr std::size_t kRouteCount = kRoutes.size();

constexpr bool routes_in_enum_order() {
  for (std::size_t i = 0; i < kRoutes.size(); ++i) {
    if (static_cast<std::size_t>(kRoutes[i].route) != i) return false;
  }
  return true;
}
static_assert(routes_in_enum_order());

constexpr std::string_view route_name(Route r) { return kRoutes[static_cast<std::size_t>(r)].path; }

// The route for a request path (no query) on a listener.
constexpr Route match_route(std::string_view path, Surface surface) {
  for (const auto& r : kRoutes) {
    if (r.route != Route::unmatched && r.surface == surface && r.path == path) return r.route;
  }
  return Route::unmatched;
}

}  // namespace app
