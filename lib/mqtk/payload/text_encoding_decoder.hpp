// --decode base64 and --decode hex: payloads that are text spelling bytes.
// The value is the bytes as a JSON string when they are UTF-8 text; bytes
// that are not fail ("not UTF-8 after base64"), as does text that is not
// the encoding. base64 is the standard alphabet with padding; hex is pairs
// of digits in either case, without separators or space.
#pragma once

#include <string>
#include <string_view>

#include "mqtk/payload/payload_decoder.hpp"

namespace mqtk {

enum class TextEncoding { kBase64, kHex };

class TextEncodingDecoder : public PayloadDecoder {
 public:
  TextEncodingDecoder(TextEncoding encoding, std::string name);
  Decoded decode(std::string_view payload) const override;
  const std::string& name() const override { return name_; }

 private:
  TextEncoding encoding_;
  std::string name_;
};

}  // namespace mqtk
