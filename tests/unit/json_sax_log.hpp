// A record of the SAX events nlohmann/json's parser sends, one line each with
// its value's type and value: for comparing another source of the same events
// (base/json_walk) with the parser, in the unit tests and the json_scan fuzz
// target.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "mqtk/base/json_walk.hpp"

namespace test_support {

class JsonSaxLog final : public mqtk::JsonSax {
 public:
  // Returns false (stops the walk) at the event numbered `stop_at`.
  explicit JsonSaxLog(std::size_t stop_at = std::string::npos) : stop_at_(stop_at) {}

  bool null() override { return add("null"); }
  bool boolean(bool value) override { return add(value ? "true" : "false"); }
  bool number_integer(number_integer_t value) override { return add("integer " + std::to_string(value)); }
  bool number_unsigned(number_unsigned_t value) override { return add("unsigned " + std::to_string(value)); }
  bool number_float(number_float_t value, const string_t& text) override {
    return add("float " + nlohmann::json(value).dump() + " " + text);
  }
  bool string(string_t& value) override { return add("string " + nlohmann::json(value).dump()); }
  bool binary(binary_t&) override { return add("binary"); }
  bool start_object(std::size_t size) override { return add("{ " + std::to_string(size)); }
  bool key(string_t& value) override { return add("key " + nlohmann::json(value).dump()); }
  bool end_object() override { return add("}"); }
  bool start_array(std::size_t size) override { return add("[ " + std::to_string(size)); }
  bool end_array() override { return add("]"); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return add("parse error");
  }

  const std::string& text() const { return log_; }

 private:
  bool add(const std::string& event) {
    log_ += event;
    log_ += '\n';
    return ++count_ != stop_at_;
  }

  std::string log_;
  std::size_t count_ = 0;
  std::size_t stop_at_;
};

}  // namespace test_support
