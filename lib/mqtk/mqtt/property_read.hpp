// Reading the text and binary properties of a received message. libmosquitto
// hands out malloc'ed copies; PropertyBytes owns one.
#pragma once

#include <optional>
#include <string_view>
#include <utility>

#include "mqtk/base/c_memory.hpp"
#include "mqtk/mqtt/mosquitto_types.hpp"

namespace mqtk {

class PropertyBytes {
 public:
  PropertyBytes(void* data, std::size_t size) : data_(static_cast<char*>(data)), size_(size) {}
  std::string_view view() const { return {data_ ? data_.get() : "", size_}; }

 private:
  CMemory<char> data_;
  std::size_t size_;
};

// The first property `identifier` at or after `from`; nothing when absent.
std::optional<PropertyBytes> read_string_property(const mosquitto_property* from, int identifier);
std::optional<PropertyBytes> read_binary_property(const mosquitto_property* from, int identifier);
// The user property at `from` itself (name, value).
std::optional<std::pair<PropertyBytes, PropertyBytes>> read_user_property(const mosquitto_property* from);

}  // namespace mqtk
