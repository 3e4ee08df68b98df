// MQTT v5 message properties as JSON in mqtk's records (mqtk-sub --json and
// --csv, mqtk-record), and back for replay:
//   {"payload-format-indicator":1,"message-expiry-interval":60,
//    "content-type":"text/plain","response-topic":"r/t",
//    "correlation-data":"<base64>","subscription-identifiers":[3],
//    "user-properties":[["name","value"],...]}
// User properties keep their order and duplicates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mqtk/mqtt/properties.hpp"

namespace mqtk {

// An empty object when there are none.
nlohmann::ordered_json properties_to_json(const mosquitto_property* properties);

// Reads the publish properties a recorded message carried (subscription
// identifiers are the broker's and are left out) from the SAX events of
// their JSON value: an object, or null for none. No document is built:
// what is kept is what the property list will hold, members it does not
// know are skipped however large or deep, and a value of the wrong shape
// is a problem at once, so nesting and size cost nothing beyond that.
// The method names are nlohmann::json_sax's; each returns true (a problem
// is kept, and the rest of the value skipped, for take()).
class PropertiesJsonReader {
 public:
  bool null() { return scalar(Kind::kNull); }
  bool boolean(bool) { return scalar(Kind::kOther); }
  bool number_integer(std::int64_t) { return scalar(Kind::kOther); }
  bool number_unsigned(std::uint64_t value) {
    number_ = value;
    return scalar(Kind::kUnsigned);
  }
  bool number_float(double, const std::string&) { return scalar(Kind::kOther); }
  bool string(std::string& value) {
    text_ = &value;
    return scalar(Kind::kString);
  }
  bool start_object(std::size_t) { return open(Kind::kObject); }
  bool start_array(std::size_t) { return open(Kind::kArray); }
  bool key(std::string& name);
  bool end_object() { return close(); }
  bool end_array() { return close(); }

  // The whole value has been read.
  bool done() const { return started_ && depth_ == 0; }
  // The properties as a list for publishing. Throws Error naming the
  // property that is malformed, or that MQTT cannot carry (a string of more
  // than 65,535 bytes, a control character).
  PropertyList take();

 private:
  enum class Kind { kNull, kString, kUnsigned, kObject, kArray, kOther };
  enum class Member { kNone, kFormat, kExpiry, kContentType, kResponseTopic, kCorrelation, kUser, kSkipped };
  bool scalar(Kind kind);
  bool open(Kind kind);
  bool close();
  // A value where a member's value, a pair or a pair's string goes.
  void value(Kind kind);
  void problem(const std::string& text);
  bool skipping() const { return !problem_.empty() || skip_to_ >= 0; }

  int depth_ = 0;     // containers open inside the value
  int skip_to_ = -1;  // skipping a container until depth_ is back to this
  bool started_ = false;
  Member member_ = Member::kNone;  // whose value comes next (depth 1)
  std::uint64_t number_ = 0;
  std::string* text_ = nullptr;
  std::string problem_;
  unsigned seen_ = 0;  // members read, one bit per Member

  std::optional<std::uint32_t> payload_format_indicator_;
  std::optional<std::uint32_t> message_expiry_interval_;
  std::optional<std::string> content_type_;
  std::optional<std::string> response_topic_;
  std::optional<std::string> correlation_data_;  // base64
  std::vector<std::pair<std::string, std::string>> user_properties_;
  std::size_t pair_size_ = 0;  // strings in the user property being read
};

// The properties in a JSON text (the CSV column). Throws Error.
PropertyList publish_properties_from_json(std::string_view text);

}  // namespace mqtk
