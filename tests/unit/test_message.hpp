// A received message for the record tests: QoS 1, not retained, received
// at 2020-05-06T21:48:00.123456789Z.
#pragma once

#include <string_view>

#include "mqtk/mqtt/message.hpp"

namespace test_support {

inline mqtk::Message message(std::string_view topic, std::string_view payload) {
  mqtk::Message m;
  m.topic = topic;
  m.payload = payload;
  m.qos = 1;
  m.received = timespec{1588801680, 123456789};
  return m;
}

}  // namespace test_support
