#include "mqtk/record/influx_sink.hpp"

#include "mqtk/base/error.hpp"

namespace mqtk {

InfluxSink::InfluxSink(InfluxOptions influx, PointOptions points, const PayloadDecoding* decoding, const RecordJq* jq,
                       std::string spool_directory, std::uint64_t spool_max_bytes, Durability durability,
                       const Reporter& reporter, bool follow_symlinks, const SignalWatch* signals)
    : options_(std::move(influx)),
      format_(std::move(points), decoding, jq),
      spool_(std::move(spool_directory), spool_max_bytes, durability, follow_symlinks),
      writer_(std::make_unique<InfluxWriter>(options_, spool_, reporter, format_.options().fields.integers, signals)) {}

std::optional<SinkEnd> InfluxSink::ended() const {
  std::optional<std::string> error = writer_->stopped_by();
  if (!error) return std::nullopt;
  return SinkEnd{kExitFailure, "cannot send to InfluxDB: " + *error};
}

void InfluxSink::commit(bool before_acknowledgements) {
  spool_.append(pending_);
  pending_.clear();
  if (pending_.capacity() > (1 << 20)) pending_.shrink_to_fit();  // given back after a large point
  spool_.sync(before_acknowledgements);
}

}  // namespace mqtk
