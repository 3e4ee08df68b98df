// A message as received from the broker, valid during the call that hands it
// over (it points into libmosquitto's buffers).
#pragma once

#include <ctime>
#include <string_view>

#include "mqtk/mqtt/mosquitto_types.hpp"

namespace mqtk {

struct Message {
  std::string_view topic;
  std::string_view payload;  // raw bytes; may hold NULs and invalid UTF-8
  int qos = 0;
  bool retain = false;
  int mid = 0;
  const mosquitto_property* properties = nullptr;  // MQTT v5 only
  timespec received{};                             // wall-clock time the message was read
};

}  // namespace mqtk
