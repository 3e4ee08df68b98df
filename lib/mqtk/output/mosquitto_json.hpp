// mosquitto_sub's %j and %J output, byte for byte as Debian's mosquitto_sub
// 2.0 prints it through cJSON 1.7: the same keys in the same order, cJSON's
// escaping and number printing, its --pretty layout (tabs), and for %J its
// way of reading the payload as JSON and writing it out again.
#pragma once

#include <string>
#include <string_view>

#include "mqtk/mqtt/message.hpp"

namespace mqtk {

// Whose output to match where mosquitto_sub 2.0 and 2.1 print the same -F
// format differently: 2.0 (Debian 12's 2.0.11, the default) or 2.1.
enum class FormatVersion { kMosquitto20, kMosquitto21 };

// Appends the JSON object for `message`; `timestamp` is the "tst" text.
// With `escaped_payload` (%j) the payload is a string (cut at its first NUL
// byte, as a C string is); otherwise (%J) it must itself be JSON, and when it
// is not, nothing is appended and false is returned. 2.1 writes "retain" as
// true/false, the user properties as an array of one-member objects (2.0: one
// object, repeated keys and all) and a topic alias as it is.
bool append_mosquitto_json(const Message& message, std::string_view timestamp, bool escaped_payload, bool pretty,
                           std::string& out, FormatVersion version = FormatVersion::kMosquitto20);

// cJSON's pieces, exposed for testing.
namespace cjson {

// A string as cJSON prints it: quoted, \" \\ \b \f \n \r \t escaped, other
// bytes below 32 as \u00xx, everything else (any byte >= 0x80) as is. Ends
// at the first NUL byte.
void append_string(std::string& out, std::string_view bytes);

// A number as cJSON prints it: %1.15g, or %1.17g when that does not read
// back as the same double; NaN and infinities as null.
void append_number(std::string& out, double value);

// Parses `text` as cJSON does (with its leniencies: any byte <= 32 is
// whitespace, a UTF-8 BOM is skipped, numbers are what strtod reads) and
// appends it as cJSON prints it at nesting `depth`. Returns false, leaving
// `out` as it was, when cJSON would not parse it.
bool reprint(std::string_view text, bool pretty, int depth, std::string& out);

}  // namespace cjson
}  // namespace mqtk
