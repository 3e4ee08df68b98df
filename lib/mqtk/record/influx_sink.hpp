// mqtk-record's InfluxDB sink: messages become line-protocol points in the
// local spool (durable before their acknowledgement leaves); an InfluxWriter
// thread sends the spool on.
#pragma once

#include <memory>
#include <string>

#include "mqtk/output/message_sink.hpp"
#include "mqtk/record/influx_writer.hpp"
#include "mqtk/record/line_protocol.hpp"
#include "mqtk/record/spool.hpp"

namespace mqtk {

class InfluxSink final : public MessageSink {
 public:
  // `decoding`, `jq`: the fields come from decoded payloads, or from a
  // program's outputs (line_protocol.hpp). `signals`: see InfluxWriter.
  InfluxSink(InfluxOptions influx, PointOptions points, const PayloadDecoding* decoding, const RecordJq* jq,
             std::string spool_directory, std::uint64_t spool_max_bytes, Durability durability,
             const Reporter& reporter, bool follow_symlinks, const SignalWatch* signals);

  bool write(const Message& message) override {
    format_.render(message, pending_);
    return true;
  }
  void commit(bool before_acknowledgements) override;
  std::size_t uncommitted() const override { return pending_.size(); }
  // The spool is over its bound: stop taking messages until it drains.
  bool can_accept() const override { return !spool_.full(); }
  // The writer stopped on an error of its own (the spool could not be read).
  std::optional<SinkEnd> ended() const override;

  InfluxWriter& writer() { return *writer_; }

  const PointSkips& skips() const { return format_.skips(); }
  const Spool& spool() const { return spool_; }
  const InfluxWriter& writer() const { return *writer_; }
  const InfluxOptions& options() const { return options_; }

 private:
  InfluxOptions options_;
  LineProtocolFormat format_;
  Spool spool_;
  std::string pending_;
  std::unique_ptr<InfluxWriter> writer_;
};

}  // namespace mqtk
