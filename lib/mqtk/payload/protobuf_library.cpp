#include "mqtk/payload/protobuf_library.hpp"

#include <filesystem>
#include <system_error>

#include "mqtk/base/error.hpp"

namespace mqtk {

std::string protobuf_module_path() {
  // MQTK_PROTOBUF_MODULE: the module's path from the tools' directory, the
  // same in a build directory as where they are installed (lib/CMakeLists.txt).
  std::error_code error;
  std::filesystem::path tool = std::filesystem::read_symlink("/proc/self/exe", error);
  // Never a path relative to the working directory, which would load
  // whatever is there.
  if (error)
    throw Error("--decode protobuf and sparkplug: cannot tell where this tool is (/proc/self/exe: " + error.message() +
                ")");
  return (tool.parent_path() / MQTK_PROTOBUF_MODULE).lexically_normal().string();
}

const ProtobufLibrary& protobuf_library() {
  static const ProtobufLibrary loaded;
  return loaded;
}

}  // namespace mqtk
