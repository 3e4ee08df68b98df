#include "mqtk/cli.hpp"

#include <mosquitto.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "mqtk/error.hpp"
#include "mqtk/options_file.hpp"
#include "mqtk/version.hpp"

namespace mqtk {
namespace {

constexpr const char* kConnection = "Connection";
constexpr const char* kSession = "Session and will";
constexpr const char* kTls = "TLS and proxy (not supported yet)";

std::string version_text(const ToolInfo& tool) {
  int major = 0, minor = 0, revision = 0;
  mosquitto_lib_version(&major, &minor, &revision);
  return tool.name + " " + kMqtkVersion + " (mqtk; libmosquitto " + std::to_string(major) + "." +
         std::to_string(minor) + "." + std::to_string(revision) + ")";
}

// CLI11's messages already name the flag.
UsageError usage_error(const CLI::ParseError& e, const std::string& where) {
  std::string message = e.what();
  return UsageError(where.empty() ? message : where + ": " + message);
}

// Arguments that are not options are collected (allow_extras) rather than
// reported in CLI11's words, so the first one can be named plainly.
void reject_extras(const CLI::App& app, const std::string& where) {
  std::vector<std::string> extras = app.remaining();
  if (extras.empty()) return;
  std::string message = extras.front().starts_with("-") ? "unknown option '" + extras.front() + "'"
                                                        : "unexpected argument '" + extras.front() + "'";
  throw UsageError(where.empty() ? message : where + ": " + message);
}

void parse_reversed(CLI::App& app, std::vector<std::string> args) {
  std::reverse(args.begin(), args.end());  // CLI11 takes a vector in reverse order
  app.parse(args);
}

void add_connect_flags(CLI::App& app, ConnectFlags& flags) {
  app.add_option("-h,--host", flags.host, "Broker host name or address (default: localhost)")
      ->group(kConnection);
  app.add_option("-p,--port", flags.port, "Broker port (default: 1883)")
      ->check(CLI::Range(1, 65535))->group(kConnection);
  app.add_option("--unix", flags.unix_socket, "Connect through this unix socket instead of TCP")
      ->group(kConnection);
  app.add_option("-L,--url", flags.url, "mqtt://[user[:password]@]host[:port]/topic")
      ->group(kConnection);
  app.add_option("-V,--protocol-version", flags.protocol_version, "mqttv5, mqttv311 (default) or mqttv31")
      ->group(kConnection);
  app.add_option("-i,--id", flags.id, "Client id (default: chosen by libmosquitto or the broker)")
      ->group(kConnection);
  app.add_option("-I,--id-prefix", flags.id_prefix, "Client id: this prefix followed by the process id")
      ->group(kConnection);
  app.add_option("-k,--keepalive", flags.keepalive, "Keepalive interval in seconds (default: 60)")
      ->check(CLI::Range(5, 65535))->group(kConnection);
  app.add_option("-u,--username", flags.username, "User name")->group(kConnection);
  app.add_option("-P,--pw", flags.password, "Password")->group(kConnection);
  app.add_option("-A", flags.bind_address, "Bind the local end of the connection to this address")
      ->group(kConnection);
  app.add_flag("--nodelay", flags.nodelay, "Disable Nagle's algorithm")->group(kConnection);
  app.add_option("--connect-timeout", flags.connect_timeout, "Seconds to wait for the broker to accept (default: 10)")
      ->check(CLI::Range(1, 3600))->group(kConnection);
  app.add_option("-M", flags.max_inflight, "Maximum QoS 1/2 messages in flight (default: 20)")
      ->check(CLI::Range(1, 65535))->group(kConnection);
  app.add_flag("-d,--debug", flags.debug, "Print libmosquitto's debug messages")->group(kConnection);
  app.add_flag("--quiet", flags.quiet, "Do not print error messages")->group(kConnection);

  app.add_flag("-c,--disable-clean-session", flags.disable_clean_session,
               "Keep the session (subscriptions, queued messages) after disconnecting")
      ->group(kSession);
  app.add_option("-x,--session-expiry-interval", flags.session_expiry,
                 "MQTT v5 session expiry in seconds; -1 or ∞ for never")
      ->group(kSession);
  app.add_option("--will-topic", flags.will_topic, "Topic of the will the broker publishes if we vanish")
      ->group(kSession);
  app.add_option("--will-payload", flags.will_payload, "Payload of the will (default: empty)")->group(kSession);
  app.add_option("--will-qos", flags.will_qos, "QoS of the will")->check(CLI::Range(0, 2))->group(kSession);
  app.add_flag("--will-retain", flags.will_retain, "Make the will retained")->group(kSession);
  app.add_option("-D,--property", flags.properties,
                 "MQTT v5 property: COMMAND NAME VALUE, or COMMAND user-property KEY VALUE")
      ->expected(3, 4)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->group(kSession);

  for (const char* name : {"--cafile", "--capath", "--cert", "--key", "--keyform", "--ciphers", "--tls-version",
                           "--tls-alpn", "--tls-engine", "--tls-engine-kpass-sha1", "--psk", "--psk-identity",
                           "--proxy"}) {
    std::string flag = name;
    app.add_option_function<std::string>(
           flag, [&flags, flag](const std::string&) { flags.unsupported.push_back(flag); }, "")
        ->group(kTls);
  }
  for (const char* name : {"--insecure", "--tls-use-os-certs"}) {
    std::string flag = name;
    app.add_flag_callback(flag, [&flags, flag] { flags.unsupported.push_back(flag); }, "")->group(kTls);
  }
}

}  // namespace

CommandLine::CommandLine(const ToolInfo& tool, const std::string& description)
    : tool_(tool), app_(std::make_unique<CLI::App>(description, tool.name)) {
  app_->set_help_flag("--help", "Print this help and exit");
  app_->add_flag("--version")->description("Print the mqtk and libmosquitto versions and exit");
  app_->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app_->allow_extras();
  app_->get_formatter()->column_width(34);
}

CommandLine::~CommandLine() = default;

ConnectSetup CommandLine::connect_setup() const { return build_connect_setup(connect_flags_, getpid()); }

std::optional<int> CommandLine::parse(int argc, char** argv, Reporter& reporter) {
  CLI::App& app = *app_;
  add_connect_flags(app, connect_flags_);
  std::vector<std::string> file_args;
  std::string file;
  if (auto path = options_file_path(tool_.config_name, std::getenv("XDG_CONFIG_HOME"), std::getenv("HOME"))) {
    file = *path;
    file_args = read_options_file(file);
  }
  try {
    if (!file_args.empty()) {
      // A first pass over the file alone, so its mistakes are reported as its own.
      try {
        parse_reversed(app, file_args);
        reject_extras(app, file);
      } catch (const CLI::CallForHelp&) {
        // --help in an options file means nothing.
      } catch (const CLI::ParseError& e) {
        throw usage_error(e, file);
      }
      app.clear();
    }
    std::vector<std::string> args = file_args;
    for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
    parse_reversed(app, args);
    reject_extras(app, "");
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return kExitSuccess;
  } catch (const CLI::ParseError& e) {
    throw usage_error(e, "");
  }
  reporter.set_quiet(connect_flags_.quiet);
  if (app.count("--version") > 0) {
    std::printf("%s\n", version_text(tool_).c_str());
    return kExitSuccess;
  }
  return std::nullopt;
}

}  // namespace mqtk
