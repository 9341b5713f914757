#pragma once
// The result of an operation that fails with a reason worth printing: a
// value to return (and not ignore), instead of a bool plus a string
// out-parameter.
#include <string>
#include <utility>

namespace app {

struct [[nodiscard]] Outcome {
  std::string error;  // empty on success; one line, for a person

  static Outcome success() { return {}; }
  static Outcome failure(std::string why) { return {std::move(why)}; }
  bool ok() const { return error.empty(); }
};

}  // namespace app
