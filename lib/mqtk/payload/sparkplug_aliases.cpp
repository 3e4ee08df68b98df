#include "mqtk/payload/sparkplug_aliases.hpp"

#include <optional>
#include <vector>

namespace mqtk {
namespace {

// The levels of a Sparkplug B topic: spBv1.0/GROUP/TYPE/NODE[/DEVICE].
struct SparkplugTopic {
  std::string_view type;
  std::string node;    // "GROUP/NODE"
  std::string source;  // "GROUP/NODE" or "GROUP/NODE/DEVICE"
  bool device = false;
};

std::optional<SparkplugTopic> parse_topic(std::string_view topic) {
  std::vector<std::string_view> levels;
  for (std::size_t start = 0;;) {
    std::size_t slash = topic.find('/', start);
    levels.push_back(topic.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if ((levels.size() != 4 && levels.size() != 5) || levels[0] != "spBv1.0") return std::nullopt;
  SparkplugTopic parsed;
  parsed.type = levels[2];
  parsed.node = std::string(levels[1]) + "/" + std::string(levels[3]);
  parsed.device = levels.size() == 5;
  parsed.source = parsed.device ? parsed.node + "/" + std::string(levels[4]) : parsed.node;
  return parsed;
}

// A value carried as the two's complement of a signed integer of `datatype`
// in an unsigned field (what the decoder shows without a datatype), as the
// signed number.
void sign_convert(const nlohmann::json& datatype, nlohmann::json& value) {
  if (!datatype.is_string() || !value.is_number_unsigned()) return;
  const std::string& type = datatype.get_ref<const std::string&>();
  auto carried = value.get<std::uint64_t>();
  if (type == "Int8") {
    value = static_cast<std::int8_t>(static_cast<std::uint8_t>(carried));
  } else if (type == "Int16") {
    value = static_cast<std::int16_t>(static_cast<std::uint16_t>(carried));
  } else if (type == "Int32") {
    value = static_cast<std::int32_t>(static_cast<std::uint32_t>(carried));
  } else if (type == "Int64") {
    value = static_cast<std::int64_t>(carried);
  }
}

const nlohmann::json* metrics_of(const nlohmann::json& decoded) {
  if (!decoded.is_object()) return nullptr;
  auto metrics = decoded.find("metrics");
  return metrics != decoded.end() && metrics->is_array() ? &*metrics : nullptr;
}

}  // namespace

void SparkplugAliases::apply(std::string_view topic, nlohmann::json& decoded) {
  std::optional<SparkplugTopic> parsed = parse_topic(topic);
  if (!parsed) return;
  const std::string_view type = parsed->type;
  if (type == "NBIRTH" || type == "DBIRTH") {
    // A node's new birth begins a new session: its devices are born again after it.
    if (type == "NBIRTH") forget_devices_of(parsed->node);
    learn(parsed->source, decoded);
  } else if (type == "NDEATH") {
    forget_devices_of(parsed->node);
    forget(parsed->node);
  } else if (type == "DDEATH") {
    forget(parsed->source);
  } else {
    fill_in(parsed->source, parsed->node, decoded);  // NDATA, DDATA, NCMD, DCMD
  }
}

void SparkplugAliases::learn(const std::string& source, const nlohmann::json& decoded) {
  forget(source);
  const nlohmann::json* metrics = metrics_of(decoded);
  if (metrics == nullptr) return;
  Source learned;
  for (const nlohmann::json& metric : *metrics) {
    if (learned.aliases.size() == kMaxSparkplugAliases) break;
    if (!metric.is_object()) continue;
    auto alias = metric.find("alias");
    auto name = metric.find("name");
    if (alias == metric.end() || !alias->is_number_unsigned() || name == metric.end() || !name->is_string()) continue;
    auto datatype = metric.find("datatype");
    learned.aliases[alias->get<std::uint64_t>()] =
        Known{name->get<std::string>(), datatype == metric.end() ? nlohmann::json() : *datatype};
  }
  if (learned.aliases.empty()) return;
  if (by_source_.size() >= max_sources_ && !born_.empty()) forget(born_.front());
  born_.push_back(source);
  learned.born = std::prev(born_.end());
  by_source_.emplace(source, std::move(learned));
}

void SparkplugAliases::forget(const std::string& source) {
  auto found = by_source_.find(source);
  if (found == by_source_.end()) return;
  born_.erase(found->second.born);
  by_source_.erase(found);
}

void SparkplugAliases::forget_devices_of(const std::string& node) {
  std::string prefix = node + "/";
  std::vector<std::string> devices;
  for (const auto& [source, known] : by_source_) {
    if (source.compare(0, prefix.size(), prefix) == 0) devices.push_back(source);
  }
  for (const std::string& device : devices) forget(device);
}

void SparkplugAliases::fill_in(const std::string& source, const std::string& node, nlohmann::json& decoded) const {
  // Aliases are unique across a node and its devices: a device's data may
  // name an alias of the node's birth.
  auto in_device = by_source_.find(source);
  auto in_node = by_source_.find(node);
  if ((in_device == by_source_.end() && in_node == by_source_.end()) || metrics_of(decoded) == nullptr) return;
  auto look_up = [&](std::uint64_t alias) -> const Known* {
    for (auto at : {in_device, in_node}) {
      if (at == by_source_.end()) continue;
      if (auto known = at->second.aliases.find(alias); known != at->second.aliases.end()) return &known->second;
    }
    return nullptr;
  };
  for (nlohmann::json& metric : decoded["metrics"]) {
    if (!metric.is_object() || metric.contains("name")) continue;
    auto alias = metric.find("alias");
    if (alias == metric.end() || !alias->is_number_unsigned()) continue;
    const Known* known = look_up(alias->get<std::uint64_t>());
    if (known == nullptr) continue;
    metric["name"] = known->name;
    if (!metric.contains("datatype") && !known->datatype.is_null()) {
      metric["datatype"] = known->datatype;
      if (auto value = metric.find("value"); value != metric.end()) sign_convert(known->datatype, *value);
    }
  }
}

}  // namespace mqtk
