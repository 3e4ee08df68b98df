// The payload decoders' fixtures (fixtures/make_fixtures.py made them with
// real encoders): payloads and the JSON they should decode to.
#pragma once

#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include <doctest/doctest.h>

namespace test_support {

inline std::string fixture_path(const std::string& name) { return std::string(MQTK_PAYLOAD_FIXTURES) + "/" + name; }

inline std::string fixture(const std::string& name) {
  std::ifstream in(fixture_path(name), std::ios::binary);
  REQUIRE_MESSAGE(in, "missing fixture " << name);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline nlohmann::json expected_json(const std::string& name) { return nlohmann::json::parse(fixture(name)); }

}  // namespace test_support
