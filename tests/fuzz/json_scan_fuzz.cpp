// scan_json and walk_json against their reference, nlohmann/json's strict
// parser: for any UTF-8 text, the scanner says valid exactly when the parser
// accepts the text and it nests no deeper than the limit (a small one here,
// so that the limit is met often), unless it defers to the parser; and for
// text it finds valid, the walk sends the parser's SAX events.
#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>

#include "fuzz_input.hpp"
#include "json_sax_log.hpp"
#include "mqtk/base/json_scan.hpp"
#include "mqtk/base/json_walk.hpp"
#include "mqtk/base/payload_encoding.hpp"

namespace {

constexpr std::size_t kMaxDepth = 8;

std::size_t depth_of(const nlohmann::json& value) {
  if (!value.is_structured()) return 0;
  std::size_t deepest = 0;
  for (const auto& item : value) deepest = std::max(deepest, depth_of(item));
  return deepest + 1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text = fuzz::text(data, size);
  // The parser takes a NUL byte for the end of its input; payloads with
  // one are never JSON to mqtk (classify_payload sends them to base64).
  if (!mqtk::is_utf8(text) || text.find('\0') != std::string_view::npos) return 0;
  mqtk::JsonScan scan = mqtk::scan_json(text, kMaxDepth);
  if (scan == mqtk::JsonScan::kAskParser) return 0;
  bool accepted = nlohmann::json::accept(text);
  // A deeper text is refused before the parser could overflow the stack.
  bool within_depth = accepted && depth_of(nlohmann::json::parse(text)) <= kMaxDepth;
  if ((scan == mqtk::JsonScan::kValid) != within_depth) __builtin_trap();
  if (scan == mqtk::JsonScan::kValid) {
    test_support::JsonSaxLog parsed;
    nlohmann::json::sax_parse(text, &parsed, nlohmann::json::input_format_t::json, true);
    test_support::JsonSaxLog walked;
    mqtk::JsonWalk walk = mqtk::walk_json(text, walked);
    if (walk != mqtk::JsonWalk::kAskParser && (walk != mqtk::JsonWalk::kDone || walked.text() != parsed.text())) {
      __builtin_trap();
    }
  }
  return 0;
}
