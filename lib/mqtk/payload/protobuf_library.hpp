// mqtk-protobuf.so's functions (protobuf_module.hpp), loaded by the first
// protobuf or Sparkplug decoder a run makes. The module is installed with
// the tools, in the library directory's mqtk/ folder
// (/usr/lib/mqtk/mqtk-protobuf.so beside /usr/bin/mqtk-sub), and looked up
// from where the running tool is, so that a build directory's tools load
// the build's module. Named as the module's functions:
// protobuf_library().mqtk_protobuf_decode(...).
#pragma once

#include <string>

#include "mqtk/base/shared_library.hpp"
#include "mqtk/payload/protobuf_module.hpp"

namespace mqtk {

// Where the running tool finds the module.
std::string protobuf_module_path();

struct ProtobufLibrary {
  std::string path = protobuf_module_path();
  SharedLibrary library{path.c_str(), "--decode protobuf and sparkplug"};
  decltype(::mqtk_protobuf_open)* mqtk_protobuf_open =
      library.function<decltype(::mqtk_protobuf_open)>("mqtk_protobuf_open");
  decltype(::mqtk_sparkplug_open)* mqtk_sparkplug_open =
      library.function<decltype(::mqtk_sparkplug_open)>("mqtk_sparkplug_open");
  decltype(::mqtk_protobuf_decode)* mqtk_protobuf_decode =
      library.function<decltype(::mqtk_protobuf_decode)>("mqtk_protobuf_decode");
  decltype(::mqtk_protobuf_close)* mqtk_protobuf_close =
      library.function<decltype(::mqtk_protobuf_close)>("mqtk_protobuf_close");
  decltype(::mqtk_protobuf_free)* mqtk_protobuf_free =
      library.function<decltype(::mqtk_protobuf_free)>("mqtk_protobuf_free");
};

// Loaded at the first call. Throws Error when the module cannot be loaded.
const ProtobufLibrary& protobuf_library();

}  // namespace mqtk
