#include "mqtk/payload/json_text.hpp"

namespace mqtk {

void append_json_text(const nlohmann::json& value, std::string& out) {
  // The decoders make UTF-8 strings only; replacing keeps a slip from
  // throwing on the per-message path.
  out.append(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void append_json_text(const nlohmann::ordered_json& value, std::string& out) {
  out.append(value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

}  // namespace mqtk
