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

void add_jq_flags(CLI::App& app, PayloadFlags& flags, const std::string& group) {
  app.add_option("--jq", flags.jq,
                 "Print what this jq program makes of each message's --json record, one output a line "
                 "(as jq -c); no output: the message is left out")
      ->type_name("EXPR")
      ->group(group);
  app.add_flag("-r,--raw", flags.raw, "With --jq, print string outputs as their text (as jq -r)")->group(group);
}

void add_payload_flags(CLI::App& app, PayloadFlags& flags, const std::string& group) {
  add_decode_flags(app, flags, group);
  add_jq_flags(app, flags, group);
}

PayloadSetup check_payload_flags(const PayloadFlags& flags, WarningCallback debug) {
  if (!flags.proto_paths.empty() && flags.decode.empty()) {
    throw UsageError("--proto-path: where protobuf schemas are found; give --decode protobuf:FILE.proto:MESSAGE too");
  }
  for (const std::string& path : flags.proto_paths) {
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0) throw UsageError("--proto-path " + path + ": " + std::strerror(errno));
    if (!S_ISDIR(status.st_mode)) throw UsageError("--proto-path " + path + ": not a directory");
  }
  if (flags.raw && !flags.jq) throw UsageError("-r: prints the strings --jq outputs as their text; give --jq too");
  PayloadSetup setup{DecoderChoice::parse(flags.decode, flags.proto_paths), std::nullopt,
                     flags.raw ? JqTextForm::kRawStrings : JqTextForm::kCompact};
  if (flags.jq) {
    JqOptions options;
    options.debug = std::move(debug);
    setup.jq = JqProgram::compile(*flags.jq, std::move(options));
  }
  return setup;
}

}  // namespace mqtk
