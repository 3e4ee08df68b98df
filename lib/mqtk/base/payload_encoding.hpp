// How a payload is written into text records (mqtk-sub --json/--csv and
// mqtk-record's files) so that its exact bytes can be read back:
//   json    the payload is a JSON document on one line that can stand as a
//           value inside the record: kept verbatim. Not when it starts with
//           a byte order mark or starts or ends with space (the parser skips
//           them around a document; inside a record they are invalid or
//           lost), nor when it nests deeper than kMaxEmbeddedDepth
//   utf-8   the payload is UTF-8 text (tab, newline, carriage return allowed)
//   base64  anything else (binary, other control characters)
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace mqtk {

enum class PayloadEncoding { kJson, kText, kBase64 };

// A JSON payload nesting deeper is recorded as text, so that the record
// stays readable by common tools: jq 1.6 (Debian 12's) stops at 256 levels,
// Python's json module near 1,000. mqtk's own reader has no limit.
inline constexpr std::size_t kMaxEmbeddedDepth = 128;

PayloadEncoding classify_payload(std::string_view payload);
std::string_view encoding_name(PayloadEncoding encoding);
std::optional<PayloadEncoding> encoding_from_name(std::string_view name);

// Well-formed UTF-8: no overlong forms, surrogates or code points past U+10FFFF.
bool is_utf8(std::string_view bytes);

// The well-formed UTF-8 character at the start of `bytes`; nothing when it
// is malformed (as is_utf8 judges) or `bytes` is empty.
struct Utf8Char {
  char32_t codepoint;
  std::size_t length;  // in bytes, 1 to 4
};
std::optional<Utf8Char> decode_utf8(std::string_view bytes);
// Appends code point `c` (at most U+10FFFF) encoded as UTF-8.
void append_utf8(std::string& out, char32_t c);

void append_base64(std::string& out, std::string_view bytes);

// UTF-8 text escaped for the inside of a JSON string, as nlohmann's dump()
// writes it (ensure_ascii off): \" \\ \b \f \n \r \t, other bytes below
// 0x20 as \u00xx, the rest as is. Written straight into `out` (dump() would
// copy a payload of up to 256 MB into a json value first).
void append_json_escaped(std::string& out, std::string_view text);
// Standard alphabet with padding; nothing on malformed input.
std::optional<std::string> decode_base64(std::string_view text);
// The same without a second copy of a large payload: `text` becomes the
// bytes. False on malformed input, and `text` is then garbage.
bool decode_base64_in_place(std::string& text);

}  // namespace mqtk
