#include "mqtk/payload/jq_library.hpp"

namespace mqtk {

const JqLibrary& jq_library() {
  static const JqLibrary loaded;
  return loaded;
}

}  // namespace mqtk
