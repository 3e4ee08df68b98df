#include "mqtk/payload/binary_json.hpp"

#include <cstdint>
#include <exception>
#include <utility>
#include <vector>

#include "mqtk/base/payload_encoding.hpp"

namespace mqtk {

namespace {

using nlohmann::json;

// Builds the value from nlohmann's SAX events, as its own DOM parser does,
// with the bounds the header lists: returning false stops the reader
// before it goes deeper.
class BoundedBuilder {
 public:
  explicit BoundedBuilder(std::size_t payload_size) : value_budget_(payload_size) {}

  bool null() { return add(nullptr); }
  bool boolean(bool value) { return add(value); }
  bool number_integer(std::int64_t value) { return add(value); }
  bool number_unsigned(std::uint64_t value) { return add(value); }
  bool number_float(double value, const std::string&) { return add(value); }
  bool string(std::string& value) {
    if (!is_utf8(value)) return fail("a string is not UTF-8");
    return add(std::move(value));
  }
  bool binary(json::binary_t& bytes) {
    std::string text;
    append_base64(text, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    return add(std::move(text));
  }
  bool key(std::string& name) {
    if (!is_utf8(name)) return fail("a key is not UTF-8");
    key_ = std::move(name);
    return true;
  }
  bool start_object(std::size_t) { return open(json::object()); }
  bool start_array(std::size_t) { return open(json::array()); }
  bool end_object() { return close(); }
  bool end_array() { return close(); }
  bool parse_error(std::size_t, const std::string&, const json::exception& error) {
    // "[json.exception.parse_error.110] parse error at byte 3: ..." without
    // the bracket, which means nothing to a user.
    std::string_view what = error.what();
    if (std::size_t bracket = what.find("] "); what.starts_with('[') && bracket != what.npos) {
      what.remove_prefix(bracket + 2);
    }
    return fail(std::string(what));
  }

  const std::string& failure() const { return failure_; }
  json& value() { return root_; }

 private:
  bool fail(std::string why) {
    if (failure_.empty()) failure_ = std::move(why);
    return false;
  }

  // Places a value where the reader is: the root, the end of the open
  // array, or the open object's member under the last key.
  json* place(json&& value) {
    if (values_++ >= value_budget_) {
      fail("more values than the payload has bytes");
      return nullptr;
    }
    if (open_.empty()) return &(root_ = std::move(value));
    json& parent = *open_.back();
    if (parent.is_array()) {
      parent.push_back(std::move(value));
      return &parent.back();
    }
    return &(parent[key_] = std::move(value));
  }

  bool add(json&& value) { return place(std::move(value)) != nullptr; }

  // The open containers stay where they are while their children are
  // added: a parent only grows after its open child is closed.
  bool open(json&& container) {
    if (open_.size() >= kMaxDecodedDepth) {
      return fail("nests deeper than " + std::to_string(kMaxDecodedDepth) + " levels");
    }
    json* placed = place(std::move(container));
    if (placed == nullptr) return false;
    open_.push_back(placed);
    return true;
  }

  bool close() {
    open_.pop_back();
    return true;
  }

  json root_;
  std::vector<json*> open_;
  std::string key_;
  std::size_t values_ = 0;
  std::size_t value_budget_;
  std::string failure_;
};

json::input_format_t input_format(BinaryJson format) {
  switch (format) {
    case BinaryJson::kCbor:
      return json::input_format_t::cbor;
    case BinaryJson::kMessagePack:
      return json::input_format_t::msgpack;
    case BinaryJson::kBson:
      return json::input_format_t::bson;
    case BinaryJson::kUbjson:
      return json::input_format_t::ubjson;
    case BinaryJson::kBjdata:
      return json::input_format_t::bjdata;
  }
  return json::input_format_t::cbor;
}

// Tag 55799 as CBOR writes it: a mark that the bytes are CBOR, no value.
constexpr std::string_view kSelfDescribedCbor = "\xD9\xD9\xF7";

}  // namespace

BinaryJsonDecoder::BinaryJsonDecoder(BinaryJson format, std::string name) : format_(format), name_(std::move(name)) {}

Decoded BinaryJsonDecoder::decode(std::string_view payload) const {
  if (format_ == BinaryJson::kCbor && payload.starts_with(kSelfDescribedCbor)) {
    payload.remove_prefix(kSelfDescribedCbor.size());
  }
  BoundedBuilder builder(payload.size());
  try {
    if (json::sax_parse(payload.begin(), payload.end(), &builder, input_format(format_))) {
      return {std::move(builder.value()), {}};
    }
  } catch (const std::exception& error) {  // the readers' own exceptions, or memory running out
    return {{}, std::string("cannot be decoded: ") + error.what()};
  }
  return {{}, builder.failure().empty() ? "not valid " + name_ : builder.failure()};
}

}  // namespace mqtk
