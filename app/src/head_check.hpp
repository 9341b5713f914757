#pragma once
// Checks on a raw request head that Beast's parser cannot make, run on the
// bytes before Beast sees them. Beast parses a head only once all of it has
// arrived (it consumes nothing before), so at a request boundary the input
// starts with the head and the checks see exactly what Beast will parse.
// Hand-written because Beast has no option for any of these:
// - leading empty lines (CRLF) are skipped, as RFC 9112 2.2 asks (Beast: 400);
// - obs-fold is rejected with 400 (RFC 9112 5.2; Beast unfolds it silently,
//   even inside Transfer-Encoding, where it would honour the folded coding);
// - the head's size is held to MAX_HEADER_BYTES exactly (Beast's
//   header_limit counts differently, and our input buffer is larger), with
//   414 when the request line alone does not fit (RFC 9110 15.5.15) and 431
//   otherwise;
// - bytes that cannot start a request line (a TLS handshake) get 400 at once
//   (Beast would reject them early; with this gate it sees only whole heads).
#include <cstddef>
#include <string_view>

namespace app {

struct HeadCheck {
  std::size_t empty_lines = 0;  // leading CRLF bytes to drop before the head
  int status = 0;               // 0: fine (so far); else 400, 414 or 431
  bool complete = false;        // the whole head (through its empty line) is in the input
  std::size_t scanned = 0;      // pass as `resume` next time: the search restarts here
};

// `input` starts at a request boundary; `limit` is MAX_HEADER_BYTES (the
// request line, the fields and the final empty line); `resume` is the last
// result's `scanned` while the input only grew (0 at first).
[[nodiscard]] HeadCheck check_head(std::string_view input, std::size_t limit, std::size_t resume = 0);

}  // namespace app
