#include "mqtk/output/formatted_output.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <random>
#include <string>

#include <doctest/doctest.h>

#include "mqtk/records/record_formats.hpp"
#include "temp_dir.hpp"

namespace {

std::string contents(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

// Large payloads of each kind the records tell apart.
std::vector<std::string> large_payloads() {
  std::string json = "[";
  while (json.size() < mqtk::kFramedPayloadBytes + 100) json += "12345,";
  json.back() = ']';
  std::string text(mqtk::kFramedPayloadBytes + 7, 'a');
  text[10] = '"';
  text[20] = '\n';
  text[text.size() - 3] = '\\';
  std::string binary(mqtk::kFramedPayloadBytes + 1, '\0');
  std::mt19937 random(1);
  for (char& c : binary) c = static_cast<char>(random());
  return {json, text, binary};
}

}  // namespace

TEST_SUITE("formatted_output") {
  TEST_CASE("a large payload is written straight through, the same bytes as rendered") {
    test_support::TempDir temp;
    for (bool json_lines : {false, true}) {
      for (const std::string& payload : large_payloads()) {
        std::unique_ptr<mqtk::MessageFormat> format =
            json_lines ? std::unique_ptr<mqtk::MessageFormat>(std::make_unique<mqtk::JsonLinesFormat>())
                       : mqtk::make_plain_format(true, true);
        mqtk::Message message;
        message.topic = "big";
        message.payload = payload;
        message.received = {1600000000, 0};
        std::string expected = "small\n";
        format->render(message, expected);
        std::string path = temp.directory + "/out";
        {
          std::ofstream(path, std::ios::trunc);
          int fd = ::open(path.c_str(), O_WRONLY | O_APPEND);
          REQUIRE(fd >= 0);
          {
            mqtk::OutputBuffer out(fd, false);
            mqtk::FormattedOutput sink(*format, out);
            out.append("small\n");  // buffered first, written first
            out.end_message();
            sink.write(message);
            CHECK(out.pending() == 0);  // nothing of it copied into the buffer
            CHECK(out.messages_written() == 2);
          }
          ::close(fd);
        }
        CHECK(contents(path) == expected);
      }
    }
  }
}
