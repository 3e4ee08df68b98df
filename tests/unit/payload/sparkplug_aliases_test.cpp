#include "mqtk/payload/sparkplug_aliases.hpp"

#include <string>

#include <doctest/doctest.h>

namespace {

using nlohmann::json;

json birth(std::uint64_t alias, const std::string& name, const std::string& datatype = "Double") {
  return {{"metrics", json::array({{{"name", name}, {"alias", alias}, {"datatype", datatype}, {"value", 0}}})}};
}

json data(std::uint64_t alias, json value = 1.5) {
  return {{"metrics", json::array({{{"alias", alias}, {"value", std::move(value)}}})}};
}

// A birth or death: what it teaches or forgets.
void tell(mqtk::SparkplugAliases& aliases, const std::string& topic, json decoded) { aliases.apply(topic, decoded); }

// The name SparkplugAliases gives the first metric of `decoded` on `topic`;
// "" when it gives none.
std::string named(mqtk::SparkplugAliases& aliases, const std::string& topic, json decoded) {
  aliases.apply(topic, decoded);
  return decoded["metrics"][0].value("name", "");
}

}  // namespace

TEST_SUITE("sparkplug_aliases") {
  TEST_CASE("a node's data by alias gets the name and datatype its birth gave") {
    mqtk::SparkplugAliases aliases;
    CHECK(named(aliases, "spBv1.0/g/NDATA/n1", data(7)) == "");  // no birth seen yet
    tell(aliases, "spBv1.0/g/NBIRTH/n1", birth(7, "temp"));
    json decoded = data(7);
    aliases.apply("spBv1.0/g/NDATA/n1", decoded);
    CHECK(decoded["metrics"][0] == json{{"alias", 7}, {"name", "temp"}, {"datatype", "Double"}, {"value", 1.5}});
    CHECK(named(aliases, "spBv1.0/g/NDATA/n1", data(8)) == "");     // an alias the birth did not give
    CHECK(named(aliases, "spBv1.0/g/NDATA/n2", data(7)) == "");     // another node
    CHECK(named(aliases, "spBv1.0/h/NDATA/n1", data(7)) == "");     // the same node name in another group
    CHECK(named(aliases, "spBv1.0/g/NCMD/n1", data(7)) == "temp");  // commands use the aliases too
    CHECK(named(aliases, "other/g/NDATA/n1", data(7)) == "");       // not Sparkplug B
  }

  TEST_CASE("a name the data carries is kept; a signed integer carried without datatype is sign-converted") {
    mqtk::SparkplugAliases aliases;
    tell(aliases, "spBv1.0/g/NBIRTH/n", birth(1, "level", "Int16"));
    json named_data = {{"metrics", json::array({{{"alias", 1}, {"name", "own"}, {"value", 1}}})}};
    aliases.apply("spBv1.0/g/NDATA/n", named_data);
    CHECK(named_data["metrics"][0]["name"] == "own");
    json carried = data(1, 4294967289U);  // -7 as two's complement in uint32
    aliases.apply("spBv1.0/g/NDATA/n", carried);
    CHECK(carried["metrics"][0]["value"] == -7);
    CHECK(carried["metrics"][0]["datatype"] == "Int16");
  }

  TEST_CASE("devices: their own births, the node's aliases too; deaths and rebirths forget") {
    mqtk::SparkplugAliases aliases;
    tell(aliases, "spBv1.0/g/NBIRTH/n", birth(1, "node metric"));
    tell(aliases, "spBv1.0/g/DBIRTH/n/d", birth(2, "device metric"));
    CHECK(named(aliases, "spBv1.0/g/DDATA/n/d", data(2)) == "device metric");
    CHECK(named(aliases, "spBv1.0/g/DDATA/n/d", data(1)) == "node metric");  // unique across node and devices
    CHECK(named(aliases, "spBv1.0/g/DDATA/n/other", data(2)) == "");
    tell(aliases, "spBv1.0/g/DDEATH/n/d", json::object());
    CHECK(named(aliases, "spBv1.0/g/DDATA/n/d", data(2)) == "");
    tell(aliases, "spBv1.0/g/DBIRTH/n/d", birth(2, "device metric"));
    tell(aliases, "spBv1.0/g/NBIRTH/n", birth(1, "renamed"));  // a new session: devices are born again
    CHECK(named(aliases, "spBv1.0/g/NDATA/n", data(1)) == "renamed");
    CHECK(named(aliases, "spBv1.0/g/DDATA/n/d", data(2)) == "");
    tell(aliases, "spBv1.0/g/NDEATH/n", json::object());
    CHECK(named(aliases, "spBv1.0/g/NDATA/n", data(1)) == "");
    CHECK(aliases.sources() == 0);
  }

  TEST_CASE("memory is bounded: past the cap the node born longest ago is forgotten") {
    mqtk::SparkplugAliases aliases(3);
    for (int node = 0; node < 5; ++node) {
      tell(aliases, "spBv1.0/g/NBIRTH/n" + std::to_string(node), birth(1, "m" + std::to_string(node)));
    }
    CHECK(aliases.sources() == 3);
    CHECK(named(aliases, "spBv1.0/g/NDATA/n1", data(1)) == "");
    CHECK(named(aliases, "spBv1.0/g/NDATA/n4", data(1)) == "m4");
    // A birth without aliases teaches nothing and keeps no entry.
    tell(aliases, "spBv1.0/g/NBIRTH/n4", json{{"metrics", json::array({{{"name", "x"}, {"value", 1}}})}});
    CHECK(aliases.sources() == 2);
  }
}
