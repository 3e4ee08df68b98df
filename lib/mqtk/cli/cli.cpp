#include "mqtk/cli/cli.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>

#include <mosquitto.h>

#include "mqtk/base/error.hpp"
#include "mqtk/cli/completion.hpp"
#include "mqtk/cli/credentials.hpp"
#include "mqtk/cli/help_text.hpp"
#include "mqtk/cli/options_file.hpp"
#include "mqtk/cli/usage_errors.hpp"
#include "mqtk/cli/version.hpp"

namespace mqtk {
namespace {

constexpr const char* kConnection = "Connection";
constexpr const char* kSession = "Session and will";
constexpr const char* kTls = "TLS and proxy";
constexpr const char* kHelp = "Help and defaults";

// What a flag's value is called. Where a definition gives no name of its
// own, CLI11's generic one (TEXT, INT) gives way to the flag's last word:
// --will-topic TOPIC, --keepalive KEEPALIVE.
std::string value_name(const CLI::Option& option) {
  if (option.get_type_size() == 0 || option.get_expected_max() == 0) return "";  // a switch
  std::string type = option.get_type_name();
  type = type.substr(0, type.find(':'));  // CLI11 appends validators: "INT:INT in [0 - 2]"
  if (type != "TEXT" && type != "INT" && type != "UINT" && type != "FLOAT" && type != "ENUM" && !type.empty()) {
    return type;
  }
  const std::vector<std::string>& long_names = option.get_lnames();
  if (long_names.empty()) return "VALUE";
  std::string word = long_names.front().substr(long_names.front().rfind('-') + 1);
  for (char& c : word) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return word;
}

FlagInfo flag_info(const CLI::Option& option) {
  FlagInfo flag;
  for (const std::string& name : option.get_snames()) flag.names.push_back("-" + name);
  for (const std::string& name : option.get_lnames()) flag.names.push_back("--" + name);
  flag.value = value_name(option);
  flag.value_optional = !flag.value.empty() && option.get_expected_min() == 0;
  flag.description = option.get_description();
  flag.group = option.get_group();
  return flag;
}

// --help-all: CLI11's listing, with the value names above.
class Formatter : public CLI::Formatter {
 public:
  std::string make_option_opts(const CLI::Option* option) const override {
    FlagInfo flag = flag_info(*option);
    if (flag.value.empty()) return "";
    return flag.value_optional ? " [" + flag.value + "]" : " " + flag.value;
  }
};

std::string version_text(const ToolInfo& tool) {
  int major = 0, minor = 0, revision = 0;
  mosquitto_lib_version(&major, &minor, &revision);
  return tool.name + " " + kMqtkVersion + " (mqtk; libmosquitto " + std::to_string(major) + "." +
         std::to_string(minor) + "." + std::to_string(revision) + ")";
}

// --help-all: CLI11's listing of every flag, with the same usage line as
// --help and one blank line between groups.
std::string all_help(const ToolInfo& tool, const CLI::App& app) {
  std::string text = app.help("", CLI::AppFormatMode::All);
  std::size_t usage = text.find("Usage: ");
  if (usage != std::string::npos) {
    std::size_t end = text.find('\n', usage);
    text.replace(usage, end - usage, "Usage: " + tool.synopsis);
  }
  for (std::size_t doubled; (doubled = text.find("\n\n\n")) != std::string::npos;) text.erase(doubled, 1);
  while (text.ends_with("\n\n")) text.pop_back();
  return text;
}

// CLI11's messages already name the flag.
UsageError usage_error(const CLI::ParseError& e, const std::vector<FlagInfo>& flags, const std::string& where) {
  std::string message = explain_parse_error(e.what(), flags);
  return UsageError(where.empty() ? message : where + ": " + message);
}

// Arguments that are not options are collected (allow_extras) rather than
// reported in CLI11's words, so the first one can be named plainly. The
// flags, for a suggestion, are only listed then: a start should not pay it.
void reject_extras(const CLI::App& app, const CommandLine& command_line, const std::string& where) {
  std::vector<std::string> extras = app.remaining();
  if (extras.empty()) return;
  std::string message = extras.front().starts_with("-") ? unknown_option_message(extras.front(), command_line.flags())
                                                        : "unexpected argument '" + extras.front() + "'";
  throw UsageError(where.empty() ? message : where + ": " + message);
}

// What CLI11 gives -P when it takes no value (-P as the last argument or
// before another flag, -dP): a text no argument can hold, since arguments
// end at a NUL, so that "-P ''" stays an empty password.
const std::string kAskForPassword(1, '\0');

// The secrets among the values CLI11 has read, whichever way each was
// spelled, every one of a repeated flag included. MQTT v5's authentication
// data (-D connect authentication-data DATA) is a password by another name.
std::vector<SecretValue> secrets_read(const CLI::App& app, const ConnectFlags& flags) {
  std::vector<SecretValue> secrets;
  auto add = [&](const char* flag, SecretValue::Kind kind) {
    for (const std::string& value : app.get_option(flag)->results()) {
      SecretValue secret{value, kind};
      if (value != kAskForPassword && holds_secret(secret)) secrets.push_back(std::move(secret));
    }
  };
  add("--pw", SecretValue::kWhole);
  add("--psk", SecretValue::kWhole);
  add("--tls-engine-kpass-sha1", SecretValue::kWhole);
  add("--url", SecretValue::kMqttUrl);
  add("--proxy", SecretValue::kProxyUrl);
  for (const std::vector<std::string>& words : flags.properties) {
    if (words.size() == 3 && words[1] == "authentication-data" && !words[2].empty()) {
      secrets.push_back({words[2], SecretValue::kWhole});
    }
  }
  return secrets;
}

void parse_reversed(CLI::App& app, std::vector<std::string> args) {
  std::reverse(args.begin(), args.end());  // CLI11 takes a vector in reverse order
  app.parse(args);
}

// The options file the command line names (-o, mosquitto 2.1), found before
// any file is read: a pass over the command line alone. A mistake there is
// left for the full parse to report.
std::optional<std::string> options_file_named(CLI::App& app, const std::vector<std::string>& args) {
  try {
    parse_reversed(app, args);
  } catch (const CLI::Error&) {
    // --help, or a mistake: the full parse below meets it again.
  }
  const CLI::Option& flag = *app.get_option("--options-file");
  std::optional<std::string> path;
  if (flag.count() > 1)
    throw UsageError(flag.get_name() + ": name one options file, not " + std::to_string(flag.count()));
  if (flag.count() == 1) path = flag.results().front();
  app.clear();
  return path;
}

// The file -o names (mosquitto's syntax, as mosquitto_pub -o reads it), or
// the default one; a named file must exist.
std::optional<OptionsFile> options_file_to_read(const std::optional<std::string>& named, const ToolInfo& tool) {
  if (!named) {
    return read_default_options_file(tool.config_name, std::getenv("XDG_CONFIG_HOME"), std::getenv("HOME"), geteuid());
  }
  std::optional<OptionsFile> file = read_options_file(*named, geteuid(), OptionsSyntax::kMosquitto);
  if (!file) throw UsageError("options file " + *named + ": no such file");
  return file;
}

void add_connect_flags(CLI::App& app, ConnectFlags& flags) {
  app.add_option("-h,--host", flags.host, "Broker host name or address (default: localhost)")->group(kConnection);
  app.add_option("-p,--port", flags.port, "Broker port (default: 1883)")
      ->type_name("PORT")
      ->check(CLI::Range(1, 65535))
      ->group(kConnection);
  app.add_option("--unix", flags.unix_socket, "Connect through this unix socket instead of TCP")
      ->type_name("FILE")
      ->group(kConnection);
  app.add_option("-L,--url", flags.url, "mqtt(s)://[user[:password]@]host[:port]/topic or ws(s)://...host[:port]/path")
      ->group(kConnection);
  app.add_flag("--ws", flags.ws, "Connect over WebSockets (HTTP path /mqtt) instead of plain TCP")->group(kConnection);
  // A tool that sets the version before parsing speaks that one only (mqtk-rr: v5).
  std::string versions = flags.protocol_version ? "mqttv" + *flags.protocol_version + " only (the default)"
                                                : "mqttv5, mqttv311 (default) or mqttv31";
  app.add_option("-V,--protocol-version", flags.protocol_version, versions)
      ->type_name("{mqttv5,mqttv311,mqttv31,5,311,31}")
      ->group(kConnection);
  app.add_option("-i,--id", flags.id, "Client id (default: chosen by libmosquitto or the broker)")->group(kConnection);
  app.add_option("-I,--id-prefix", flags.id_prefix, "Client id: this prefix followed by the process id")
      ->group(kConnection);
  app.add_option("-k,--keepalive", flags.keepalive, "Keepalive interval in seconds (default: 60)")
      ->type_name("SECONDS")
      ->check(CLI::Range(5, 65535))
      ->group(kConnection);
  app.add_option("-u,--username", flags.username, "User name")->group(kConnection);
  app.add_option("-A", flags.bind_address, "Bind the local end of the connection to this address")
      ->type_name("ADDRESS")
      ->group(kConnection);
  app.add_flag("--nodelay", flags.nodelay, "Disable Nagle's algorithm")->group(kConnection);
  app.add_option("--connect-timeout", flags.connect_timeout, "Seconds to wait for the broker to accept (default: 10)")
      ->type_name("SECONDS")
      ->check(CLI::Range(1, 3600))
      ->group(kConnection);
  app.add_option("-M", flags.max_inflight, "Maximum QoS 1/2 messages in flight (default: 20)")
      ->type_name("N")
      ->check(CLI::Range(1, 65535))
      ->group(kConnection);
  app.add_flag("-d,--debug", flags.debug, "Print libmosquitto's debug messages")->group(kConnection);
  app.add_flag("--quiet", flags.quiet, "Do not print error messages")->group(kConnection);

  app.add_flag("-c,--disable-clean-session", flags.disable_clean_session,
               "Keep the session (subscriptions, queued messages) after disconnecting")
      ->group(kSession);
  app.add_option("-x,--session-expiry-interval", flags.session_expiry,
                 "MQTT v5 session expiry in seconds; -1 or ∞ for never")
      ->type_name("SECONDS")
      ->group(kSession);
  app.add_option("--will-topic", flags.will_topic, "Topic of the will the broker publishes if we vanish")
      ->group(kSession);
  app.add_option("--will-payload", flags.will_payload, "Payload of the will (default: empty)")->group(kSession);
  app.add_option("--will-qos", flags.will_qos, "QoS of the will")
      ->type_name("{0,1,2}")
      ->check(CLI::Range(0, 2))
      ->group(kSession);
  app.add_flag("--will-retain", flags.will_retain, "Make the will retained")->group(kSession);
  app.add_option("-D,--property", flags.properties,
                 "MQTT v5 property: COMMAND NAME VALUE, or COMMAND user-property KEY VALUE")
      ->type_name("COMMAND NAME VALUE")
      ->expected(3, 4)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->group(kSession);

  auto tls = [&](const char* names, std::optional<std::string>& value, const char* type, const char* what) {
    app.add_option(names, value, what)->type_name(type)->group(kTls);
  };
  tls("--cafile", flags.cafile, "FILE", "Trust the CA certificates in this PEM file (turns TLS on)");
  tls("--capath", flags.capath, "DIR", "Trust the CA certificates in this directory (turns TLS on)");
  tls("--cert", flags.certfile, "FILE", "Client certificate (PEM), for brokers that ask for one");
  tls("--key", flags.keyfile, "FILE", "The client certificate's private key");
  tls("--keyform", flags.keyform, "{pem,engine}", "Where the key is: a PEM file (default) or the TLS engine");
  tls("--ciphers", flags.ciphers, "LIST", "OpenSSL cipher list for TLS 1.2 and older");
  tls("--tls-version", flags.tls_version, "{tlsv1.3,tlsv1.2,tlsv1.1}", "Lowest TLS version to use (default tlsv1.2)");
  tls("--tls-alpn", flags.tls_alpn, "PROTOCOL", "ALPN protocol to offer");
  tls("--tls-engine", flags.tls_engine, "ENGINE", "OpenSSL engine to use");
  tls("--tls-engine-kpass-sha1", flags.tls_engine_kpass_sha1, "SHA1", "SHA1 of the key password, for the engine");
  tls("--tls-keylog", flags.tls_keylog, "FILE", "Append the TLS session keys to FILE, for Wireshark; debugging only");
  tls("--psk", flags.psk, "HEX", "TLS pre-shared key in hexadecimal (TLS-PSK instead of certificates)");
  tls("--psk-identity", flags.psk_identity, "IDENTITY", "Identity for --psk");
  app.add_flag("--insecure", flags.insecure, "Do not check that the certificate is for the host connected to")
      ->group(kTls);
  app.add_flag("--tls-use-os-certs", flags.tls_use_os_certs, "Trust the system's CA certificates (turns TLS on)")
      ->group(kTls);
  app.add_option("--proxy", flags.proxy, "Connect through a SOCKS5 proxy: socks5h://[user[:password]@]host[:port]")
      ->type_name("URL")
      ->group(kTls);
}

}  // namespace

// Every flag is added to the one App, its heading set by ->group(). CLI11
// 2.1 checks each new flag's names against every flag before it, a fifth of
// mqtk-pub's instructions at start; its option groups would each check only
// their own, but a group answers to the empty name, so that -P "" (an empty
// password) and a stray "" would be taken for a group (test_secrets,
// test_bad_input).
CommandLine::CommandLine(const ToolInfo& tool, const std::string& description)
    : tool_(tool), app_(std::make_unique<CLI::App>(description, tool.name)) {
  app_->set_help_flag();  // CLI11's -h,--help: -h is the host; --help comes last (parse())
  app_->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app_->allow_extras();
  auto formatter = std::make_shared<Formatter>();
  formatter->column_width(34);
  app_->formatter(formatter);
}

CommandLine::~CommandLine() = default;

CLI::Option* add_color_flag(CLI::App& app, ColorChoice& choice, const std::string& description) {
  const std::map<std::string, ColorChoice> choices{
      {"auto", ColorChoice::kAuto}, {"always", ColorChoice::kAlways}, {"never", ColorChoice::kNever}};
  return app.add_option("--color", choice, description)
      ->transform(CLI::CheckedTransformer(choices))
      ->type_name("{auto,always,never}");
}

CLI::Validator decimal_between(double low, double high) {
  auto shortest = [](double value) {
    std::ostringstream out;
    out << value;
    return out.str();
  };
  std::string range = shortest(low) + " to " + shortest(high);
  return CLI::Validator(
      [low, high, range](std::string& input) -> std::string {
        double value = 0;
        if (!CLI::detail::lexical_cast(input, value)) return "'" + input + "' is not a number";
        if (!(value >= low && value <= high)) return "Value " + input + " not in range " + range;
        return "";
      },
      "", "");
}

std::vector<FlagInfo> CommandLine::flags() const {
  std::vector<FlagInfo> result;
  for (const CLI::Option* option : app_->get_options()) {
    if (!option->get_group().empty()) result.push_back(flag_info(*option));
  }
  return result;
}

ConnectSetup CommandLine::connect_setup() const {
  ConnectFlags flags = connect_flags_;
  PasswordSources sources;
  if (!password_values_.empty() && !password_prompt_) sources.value = password_values_.front();
  sources.prompt = password_prompt_;
  sources.file = password_file_;
  sources.environment = password_variable_;
  sources.has_username = flags.username.has_value() || (flags.url && flags.url->find('@') != std::string::npos);
  flags.password = resolve_password(sources, [] { return ask_password_on_terminal("Password: "); });
  return build_connect_setup(flags, getpid());
}

std::optional<int> CommandLine::parse(int argc, char** argv, Reporter& reporter) {
  CLI::App& app = *app_;
  add_connect_flags(app, connect_flags_);
  if (tool_.quiet_keeps_errors) {
    app.get_option("--quiet")->description("No status, start line, summary, warnings or notes; errors still");
  }
  app.add_option("-P,--pw", password_values_, "Password; alone (-P), asked for on the terminal")
      ->type_name("PASSWORD")
      ->expected(0, 1)
      ->default_str(kAskForPassword)
      ->allow_extra_args(false)
      ->group(kConnection);
  app.add_option("--pw-file", password_file_, "Read the password from the first line of this file")
      ->type_name("FILE")
      ->group(kConnection);
  app.set_help_flag("--help", "Print the flags on one screen, with examples, and exit")->group(kHelp);
  app.set_help_all_flag("--help-all", "Print every flag with what it does, and exit")->group(kHelp);
  app.add_flag("--version")->description("Print the mqtk and libmosquitto versions and exit")->group(kHelp);
  // mqtk-record's -o is its output: it has the long form alone.
  app.add_option(app.get_option_no_throw("-o") ? "--options-file" : "-o,--options-file", options_file_name_,
                 "Read default flags from this file instead of the usual one")
      ->type_name("FILE")
      ->group(kHelp);
  app.add_option("--completion", completion_shell_)->group("");  // hidden: how completions/ is made
  // Taken out of the environment before anything else, used or not: a core
  // dump or /proc/PID/environ would show it.
  password_variable_ = take_secret_variable(kPasswordVariable);
  std::vector<std::string> command_args(argv + 1, argv + argc);
  std::optional<OptionsFile> file = options_file_to_read(options_file_named(app, command_args), tool_);
  std::vector<std::string> file_args = file ? file->args : std::vector<std::string>{};
  try {
    if (!file_args.empty()) {
      // A first pass over the file alone, so its mistakes are reported as its
      // own, and so that what it holds is known as CLI11 reads it.
      try {
        parse_reversed(app, file_args);
        reject_extras(app, *this, file->path);
      } catch (const CLI::CallForHelp&) {
        // --help in an options file means nothing.
      } catch (const CLI::ParseError& e) {
        throw usage_error(e, flags(), file->path);
      }
      if (app.count("--options-file") > 0) {
        throw UsageError(file->path + ": an options file is named on the command line, not in another file");
      }
      if (!secrets_read(app, connect_flags_).empty()) require_private(*file);
      app.clear();
    }
    std::vector<std::string> args = file_args;
    args.insert(args.end(), command_args.begin(), command_args.end());
    parse_reversed(app, args);
    std::vector<SecretValue> secrets = secrets_read(app, connect_flags_);
    hide_secrets(argc, argv, secrets);
    if (!secrets.empty()) keep_out_of_core_dumps();
    reject_extras(app, *this, "");
    password_prompt_ = !password_values_.empty() && password_values_.front() == kAskForPassword;
  } catch (const CLI::CallForHelp&) {
    std::fputs(short_help(tool_, app.get_description(), flags()).c_str(), stdout);
    return kExitSuccess;
  } catch (const CLI::CallForAllHelp&) {
    std::fputs(all_help(tool_, app).c_str(), stdout);
    return kExitSuccess;
  } catch (const CLI::ParseError& e) {
    throw usage_error(e, flags(), "");
  }
  reporter.set_quiet(connect_flags_.quiet, !tool_.quiet_keeps_errors);
  if (completion_shell_) {
    std::fputs(completion_script(*completion_shell_, tool_.name, flags()).c_str(), stdout);
    return kExitSuccess;
  }
  if (app.count("--version") > 0) {
    std::printf("%s\n", version_text(tool_).c_str());
    return kExitSuccess;
  }
  return std::nullopt;
}

}  // namespace mqtk
