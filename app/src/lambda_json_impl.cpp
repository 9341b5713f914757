// The compiled part of Boost.JSON, built into the program once (header-only
// use): the aarch64 cross toolchain has no static libboost_json.a to link.
#include <boost/json/src.hpp>
