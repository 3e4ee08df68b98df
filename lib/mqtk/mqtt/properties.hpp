// MQTT v5 properties given on the command line with -D/--property.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mqtk/mqtt/mosquitto_types.hpp"

namespace mqtk {

// An owned libmosquitto property list (freed with the list).
class PropertyList {
 public:
  PropertyList() = default;
  PropertyList(const PropertyList& other);
  PropertyList& operator=(const PropertyList& other);
  PropertyList(PropertyList&& other) noexcept;
  PropertyList& operator=(PropertyList&& other) noexcept;
  ~PropertyList();

  const mosquitto_property* get() const { return head_; }
  mosquitto_property** out() { return &head_; }
  // Hands the list to a libmosquitto call that takes ownership of it.
  mosquitto_property* release() { return std::exchange(head_, nullptr); }
  bool empty() const { return head_ == nullptr; }
  bool contains(int identifier) const;

 private:
  mosquitto_property* head_ = nullptr;
};

// The properties for each MQTT command a client sends, as given with -D.
struct CommandProperties {
  PropertyList connect;
  PropertyList publish;
  PropertyList subscribe;
  PropertyList unsubscribe;
  PropertyList disconnect;
  PropertyList will;

  bool empty() const;
  // The commands that have at least one property, by -D name ("publish", ...).
  std::vector<std::string> commands_in_use() const;
};

// Adds one -D group: {command, property, value} or, for user-property,
// {command, "user-property", name, value}. Names and the command/property
// pairing follow mosquitto_pub/mosquitto_sub. Throws UsageError.
void add_property(CommandProperties& properties, const std::vector<std::string>& words);

// The longest string or binary value a property can have: its length is a
// 16-bit number on the wire (and libmosquitto cuts longer ones silently).
inline constexpr std::size_t kMaxPropertyBytes = 65535;

// Why `value` cannot be a string property's (`utf8`) or a binary property's
// value: too long, or (strings) a character MQTT strings may not hold. As
// the end of a sentence ("is 70000 bytes long; MQTT allows at most 65535");
// nothing when it can be sent as it is.
std::optional<std::string> property_value_problem(std::string_view value, bool utf8);

// Checks each list as a whole (duplicates, value ranges the protocol forbids).
// Throws UsageError.
void check_properties(const CommandProperties& properties);

}  // namespace mqtk
