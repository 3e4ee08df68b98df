#include "mqtk/payload/decoder_choice.hpp"

#include <utility>

#include "mqtk/mqtt/topic.hpp"

namespace mqtk {

namespace {

struct FilterAndSpec {
  std::string_view filter;  // empty when the value has none
  std::string_view spec;
};

FilterAndSpec split_decode_value(std::string_view value) {
  for (std::size_t equals = value.rfind('='); equals != std::string_view::npos;
       equals = equals == 0 ? std::string_view::npos : value.rfind('=', equals - 1)) {
    if (names_decoder(value.substr(equals + 1))) return {value.substr(0, equals), value.substr(equals + 1)};
  }
  return {{}, value};
}

}  // namespace

DecoderChoice DecoderChoice::parse(const std::vector<std::string>& decode_flags,
                                   const std::vector<std::string>& proto_paths) {
  DecoderChoice choice;
  for (const std::string& value : decode_flags) {
    auto [filter, spec] = split_decode_value(value);
    bool has_filter = spec.size() < value.size();
    if (has_filter) check_topic_filter(filter, "--decode");
    const PayloadDecoder* decoder = nullptr;
    for (const auto& made : choice.decoders_) {
      if (made->name() == spec) decoder = made.get();
    }
    if (decoder == nullptr) {
      choice.decoders_.push_back(make_payload_decoder(spec, proto_paths));
      decoder = choice.decoders_.back().get();
    }
    choice.rules_.push_back({has_filter ? std::string(filter) : std::string(), decoder});
  }
  return choice;
}

const PayloadDecoder* DecoderChoice::for_topic(std::string_view topic) const {
  for (const Rule& rule : rules_) {
    if (rule.filter.empty() || topic_matches(rule.filter, topic)) return rule.decoder;
  }
  return nullptr;
}

}  // namespace mqtk
