#include "mqtk/records/record_decoding.hpp"

#include "mqtk/payload/sparkplug_decoder.hpp"

namespace mqtk {

RecordDecoding::RecordDecoding(std::shared_ptr<const DecoderChoice> choice, WarningCallback warn)
    : choice_(std::move(choice)), warnings_(std::move(warn)) {}

void RecordDecoding::take(const Message& message) {
  decoder_ = choice_->for_topic(message.topic);
  if (decoder_ == nullptr) return;
  sparkplug_ = dynamic_cast<const SparkplugDecoder*>(decoder_) != nullptr;
  decoded_ = decoder_->decode(message.payload);
  if (decoded_.ok()) return;
  ++failures_;
  warnings_.warn(std::string(message.topic) + ": payload recorded as it came, not as " + decoder_->name() + ": " +
                 decoded_.failure);
}

}  // namespace mqtk
