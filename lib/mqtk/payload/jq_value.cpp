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

jv too_deep() { return libjq().jv_invalid_with_msg(libjq().jv_string("input exceeds jq's depth limit for parsing")); }

jv string_jv(const std::string& text) {
  // MQTT payloads end at 256 MiB, so this is a guard jv's int lengths need.
  if (text.size() > static_cast<std::size_t>(INT_MAX))
    return libjq().jv_invalid_with_msg(libjq().jv_string("string too long for jq"));
  return libjq().jv_string_sized(text.data(), static_cast<int>(text.size()));
}

// `open_entries` counts as jq's parser does (see kJqParsingDepthLimit): the
// entries on its stack while it reads `value`.
template <class Json>
jv convert(const Json& value, int open_entries) {
  using Kind = nlohmann::json::value_t;
  switch (value.type()) {
    case Kind::null:
    case Kind::discarded:
      return libjq().jv_null();
    case Kind::boolean:
      return libjq().jv_bool(value.template get<bool>());
    case Kind::number_integer:
      return libjq().jv_number(static_cast<double>(value.template get<std::int64_t>()));
    case Kind::number_unsigned:
      return libjq().jv_number(static_cast<double>(value.template get<std::uint64_t>()));
    case Kind::number_float:
      return libjq().jv_number(value.template get<double>());
    case Kind::string:
      return string_jv(value.template get_ref<const typename Json::string_t&>());
    case Kind::array: {
      if (open_entries >= kJqParsingDepthLimit) return too_deep();
      jv array = libjq().jv_array_sized(static_cast<int>(value.size()));
      for (const Json& element : value) {
        jv converted = convert(element, open_entries + 1);
        if (!libjq().jv_is_valid(converted)) {
          libjq().jv_free(array);
          return converted;
        }
        array = libjq().jv_array_append(array, converted);
      }
      return array;
    }
    case Kind::object: {
      if (open_entries >= kJqParsingDepthLimit) return too_deep();
      jv object = libjq().jv_object();
      for (auto member = value.begin(); member != value.end(); ++member) {
        jv converted = convert(member.value(), open_entries + 2);
        if (!libjq().jv_is_valid(converted)) {
          libjq().jv_free(object);
          return converted;
        }
        object = libjq().jv_object_set(object, string_jv(member.key()), converted);
      }
      return object;
    }
    case Kind::binary: {
      // As nlohmann prints it: {"bytes":[...],"subtype":null or a number}.
      if (open_entries + 2 >= kJqParsingDepthLimit) return too_deep();
      const auto& binary = value.get_binary();
      jv bytes = libjq().jv_array_sized(static_cast<int>(binary.size()));
      for (std::uint8_t byte : binary) bytes = libjq().jv_array_append(bytes, libjq().jv_number(byte));
      jv subtype = binary.has_subtype() ? libjq().jv_number(static_cast<double>(binary.subtype())) : libjq().jv_null();
      jv object = libjq().jv_object_set(libjq().jv_object(), libjq().jv_string("bytes"), bytes);
      return libjq().jv_object_set(object, libjq().jv_string("subtype"), subtype);
    }
  }
  return libjq().jv_null();
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
  switch (libjq().jv_get_kind(value)) {
    case JV_KIND_NULL:
      return nlohmann::ordered_json(nullptr);
    case JV_KIND_FALSE:
      return nlohmann::ordered_json(false);
    case JV_KIND_TRUE:
      return nlohmann::ordered_json(true);
    case JV_KIND_NUMBER:
      return json_of_number(libjq().jv_number_value(value));
    case JV_KIND_STRING: {
      std::string text(libjq().jv_string_value(value),
                       static_cast<std::size_t>(libjq().jv_string_length_bytes(libjq().jv_copy(value))));
      libjq().jv_free(value);
      return nlohmann::ordered_json(std::move(text));
    }
    case JV_KIND_ARRAY: {
      if (depth >= kJqOutputDepthLimit) break;
      nlohmann::ordered_json array = nlohmann::ordered_json::array();
      int length = libjq().jv_array_length(libjq().jv_copy(value));
      array.get_ref<nlohmann::ordered_json::array_t&>().reserve(static_cast<std::size_t>(length));
      for (int i = 0; i < length; ++i) {
        auto element = convert_back(libjq().jv_array_get(libjq().jv_copy(value), i), depth + 1);
        if (!element) break;
        array.push_back(std::move(*element));
      }
      libjq().jv_free(value);
      if (array.size() != static_cast<std::size_t>(length)) return std::nullopt;
      return array;
    }
    case JV_KIND_OBJECT: {
      if (depth >= kJqOutputDepthLimit) break;
      nlohmann::ordered_json object = nlohmann::ordered_json::object();
      // A jq object's keys are unique: appended without ordered_json's
      // search for each.
      auto& members = object.get_ref<nlohmann::ordered_json::object_t&>();
      for (int i = libjq().jv_object_iter(value); libjq().jv_object_iter_valid(value, i);
           i = libjq().jv_object_iter_next(value, i)) {
        auto member = convert_back(libjq().jv_object_iter_value(value, i), depth + 1);
        if (!member) {
          libjq().jv_free(value);
          return std::nullopt;
        }
        jv key = libjq().jv_object_iter_key(value, i);
        members.emplace_back(
            std::string(libjq().jv_string_value(key),
                        static_cast<std::size_t>(libjq().jv_string_length_bytes(libjq().jv_copy(key)))),
            std::move(*member));
        libjq().jv_free(key);
      }
      libjq().jv_free(value);
      return object;
    }
    case JV_KIND_INVALID:
      break;
  }
  libjq().jv_free(value);
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
