#include "mqtk/payload/payload_decoding.hpp"

#include <string>

#include "mqtk/payload/protobuf_module_decoder.hpp"

namespace mqtk {

PayloadDecoding::PayloadDecoding(std::shared_ptr<const DecoderChoice> decoders, WarningCallback warn, Kept kept)
    : decoders_(std::move(decoders)), warnings_(std::move(warn)), kept_(kept) {}

const Decoded* PayloadDecoding::take(const Message& message) {
  decoder_ = decoders_->for_topic(message.topic);
  if (decoder_ == nullptr) return nullptr;
  const auto* module_decoder = dynamic_cast<const ProtobufModuleDecoder*>(decoder_);
  sparkplug_ = module_decoder != nullptr && module_decoder->sparkplug();
  decoded_ = decoder_->decode(message.payload);
  if (decoded_.ok()) {
    if (sparkplug_) aliases_.apply(message.topic, decoded_.value);
    return &decoded_;
  }
  ++failures_;
  warnings_.warn(std::string(message.topic) + (kept_ == Kept::kShown ? ": payload shown" : ": payload recorded") +
                 " as it came, not as " + decoder_->name() + ": " + decoded_.failure);
  return &decoded_;
}

}  // namespace mqtk
