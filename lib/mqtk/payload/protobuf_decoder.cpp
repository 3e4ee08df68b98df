#include "mqtk/payload/protobuf_decoder.hpp"

#include <google/protobuf/compiler/importer.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>

#include <filesystem>
#include <utility>

#include "mqtk/base/error.hpp"
#include "mqtk/payload/protobuf_json.hpp"

namespace mqtk {

namespace {

namespace pb = google::protobuf;

// Keeps the first error only: the ones after it follow from it ("Import
// "b.proto" was not found or had errors" after b.proto's own error).
class FirstError : public pb::compiler::MultiFileErrorCollector {
 public:
  void AddError(const std::string& filename, int line, int column, const std::string& message) override {
    if (!first_.empty()) return;
    // Lines and columns arrive zero-based, -1 for the whole file.
    first_ = line < 0 ? filename + ": " + message
                      : filename + ":" + std::to_string(line + 1) + ":" + std::to_string(column + 1) + ": " + message;
  }
  const std::string& first() const { return first_; }

 private:
  std::string first_;
};

// "protobuf:dir/x.proto:pkg.Msg" as its file and message type; the type
// cannot hold ':', the file can.
std::pair<std::string, std::string> split_spec(std::string_view spec) {
  std::string_view rest = spec.substr(spec.find(':') + 1);
  std::size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size()) {
    throw UsageError("--decode: \"" + std::string(spec) +
                     "\" needs a schema and a message type: protobuf:FILE.proto:package.Message");
  }
  return {std::string(rest.substr(0, colon)), std::string(rest.substr(colon + 1))};
}

}  // namespace

struct ProtobufDecoder::Schema {
  // Declared in the order they depend on each other: destroyed in reverse,
  // the messages' factory before the pool their descriptors are in.
  pb::compiler::DiskSourceTree source_tree;
  FirstError errors;
  pb::compiler::Importer importer{&source_tree, &errors};
  pb::DynamicMessageFactory factory{importer.pool()};
};

ProtobufDecoder::ProtobufDecoder(std::string_view spec, const std::vector<std::string>& proto_paths)
    : name_(spec), schema_(std::make_unique<Schema>()) {
  auto [file, type_name] = split_spec(spec);
  type_name_ = type_name;
  pb::compiler::DiskSourceTree& tree = schema_->source_tree;
  tree.MapPath("", ".");
  for (const std::string& directory : proto_paths) tree.MapPath("", directory);
  // The importer takes names inside the search path ("a/b.proto", not
  // "./a/b.proto" or "/abs/b.proto"): find FILE's, or search its own
  // directory too.
  std::filesystem::path path = std::filesystem::path(file).lexically_normal();
  std::string virtual_file = path.generic_string();
  if (path.is_absolute() || virtual_file.starts_with("..")) {
    std::string shadowing;
    if (tree.DiskFileToVirtualFile(file, &virtual_file, &shadowing) != pb::compiler::DiskSourceTree::SUCCESS) {
      tree.MapPath("", path.parent_path().string());
      virtual_file = path.filename().string();
    }
  }
  const pb::FileDescriptor* schema = schema_->importer.Import(virtual_file);
  if (schema == nullptr) {
    throw UsageError("--decode: " +
                     (schema_->errors.first().empty() ? "cannot read " + file : schema_->errors.first()));
  }
  const pb::Descriptor* type = schema_->importer.pool()->FindMessageTypeByName(type_name);
  if (type == nullptr) {
    throw UsageError("--decode: no message type \"" + type_name + "\" in " + file +
                     " (a full name, with the package: package.Message)");
  }
  prototype_ = schema_->factory.GetPrototype(type);
}

ProtobufDecoder::~ProtobufDecoder() = default;

Decoded ProtobufDecoder::decode(std::string_view payload) const {
  std::unique_ptr<pb::Message> message = parse_message(*prototype_, payload);
  if (!message) return {{}, "not a valid " + type_name_};
  try {
    return {message_to_json(*message), {}};
  } catch (const PayloadFailure& failure) {
    return {{}, failure.what()};
  }
}

}  // namespace mqtk
