// nlohmann/json's SAX events for JSON text, sent without its lexer. The lexer
// builds every string and number a byte at a time (about 80 instructions a
// byte of a long string: four fifths of mqtk-record's instructions with 1 KB
// payloads); the walk finds each string's end eight bytes at a time
// (find_string_special) and hands it over whole.
//
// Only for text that is known to be valid: scan_json() found it kValid. The
// walk checks nothing, so it never runs on anything else.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace mqtk {

using JsonSax = nlohmann::json_sax<nlohmann::json>;

enum class JsonWalk {
  kDone,     // every event sent
  kStopped,  // a handler returned false, as sax_parse returns false
  // A number that std::from_chars cannot give as a double (one that
  // underflows): the events sent so far stand for nothing, and the text is
  // for nlohmann's parser, which takes what strtod makes of it.
  kAskParser,
};

// Sends the events of `text` to `sax` as nlohmann::json::sax_parse(text,
// &sax) does (strict, JSON input): the same calls with the same values, in
// the same order. `text` must be valid UTF-8 that scan_json() finds kValid;
// its nesting is the depth of the walk's recursion.
JsonWalk walk_json(std::string_view text, JsonSax& sax);

}  // namespace mqtk
