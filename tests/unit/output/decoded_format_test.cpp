#include "mqtk/output/decoded_format.hpp"

#include <string>
#include <vector>

#include <doctest/doctest.h>

#include "mqtk/records/record_formats.hpp"

namespace {

mqtk::Message message(std::string_view topic, std::string_view payload) {
  mqtk::Message m;
  m.topic = topic;
  m.payload = payload;
  m.received = {1600000000, 0};
  return m;
}

mqtk::DecodedFormat decoded(std::unique_ptr<mqtk::MessageFormat> format, std::vector<std::string>& warnings) {
  return mqtk::DecodedFormat(
      std::move(format),
      mqtk::PayloadDecoding(std::make_shared<const mqtk::DecoderChoice>(mqtk::DecoderChoice::parse({"h/#=hex"}, {})),
                            [&](const std::string& w) { warnings.push_back(w); }));
}

}  // namespace

TEST_SUITE("decoded_format") {
  TEST_CASE("the format shows the decoded value's JSON text as the payload") {
    std::vector<std::string> warnings;
    auto format = decoded(mqtk::make_plain_format(true, true), warnings);
    std::string out;
    format.render(message("h/1", "7b2261223a317d"), out);  // {"a":1}, hex: a JSON string of it
    format.render(message("other", "7b7d"), out);
    format.render(message("h/2", "nope"), out);
    CHECK(out == "h/1 \"{\\\"a\\\":1}\"\nother 7b7d\nh/2 nope\n");
    CHECK(warnings.size() == 1);
  }

  TEST_CASE("--json: the decoded value is the record's payload, as JSON") {
    std::vector<std::string> warnings;
    auto format = decoded(std::make_unique<mqtk::JsonLinesFormat>(), warnings);
    std::string out;
    format.render(message("h/1", "6869"), out);
    CHECK(out.ends_with("\"topic\":\"h/1\",\"qos\":0,\"retain\":false,\"encoding\":\"json\",\"payload\":\"hi\"}\n"));
  }

  TEST_CASE("large payloads: framed by the format unless decoded") {
    std::vector<std::string> warnings;
    auto format = decoded(std::make_unique<mqtk::JsonLinesFormat>(), warnings);
    std::string payload;
    while (payload.size() < mqtk::kFramedPayloadBytes) payload += "61";  // hex of "a"
    mqtk::PayloadFrame frame;
    CHECK(format.frame(message("other", payload), frame));
    CHECK(frame.encoding == mqtk::PayloadFrame::Encoding::kJsonString);
    CHECK_FALSE(format.frame(message("h/1", payload), frame));  // rendered decoded instead
    std::string out;
    format.render(message("h/1", payload), out);
    CHECK(out.ends_with(",\"encoding\":\"json\",\"payload\":\"" + std::string(payload.size() / 2, 'a') + "\"}\n"));
    CHECK(warnings.empty());
  }
}
