#pragma once
// Version data baked in at build time (CMake cache variables APP_VERSION,
// APP_COMMIT, APP_BUILD_TIME; see version_info.cpp.in).
#include <string_view>

namespace app {

struct BuildInfo {
  std::string_view version;
  std::string_view commit;
  std::string_view build_time;
};

const BuildInfo& build_info();

}  // namespace app
