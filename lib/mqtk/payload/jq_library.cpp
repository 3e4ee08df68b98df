#include "mqtk/payload/jq_library.hpp"

namespace mqtk {

const JqLibrary& libjq() {
  static const JqLibrary loaded;
  return loaded;
}

}  // namespace mqtk
