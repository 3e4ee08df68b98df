#include "mqtk/record/recording.hpp"

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"

TEST_SUITE("recording") {
  TEST_CASE("formats from extensions, else --format") {
    using mqtk::RecordFormat;
    CHECK(mqtk::format_for("a.jsonl", RecordFormat::kCsv) == RecordFormat::kJsonLines);
    CHECK(mqtk::format_for("a.csv", std::nullopt) == RecordFormat::kCsv);
    CHECK(mqtk::format_for("a.lp", std::nullopt) == RecordFormat::kLineProtocol);
    CHECK(mqtk::format_for("a.data", RecordFormat::kCsv) == RecordFormat::kCsv);
    CHECK(mqtk::format_for("-", std::nullopt) == RecordFormat::kJsonLines);
    CHECK(mqtk::parse_record_format("lp") == RecordFormat::kLineProtocol);
    CHECK_THROWS_AS(mqtk::parse_record_format("xml"), mqtk::UsageError);
  }
}
