#include "mqtk/output/payload_decoding.hpp"

#include <string>

namespace mqtk {

const nlohmann::json* PayloadDecoding::decode(const Message& message) {
  const PayloadDecoder* decoder = decoders_.for_topic(message.topic);
  if (decoder == nullptr) return nullptr;
  decoded_ = decoder->decode(message.payload);
  if (decoded_.ok()) return &decoded_.value;
  warnings_.warn(std::string(message.topic) + ": payload shown as it came, not as " + decoder->name() + ": " +
                 decoded_.failure);
  return nullptr;
}

}  // namespace mqtk
