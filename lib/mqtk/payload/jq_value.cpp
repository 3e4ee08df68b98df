#include "mqtk/payload/jq_value.hpp"

#include <cfloat>
#include <climits>
#include <cmath>
#include <cstdint>
#include <string>

#include "mqtk/payload/jq_library.hpp"

namespace mqtk {
namespace {

// Integers a double holds exactly, all of them.
constexpr double kExactIntegers = 9007199254740992.0;  // 2^53

jv too_deep() {
  return jq_library().jv_invalid_with_msg(jq_library().jv_string("input exceeds jq's depth limit for parsing"));
}

jv string_jv(const std::string& text) {
  // MQTT payloads end at 256 MiB, so this is a guard jv's int lengths need.
  if (text.size() > static_cast<std::size_t>(INT_MAX))
    return jq_library().jv_invalid_with_msg(jq_library().jv_string("string too long for jq"));
  return jq_library().jv_string_sized(text.data(), static_cast<int>(text.size()));
}

// `open_entries` counts as jq's parser does (see kJqParsingDepthLimit): the
// entries on its stack while it reads `value`.
template <class Json>
jv convert(const Json& value, int open_entries) {
  using Kind = nlohmann::json::value_t;
  switch (value.type()) {
    case Kind::null:
    case Kind::discarded:
      return jq_library().jv_null();
    case Kind::boolean:
      return jq_library().jv_bool(value.template get<bool>());
    case Kind::number_integer:
      return jq_library().jv_number(static_cast<double>(value.template get<std::int64_t>()));
    case Kind::number_unsigned:
      return jq_library().jv_number(static_cast<double>(value.template get<std::uint64_t>()));
    case Kind::number_float:
      return jq_library().jv_number(value.template get<double>());
    case Kind::string:
      return string_jv(value.template get_ref<const typename Json::string_t&>());
    case Kind::array: {
      if (open_entries >= kJqParsingDepthLimit) return too_deep();
      jv array = jq_library().jv_array_sized(static_cast<int>(value.size()));
      for (const Json& element : value) {
        jv converted = convert(element, open_entries + 1);
        if (!jq_library().jv_is_valid(converted)) {
          jq_library().jv_free(array);
          return converted;
        }
        array = jq_library().jv_array_append(array, converted);
      }
      return array;
    }
    case Kind::object: {
      if (open_entries >= kJqParsingDepthLimit) return too_deep();
      jv object = jq_library().jv_object();
      for (auto member = value.begin(); member != value.end(); ++member) {
        jv converted = convert(member.value(), open_entries + 2);
        if (!jq_library().jv_is_valid(converted)) {
          jq_library().jv_free(object);
          return converted;
        }
        object = jq_library().jv_object_set(object, string_jv(member.key()), converted);
      }
      return object;
    }
    case Kind::binary: {
      // As nlohmann prints it: {"bytes":[...],"subtype":null or a number}.
      if (open_entries + 2 >= kJqParsingDepthLimit) return too_deep();
      const auto& binary = value.get_binary();
      jv bytes = jq_library().jv_array_sized(static_cast<int>(binary.size()));
      for (std::uint8_t byte : binary) bytes = jq_library().jv_array_append(bytes, jq_library().jv_number(byte));
      jv subtype =
          binary.has_subtype() ? jq_library().jv_number(static_cast<double>(binary.subtype())) : jq_library().jv_null();
      jv object = jq_library().jv_object_set(jq_library().jv_object(), jq_library().jv_string("bytes"), bytes);
      return jq_library().jv_object_set(object, jq_library().jv_string("subtype"), subtype);
    }
  }
  return jq_library().jv_null();
}

nlohmann::ordered_json json_of_number(double number) {
  if (std::isnan(number)) return nullptr;
  if (std::isinf(number)) return number > 0 ? DBL_MAX : -DBL_MAX;
  bool integral = std::trunc(number) == number && std::fabs(number) <= kExactIntegers;
  // -0 stays a double: as an integer its sign would be lost (jq prints -0).
  if (integral && !(number == 0 && std::signbit(number))) return static_cast<std::int64_t>(number);
  return number;
}

std::optional<nlohmann::ordered_json> convert_back(jv value, int depth) {
  switch (jq_library().jv_get_kind(value)) {
    case JV_KIND_NULL:
      return nlohmann::ordered_json(nullptr);
    case JV_KIND_FALSE:
      return nlohmann::ordered_json(false);
    case JV_KIND_TRUE:
      return nlohmann::ordered_json(true);
    case JV_KIND_NUMBER:
      return json_of_number(jq_library().jv_number_value(value));
    case JV_KIND_STRING: {
      std::string text(jq_library().jv_string_value(value),
                       static_cast<std::size_t>(jq_library().jv_string_length_bytes(jq_library().jv_copy(value))));
      jq_library().jv_free(value);
      return nlohmann::ordered_json(std::move(text));
    }
    case JV_KIND_ARRAY: {
      if (depth >= kJqOutputDepthLimit) break;
      nlohmann::ordered_json array = nlohmann::ordered_json::array();
      int length = jq_library().jv_array_length(jq_library().jv_copy(value));
      array.get_ref<nlohmann::ordered_json::array_t&>().reserve(static_cast<std::size_t>(length));
      for (int i = 0; i < length; ++i) {
        auto element = convert_back(jq_library().jv_array_get(jq_library().jv_copy(value), i), depth + 1);
        if (!element) break;
        array.push_back(std::move(*element));
      }
      jq_library().jv_free(value);
      if (array.size() != static_cast<std::size_t>(length)) return std::nullopt;
      return array;
    }
    case JV_KIND_OBJECT: {
      if (depth >= kJqOutputDepthLimit) break;
      nlohmann::ordered_json object = nlohmann::ordered_json::object();
      // A jq object's keys are unique: appended without ordered_json's
      // search for each.
      auto& members = object.get_ref<nlohmann::ordered_json::object_t&>();
      for (int i = jq_library().jv_object_iter(value); jq_library().jv_object_iter_valid(value, i);
           i = jq_library().jv_object_iter_next(value, i)) {
        auto member = convert_back(jq_library().jv_object_iter_value(value, i), depth + 1);
        if (!member) {
          jq_library().jv_free(value);
          return std::nullopt;
        }
        jv key = jq_library().jv_object_iter_key(value, i);
        members.emplace_back(
            std::string(jq_library().jv_string_value(key),
                        static_cast<std::size_t>(jq_library().jv_string_length_bytes(jq_library().jv_copy(key)))),
            std::move(*member));
        jq_library().jv_free(key);
      }
      jq_library().jv_free(value);
      return object;
    }
    case JV_KIND_INVALID:
      break;
  }
  jq_library().jv_free(value);
  return std::nullopt;
}

}  // namespace

template <class Json>
jv jv_of_json(const Json& value) {
  return convert(value, 0);
}

template jv jv_of_json(const nlohmann::json&);
template jv jv_of_json(const nlohmann::ordered_json&);

std::optional<nlohmann::ordered_json> json_of_jv(jv value) { return convert_back(value, 0); }

}  // namespace mqtk
