// Sparkplug B metric aliases across births. An edge node announces its
// metrics (names, aliases, datatypes) in its NBIRTH, each device in its
// DBIRTH; the NDATA and DDATA that follow usually carry only the alias (and
// often no datatype), to save bytes. Remembering each birth's aliases lets a
// data message's metrics be shown and recorded by name:
//   spBv1.0/GROUP/NBIRTH/NODE          aliases of NODE
//   spBv1.0/GROUP/DBIRTH/NODE/DEVICE   aliases of DEVICE of NODE
// A new birth replaces what the last one said; NDEATH forgets the node and
// its devices, DDEATH the device. Only so many nodes and devices are kept
// (kMaxSparkplugSources): past that the one born longest ago is forgotten,
// so a stream of short-lived devices cannot grow memory without bound.
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>

namespace mqtk {

inline constexpr std::size_t kMaxSparkplugSources = 10'000;
// Aliases one birth may teach (a birth with more keeps the first ones).
inline constexpr std::size_t kMaxSparkplugAliases = 100'000;

class SparkplugAliases {
 public:
  explicit SparkplugAliases(std::size_t max_sources = kMaxSparkplugSources) : max_sources_(max_sources) {}

  // Learns from a birth, forgets on a death, and fills in a data message's
  // metrics: a metric with an alias but no name gets the name the birth gave
  // it, and its datatype when it carries none (a signed integer's value,
  // carried as two's complement, is then sign-converted as the decoder
  // would have done). `decoded` is the sparkplug decoder's value for a
  // message on `topic`; other topics (not spBv1.0) are left alone.
  void apply(std::string_view topic, nlohmann::json& decoded);

  // Nodes and devices whose aliases are kept.
  std::size_t sources() const { return by_source_.size(); }

 private:
  struct Known {
    std::string name;
    nlohmann::json datatype;  // null when the birth gave none
  };
  struct Source {
    std::unordered_map<std::uint64_t, Known> aliases;
    std::list<std::string>::iterator born;  // its place in born_
  };
  void learn(const std::string& source, const nlohmann::json& decoded);
  void forget(const std::string& source);
  void forget_devices_of(const std::string& node);
  void fill_in(const std::string& source, const std::string& node, nlohmann::json& decoded) const;

  std::size_t max_sources_;
  std::unordered_map<std::string, Source> by_source_;  // "GROUP/NODE" or "GROUP/NODE/DEVICE"
  std::list<std::string> born_;                        // oldest birth first
};

}  // namespace mqtk
