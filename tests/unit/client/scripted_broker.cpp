#include "scripted_broker.hpp"

#include <poll.h>
#include <signal.h>

#include <algorithm>
#include <memory>
#include <stdexcept>
#include <utility>

#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "mqtk/mqtt/properties.hpp"
#include "mqtk/mqtt/property_read.hpp"

namespace test_support {
namespace {

// A loop that never ends fails its test instead of hanging it.
constexpr std::size_t kTurnLimit = 10000;
// Session wakes up at least once a second, whatever the timeout asked.
constexpr int kLongestWaitMs = 1000;

using mqtk::SessionState;

}  // namespace

class ScriptedConnection final : public mqtk::BrokerConnection {
 public:
  ScriptedConnection(ScriptedBroker& broker, mqtk::SessionEvents& events) : broker_(broker), events_(events) {}

  void set_reconnect(const mqtk::ReconnectPolicy& policy) override { reconnect_ = policy.enabled; }
  // Batching only changes how long a turn waits, and time here is the script's.
  void set_read_batching(std::chrono::microseconds) override {}
  void connect() override { state_ = SessionState::kConnecting; }
  void run_once(int timeout_ms, std::span<pollfd> watched) override;
  SessionState state() const override { return state_; }
  bool wants_write() const override { return !queued_.empty(); }
  void stop_reading() override { reading_stopped_ = true; }
  void pause_reading(bool paused) override { reading_paused_ = paused; }

  int publish(std::string_view topic, std::string_view payload, int qos, bool retain,
              const mosquitto_property* properties) override {
    int mid = queue_publish(std::string(topic), payload, qos, retain);
    if (auto correlation = mqtk::read_binary_property(properties, MQTT_PROP_CORRELATION_DATA)) {
      queued_.back().correlation_data = std::string(correlation->view());
    }
    return mid;
  }
  int publish_to_alias(std::string_view payload, int qos, bool retain, const mosquitto_property*) override {
    return queue_publish("", payload, qos, retain);
  }
  int subscribe(const std::vector<std::string>& filters, int qos, int, const mosquitto_property*) override {
    return queue({.kind = Packet::kSubscribe, .id = next_mid_++, .filters = filters, .qos = qos});
  }
  int unsubscribe(const std::string& filter, const mosquitto_property*) override {
    return queue({.kind = Packet::kUnsubscribe, .id = next_mid_++, .filters = {filter}});
  }
  // As Session: a connection that is not up is simply closed.
  void disconnect(int reason_code = 0) override {
    if (state_ != SessionState::kConnected) {
      state_ = SessionState::kClosed;
      return;
    }
    state_ = SessionState::kDisconnecting;
    queue({.kind = Packet::kDisconnect, .id = reason_code});
  }

 private:
  // A packet queued for the broker, or written and waiting for its answer.
  struct Packet {
    enum Kind { kPublish, kAcknowledge, kSubscribe, kUnsubscribe, kDisconnect } kind;
    int id = 0;                          // the message id; DISCONNECT's reason code
    std::vector<std::string> filters{};  // SUBSCRIBE's, UNSUBSCRIBE's
    int qos = 0;
    std::string topic{};  // PUBLISH's
    std::string payload{};
    bool retain = false;
    std::optional<std::string> correlation_data{};  // PUBLISH's MQTT v5 property
  };

  int queue(Packet packet) {
    queued_.push_back(std::move(packet));
    return queued_.back().id;
  }
  int queue_publish(std::string topic, std::string_view payload, int qos, bool retain);
  bool reading_now() const { return !reading_stopped_ && !reading_paused_; }
  bool answer_earlier_packets();
  bool answer_connect();
  bool answer_subscriptions();
  bool answer_publishes();
  bool step_is_due(const Step& step) const;
  bool subscribing() const;
  bool take_next_step();
  bool read_messages();
  void drop_connection(int reason_code);
  void write_queued();
  void write(const Packet& packet);

  ScriptedBroker& broker_;
  mqtk::SessionEvents& events_;
  SessionState state_ = SessionState::kNew;
  bool reconnect_ = false;
  bool reading_stopped_ = false;
  bool reading_paused_ = false;
  int next_mid_ = 1;
  std::deque<Packet> queued_;       // not written yet
  std::deque<Packet> answers_due_;  // written; the broker answers them in order
  long unacknowledged_ = 0;         // publishes queued or written, not completed
};

void ScriptedConnection::run_once(int timeout_ms, std::span<pollfd> watched) {
  if (broker_.turns.size() >= kTurnLimit) {
    throw std::logic_error("the client loop ran on past the scripted broker's turn limit");
  }
  ScriptedBroker::Turn& turn = broker_.turns.emplace_back();
  for (const pollfd& fd : watched) turn.watched.push_back(fd.fd);
  turn.unacknowledged = unacknowledged_;
  // As Session: whether to read is decided before the turn, and only
  // stopping is looked at again between packets.
  bool reading = reading_now();
  bool arrived = reading && answer_earlier_packets();
  arrived = take_next_step() || arrived;
  arrived = (reading && read_messages()) || arrived;
  bool watched_ready = poll(watched.data(), watched.size(), 0) > 0;
  // With packets to write the socket is ready too.
  if (!arrived && !watched_ready && queued_.empty()) {
    broker_.clock.advance(
        std::chrono::milliseconds(timeout_ms < 0 ? kLongestWaitMs : std::min(timeout_ms, kLongestWaitMs)));
  }
  events_.before_write();
  write_queued();
}

int ScriptedConnection::queue_publish(std::string topic, std::string_view payload, int qos, bool retain) {
  broker_.most_unacknowledged = std::max(broker_.most_unacknowledged, ++unacknowledged_);
  return queue({.kind = Packet::kPublish,
                .id = next_mid_++,
                .qos = qos,
                .topic = std::move(topic),
                .payload = std::string(payload),
                .retain = retain});
}

bool ScriptedConnection::answer_earlier_packets() {
  bool connect_answered = answer_connect();
  bool subscriptions_answered = answer_subscriptions();
  return answer_publishes() || connect_answered || subscriptions_answered;
}

bool ScriptedConnection::answer_connect() {
  if (state_ == SessionState::kWaitingToReconnect) {
    state_ = SessionState::kConnecting;
    return true;
  }
  if (state_ != SessionState::kConnecting || !broker_.accepts_connections) return false;
  state_ = SessionState::kConnected;
  ++broker_.connections;
  broker_.log.push_back("read CONNACK");
  events_.on_connected(false);
  return true;
}

// SUBACKs and UNSUBACKs, in the order of their requests.
bool ScriptedConnection::answer_subscriptions() {
  bool answered = false;
  while (!reading_stopped_) {
    auto due = std::find_if(answers_due_.begin(), answers_due_.end(), [](const Packet& packet) {
      return packet.kind == Packet::kSubscribe || packet.kind == Packet::kUnsubscribe;
    });
    if (due == answers_due_.end()) break;
    Packet packet = std::move(*due);
    answers_due_.erase(due);
    answered = true;
    if (packet.kind == Packet::kUnsubscribe) {
      broker_.log.push_back("read UNSUBACK " + std::to_string(packet.id));
      events_.on_unsubscribed(packet.id);
    } else {
      std::vector<int> granted = broker_.granted;
      if (granted.empty()) granted.assign(packet.filters.size(), packet.qos);
      broker_.log.push_back("read SUBACK " + std::to_string(packet.id));
      events_.on_subscribed(packet.id, granted);
    }
  }
  return answered;
}

bool ScriptedConnection::answer_publishes() {
  std::size_t answered = 0;
  while (answered < broker_.acknowledgements_per_turn && !reading_stopped_) {
    auto it = std::find_if(answers_due_.begin(), answers_due_.end(),
                           [](const Packet& packet) { return packet.kind == Packet::kPublish; });
    if (it == answers_due_.end()) break;
    int mid = it->id;
    answers_due_.erase(it);
    ++answered;
    auto reason = broker_.publish_reasons.find(mid);
    broker_.log.push_back("read PUBACK " + std::to_string(mid));
    --unacknowledged_;
    ++broker_.acknowledged;
    events_.on_published(mid, reason == broker_.publish_reasons.end() ? 0 : reason->second);
  }
  return answered > 0;
}

bool ScriptedConnection::step_is_due(const Step& step) const {
  if (const auto* raised = std::get_if<RaiseSignal>(&step); raised && raised->while_connecting) return true;
  if (state_ != SessionState::kConnected) return false;
  if (std::holds_alternative<SendMessages>(step)) return !subscribing();
  const auto* drop = std::get_if<DropConnection>(&step);
  return !drop || broker_.acknowledged >= drop->after_acknowledgements;
}

// A broker sends what a subscription matches once it has answered it.
bool ScriptedConnection::subscribing() const {
  auto is_subscribe = [](const Packet& packet) { return packet.kind == Packet::kSubscribe; };
  return std::any_of(queued_.begin(), queued_.end(), is_subscribe) ||
         std::any_of(answers_due_.begin(), answers_due_.end(), is_subscribe);
}

bool ScriptedConnection::take_next_step() {
  if (broker_.script.empty() || !step_is_due(broker_.script.front())) return false;
  Step step = std::move(broker_.script.front());
  broker_.script.pop_front();
  if (auto* send = std::get_if<SendMessages>(&step)) {
    for (Incoming& message : send->messages) broker_.unread.push_back(std::move(message));
  } else if (const auto* drop = std::get_if<DropConnection>(&step)) {
    drop_connection(drop->reason_code);
  } else if (const auto* raised = std::get_if<RaiseSignal>(&step)) {
    raise(raised->signo);
  } else if (const auto* quiet = std::get_if<StayQuiet>(&step)) {
    broker_.clock.advance(quiet->how_long);
  }
  return true;
}

// Each message's acknowledgement is queued before the client sees the
// message, as libmosquitto does.
bool ScriptedConnection::read_messages() {
  bool read = false;
  while (!broker_.unread.empty() && !reading_stopped_ && state_ == SessionState::kConnected && events_.read_more()) {
    Incoming incoming = std::move(broker_.unread.front());
    broker_.unread.pop_front();
    read = true;
    int mid = broker_.next_incoming_mid_++;
    broker_.log.push_back("read " + std::to_string(mid) + " " + incoming.topic);
    if (incoming.qos > 0) queue({.kind = Packet::kAcknowledge, .id = mid, .qos = incoming.qos});
    mqtk::Message message;
    message.topic = incoming.topic;
    message.payload = incoming.payload;
    message.qos = incoming.qos;
    message.retain = incoming.retain;
    message.mid = mid;
    mqtk::PropertyList properties;
    if (incoming.correlation_data) {
      mosquitto_property_add_binary(properties.out(), MQTT_PROP_CORRELATION_DATA, incoming.correlation_data->data(),
                                    static_cast<std::uint16_t>(incoming.correlation_data->size()));
      message.properties = properties.get();
    }
    events_.on_message(message);
  }
  return read;
}

// Queued packets and awaited answers go with the connection, as they do in
// libmosquitto for all but the publishes, which are not resent here.
void ScriptedConnection::drop_connection(int reason_code) {
  broker_.log.push_back("connection lost");
  queued_.clear();
  answers_due_.clear();
  state_ = reconnect_ ? SessionState::kWaitingToReconnect : SessionState::kLost;
  events_.on_connection_lost("the connection was closed or reset", reason_code);
}

void ScriptedConnection::write_queued() {
  std::deque<Packet> writing = std::exchange(queued_, {});
  for (const Packet& packet : writing) {
    if (state_ == SessionState::kClosed) break;  // nothing leaves after DISCONNECT
    write(packet);
  }
}

void ScriptedConnection::write(const Packet& packet) {
  std::string filters;
  for (const std::string& filter : packet.filters) filters += (filters.empty() ? "" : ", ") + filter;
  switch (packet.kind) {
    case Packet::kPublish:
      broker_.log.push_back("PUBLISH " + std::to_string(packet.id) + " " + packet.topic);
      broker_.published.push_back(
          {packet.id, packet.topic, packet.payload, packet.qos, packet.retain, packet.correlation_data});
      if (packet.qos > 0) {
        answers_due_.push_back(packet);
      } else {
        --unacknowledged_;  // libmosquitto completes a QoS 0 publish once it is written
        events_.on_published(packet.id, 0);
      }
      break;
    case Packet::kAcknowledge:
      broker_.log.push_back((packet.qos == 1 ? "PUBACK " : "PUBREC ") + std::to_string(packet.id));
      break;
    case Packet::kSubscribe:
      broker_.log.push_back("SUBSCRIBE " + filters);
      answers_due_.push_back(packet);
      break;
    case Packet::kUnsubscribe:
      broker_.log.push_back("UNSUBSCRIBE " + filters);
      answers_due_.push_back(packet);
      break;
    case Packet::kDisconnect:
      // The broker closes its end once it has read DISCONNECT.
      broker_.log.push_back("DISCONNECT " + std::to_string(packet.id));
      state_ = SessionState::kClosed;
      break;
  }
}

mqtk::OpenConnection ScriptedBroker::opener() {
  return [this](mqtk::SessionEvents& events) { return std::make_unique<ScriptedConnection>(*this, events); };
}

long ScriptedBroker::position(const std::string& entry) const {
  auto found = std::find(log.begin(), log.end(), entry);
  return found == log.end() ? -1 : static_cast<long>(found - log.begin());
}

}  // namespace test_support
