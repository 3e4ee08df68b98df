#include "mqtk/cli/payload_flags.hpp"

#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>

#include "mqtk/base/error.hpp"

namespace mqtk {

void add_decode_flags(CLI::App& app, PayloadFlags& flags, const std::string& group) {
  app.add_option("--decode", flags.decode,
                 "Show payloads as JSON, decoded from cbor, msgpack, bson, ubjson, bjdata, "
                 "protobuf:FILE.proto:package.Message, sparkplug, base64 or hex; with FILTER= only on the topics "
                 "it matches; repeatable, the first match wins")
      ->type_name("[FILTER=]DECODER")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->group(group);
  app.add_option("--proto-path", flags.proto_paths,
                 "Look for protobuf schemas and their imports here too, after the current directory; repeatable")
      ->type_name("DIR")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->group(group);
}

void add_jq_flags(CLI::App& /*app*/, PayloadFlags& /*flags*/, const std::string& /*group*/) {
  // --jq and -r/--raw arrive with the jq program (payload/jq_program).
}

void add_payload_flags(CLI::App& app, PayloadFlags& flags, const std::string& group) {
  add_decode_flags(app, flags, group);
  add_jq_flags(app, flags, group);
}

PayloadSetup check_payload_flags(const PayloadFlags& flags) {
  if (!flags.proto_paths.empty() && flags.decode.empty()) {
    throw UsageError("--proto-path: where protobuf schemas are found; give --decode protobuf:FILE.proto:MESSAGE too");
  }
  for (const std::string& path : flags.proto_paths) {
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0) throw UsageError("--proto-path " + path + ": " + std::strerror(errno));
    if (!S_ISDIR(status.st_mode)) throw UsageError("--proto-path " + path + ": not a directory");
  }
  return PayloadSetup{DecoderChoice::parse(flags.decode, flags.proto_paths)};
}

}  // namespace mqtk
