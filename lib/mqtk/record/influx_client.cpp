#include "mqtk/record/influx_client.hpp"

#include <memory>
#include <nlohmann/json.hpp>

#include <curl/curl.h>

#include "mqtk/base/error.hpp"
#include "mqtk/base/shared_library.hpp"

namespace mqtk {
namespace {

// libcurl's functions, loaded when a recording first writes to InfluxDB:
// libcurl brings some thirty libraries (GnuTLS, Kerberos, LDAP, SSH...),
// which a recording into files never calls but would keep mapped, 3 MB of
// its resident memory, and load at every start.
struct LibCurl {
  SharedLibrary library{"libcurl.so.4", "--influx"};
  decltype(curl_easy_init)* easy_init = library.function<decltype(curl_easy_init)>("curl_easy_init");
  decltype(curl_easy_cleanup)* easy_cleanup = library.function<decltype(curl_easy_cleanup)>("curl_easy_cleanup");
  decltype(curl_easy_reset)* easy_reset = library.function<decltype(curl_easy_reset)>("curl_easy_reset");
  decltype(curl_easy_setopt)* easy_setopt = library.function<decltype(curl_easy_setopt)>("curl_easy_setopt");
  decltype(curl_easy_perform)* easy_perform = library.function<decltype(curl_easy_perform)>("curl_easy_perform");
  decltype(curl_easy_getinfo)* easy_getinfo = library.function<decltype(curl_easy_getinfo)>("curl_easy_getinfo");
  decltype(curl_easy_strerror)* easy_strerror = library.function<decltype(curl_easy_strerror)>("curl_easy_strerror");
  decltype(curl_easy_escape)* easy_escape = library.function<decltype(curl_easy_escape)>("curl_easy_escape");
  decltype(curl_free)* free = library.function<decltype(curl_free)>("curl_free");
  decltype(curl_slist_append)* slist_append = library.function<decltype(curl_slist_append)>("curl_slist_append");
  decltype(curl_slist_free_all)* slist_free_all =
      library.function<decltype(curl_slist_free_all)>("curl_slist_free_all");
};

const LibCurl& libcurl() {
  static const LibCurl loaded;
  return loaded;
}

// A server's error on one line, short enough for a message.
std::string one_line(std::string_view text) {
  constexpr std::size_t kMaxReason = 300;
  std::string line;
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !line.empty();
      continue;
    }
    if (space) line.push_back(' ');
    space = false;
    line.push_back(c);
    if (line.size() >= kMaxReason) return line + "...";
  }
  return line;
}

// InfluxDB explains a refusal as {"error":"..."} (1.x) or {"message":"..."} (2.x).
std::string reason_from(const std::string& body) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  for (const char* key : {"error", "message"}) {
    if (json.is_object() && json.contains(key) && json[key].is_string()) return one_line(json[key].get<std::string>());
  }
  return body.empty() ? "no reason given" : one_line(body);
}

std::size_t collect(char* data, std::size_t size, std::size_t count, void* target) {
  static_cast<std::string*>(target)->append(data, size * count);
  return size * count;
}

// libcurl's progress callback: a non-zero return ends the transfer.
int stop_if_cancelled(void* client, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<const InfluxClient*>(client)->stop_now() ? 1 : 0;
}

// libcurl's objects, each given back once by its owner.
struct CleanupEasyHandle {
  void operator()(CURL* handle) const { libcurl().easy_cleanup(handle); }
};
struct FreeHeaderList {
  void operator()(curl_slist* list) const { libcurl().slist_free_all(list); }
};
struct FreeCurlText {
  void operator()(char* text) const { libcurl().free(text); }
};
using HeaderList = std::unique_ptr<curl_slist, FreeHeaderList>;

// Adds (a copy of) `header` to `list`. Out of memory, libcurl adds nothing and
// leaves the list as it was: the request goes without that header, and the
// list is still freed.
void append_header(HeaderList& list, const char* header) {
  if (curl_slist* longer = libcurl().slist_append(list.get(), header)) {
    (void)list.release();  // `longer` is that list itself, or the first node of a new one
    list.reset(longer);
  }
}

}  // namespace

void load_libcurl() { libcurl(); }

std::string InfluxOptions::describe() const {
  return url + (version2() ? " " + org + "/" + bucket : " db=" + database);
}

std::string influxql_identifier(std::string_view name, std::string_view flag) {
  if (name.empty()) throw UsageError(std::string(flag) + ": the name must not be empty");
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '\n' || c == '\r') {
      throw UsageError(std::string(flag) + ": InfluxQL cannot name a database with a line break in it");
    }
    if (c == '"' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  return quoted + "\"";
}

std::string InfluxClient::Answer::describe() const {
  return status == kNetworkError ? reason : "HTTP " + std::to_string(status) + ": " + reason;
}

struct InfluxClient::Curl {
  std::unique_ptr<CURL, CleanupEasyHandle> handle{libcurl().easy_init()};

  std::string escape(const std::string& text) const {
    std::unique_ptr<char, FreeCurlText> escaped(
        libcurl().easy_escape(handle.get(), text.c_str(), static_cast<int>(text.size())));
    return escaped ? escaped.get() : "";
  }
};

InfluxClient::InfluxClient(const InfluxOptions& options) : options_(options), curl_(std::make_unique<Curl>()) {
  if (!curl_->handle) throw Error("--influx: cannot start libcurl");
  if (options.version2()) {
    write_url_ = options.url + "/api/v2/write?org=" + curl_->escape(options.org) +
                 "&bucket=" + curl_->escape(options.bucket) + "&precision=ns";
  } else {
    write_url_ = options.url + "/write?db=" + curl_->escape(options.database);  // no precision: nanoseconds
  }
}

InfluxClient::~InfluxClient() = default;

InfluxClient::Answer InfluxClient::write(std::string_view lines) { return post(write_url_, lines, false); }

InfluxClient::Answer InfluxClient::create_database() {
  std::string query = "q=" + curl_->escape("CREATE DATABASE " + influxql_identifier(options_.database, "--influx-db"));
  return post(options_.url + "/query", query, true);
}

void InfluxClient::check(const Reporter& reporter, const SignalWatch* signals) {
  const std::string where = "InfluxDB at " + options_.url;
  const std::string wait_hint = "; --influx-wait starts anyway and keeps points spooled until it answers";
  stop_signals_ = signals;
  Answer answer = write("");  // an empty write: the endpoint, the database and the credentials, nothing stored
  stop_signals_ = nullptr;
  if (answer.status == Answer::kNetworkError && signals != nullptr && signals->pending()) {
    throw Error("stopped while waiting for " + where + " to answer");
  }
  if (answer.status == 404 && !options_.version2() && answer.reason.find("database not found") != std::string::npos) {
    Answer created = create_database();
    if (!created.ok()) {
      throw Error(where + " has no database \"" + options_.database +
                  "\" and creating it failed: " + created.describe());
    }
    reporter.note(where + " had no database \"" + options_.database + "\": created it");
    answer = write("");
  }
  // 400 is an answer about the (empty) body: the endpoint is there.
  if (answer.ok() || answer.status == 400) return;
  switch (answer.status) {
    case Answer::kNetworkError:
      throw Error("cannot reach " + where + ": " + answer.reason + wait_hint);
    case 401:
    case 403:
      throw Error(where + " refused our credentials (" + answer.describe() + "); check " +
                  (options_.version2() ? "the token" : "--influx-user and its password"));
    case 404:
      throw Error(where + " has no write endpoint (" + answer.describe() + " for " +
                  (options_.version2() ? "/api/v2/write" : "/write") +
                  "); check the URL's path and the InfluxDB version");
    default:
      throw Error(where + " does not take writes: " + answer.describe() + wait_hint);
  }
}

InfluxClient::Answer InfluxClient::post(const std::string& url, std::string_view data, bool form) {
  if (cancelled()) return Answer{.reason = "cancelled"};
  CURL* curl = curl_->handle.get();
  std::string body;
  char error[CURL_ERROR_SIZE] = "";
  HeaderList headers;
  append_header(headers,
                form ? "Content-Type: application/x-www-form-urlencoded" : "Content-Type: text/plain; charset=utf-8");
  if (options_.token) append_header(headers, ("Authorization: Token " + *options_.token).c_str());
  // libcurl asks before sending a body over 1 MB ("Expect: 100-continue"),
  // a round trip per batch for the rare refusal it would save sending.
  append_header(headers, "Expect:");
  libcurl().easy_reset(curl);
  // Through a pointer, curl.h's compile-time checks of each option's type
  // do not apply: longs are written as such (1L).
  auto setopt = libcurl().easy_setopt;
  setopt(curl, CURLOPT_URL, url.c_str());
  setopt(curl, CURLOPT_POST, 1L);
  setopt(curl, CURLOPT_POSTFIELDS, data.data());
  setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(data.size()));
  setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  setopt(curl, CURLOPT_WRITEFUNCTION, collect);
  setopt(curl, CURLOPT_WRITEDATA, &body);
  setopt(curl, CURLOPT_ERRORBUFFER, error);
  setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.timeout.count()));
  setopt(curl, CURLOPT_NOSIGNAL, 1L);
  setopt(curl, CURLOPT_NOPROGRESS, 0L);
  setopt(curl, CURLOPT_XFERINFOFUNCTION, stop_if_cancelled);
  setopt(curl, CURLOPT_XFERINFODATA, this);
  setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  if (options_.username) {
    setopt(curl, CURLOPT_USERNAME, options_.username->c_str());
    setopt(curl, CURLOPT_PASSWORD, options_.password.value_or("").c_str());
  }
  if (!options_.cafile.empty()) setopt(curl, CURLOPT_CAINFO, options_.cafile.c_str());
  if (options_.insecure) {
    setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
    setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  Answer answer;
  CURLcode rc = libcurl().easy_perform(curl);
  if (rc != CURLE_OK) {
    answer.reason = one_line(error[0] ? error : libcurl().easy_strerror(rc));
    return answer;
  }
  long status = 0;
  libcurl().easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  answer.status = static_cast<int>(status);
  if (!answer.ok()) answer.reason = reason_from(body);
  curl_off_t retry_after = 0;
  if (libcurl().easy_getinfo(curl, CURLINFO_RETRY_AFTER, &retry_after) == CURLE_OK) {
    answer.retry_after_seconds = static_cast<long>(retry_after);
  }
  return answer;
}

}  // namespace mqtk
