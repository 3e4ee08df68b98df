#include "mqtk/payload/json_text.hpp"

#include <string>

#include <doctest/doctest.h>

TEST_SUITE("json_text") {
  TEST_CASE("JSON text as --json embeds it: compact, never throwing") {
    std::string out;
    mqtk::append_json_text(nlohmann::json::parse(R"({"b": [1, 2.5, null], "a": "\u00e9"})"), out);
    CHECK(out == "{\"a\":\"\u00e9\",\"b\":[1,2.5,null]}");
    out.clear();
    mqtk::append_json_text(nlohmann::json(std::string("bad \xff")), out);
    CHECK(out == "\"bad \xEF\xBF\xBD\"");
  }
}
