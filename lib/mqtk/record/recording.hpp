// What mqtk-record records into: any number of files (JSON lines, CSV, line
// protocol; "-" for standard output) and an InfluxDB sink, behind one
// MessageSink, plus the status line and the summary the tool prints.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mqtk/base/output_buffer.hpp"
#include "mqtk/base/reporter.hpp"
#include "mqtk/base/signal_watch.hpp"
#include "mqtk/base/warning_limiter.hpp"
#include "mqtk/output/formatted_output.hpp"
#include "mqtk/output/message_sink.hpp"
#include "mqtk/payload/decoder_choice.hpp"
#include "mqtk/payload/jq_program.hpp"
#include "mqtk/record/durability.hpp"
#include "mqtk/record/file_sink.hpp"
#include "mqtk/record/influx_sink.hpp"
#include "mqtk/record/line_protocol.hpp"
#include "mqtk/records/record_formats.hpp"
#include "mqtk/records/record_jq.hpp"

namespace mqtk {

// "jsonl", "csv" or "lp". Throws UsageError naming --format.
RecordFormat parse_record_format(std::string_view name);
// The format of `-o PATH`: from its extension (record_format_of), else
// `chosen` (--format), else JSON lines.
RecordFormat format_for(const std::string& path, std::optional<RecordFormat> chosen);

struct RecordingOptions {
  struct Output {
    std::string path;  // "-" for standard output
    RecordFormat format;
    // The name says no format (x.txt) and --format was not given: JSON
    // lines, which the recorder says when it starts.
    bool format_assumed = false;
  };
  std::vector<Output> outputs;
  std::optional<std::uint64_t> rotate_bytes;
  std::optional<std::chrono::milliseconds> rotate_every;
  std::optional<InfluxOptions> influx;
  PointOptions points;
  // --decode: what payloads mean, beside their bytes in JSON lines and CSV,
  // as the fields of points (see record_formats.hpp, line_protocol.hpp);
  // none without.
  std::shared_ptr<const DecoderChoice> decoders;
  // --jq: the program, compiled when the flags were checked; the recording
  // takes it over. A message it makes no output of is not recorded; each
  // output is a point, and the records carry them (record_formats.hpp).
  std::shared_ptr<JqProgram> jq;
  Durability durability;
  std::string spool_directory;
  std::uint64_t spool_max_bytes = 1024ULL * 1024 * 1024;

  bool follow_symlinks = false;
  RotationClock rotate_clock = RotationClock::kNone;
  Compression compress = Compression::kNone;  // finished rotated files
  Retention keep;                             // finished rotated files
};

class Recording final : public MessageSink {
 public:
  // Opens every sink; `marks` keeps where the files stand (needed when
  // there are files). Throws Error naming the file or directory at fault.
  // A signal `signals` watches ends the wait for InfluxDB's first answer.
  Recording(const RecordingOptions& options, const Reporter& reporter, FileMarks* marks,
            const SignalWatch* signals = nullptr);
  ~Recording() override;

  // Records `message` everywhere; false when --jq left nothing of it.
  bool write(const Message& message) override;
  void commit(bool before_acknowledgements) override;
  std::size_t uncommitted() const override;
  bool can_accept() const override;
  // --jq's halt or halt_error, or the InfluxDB writer's failure.
  std::optional<SinkEnd> ended() const override;

  // Stopping: what is spooled for InfluxDB is sent for at most `grace`
  // (begin_finish), until finished(), or until stop_now().
  void begin_finish(std::chrono::milliseconds grace);
  bool finished();
  void stop_now();
  // Points waiting in the spool, and points InfluxDB refused.
  std::uint64_t spooled() const;
  long refused() const;

  // "received 1,234 (410/s) · written 1,234 · spooled 0 · refused 0 · skipped 2"
  std::string status(long received, double rate) const;
  // The lines printed at exit.
  std::vector<std::string> summary(long received) const;

 private:
  const PointSkips* point_skips() const;
  std::unique_ptr<MessageFormat> make_format(RecordFormat format, const PointOptions& points);

  std::unique_ptr<PayloadDecoding> decoding_;    // with --decode
  std::unique_ptr<RecordJq> jq_;                 // with --jq
  std::unique_ptr<WarningLimiter> jq_warnings_;  // with --jq
  long left_out_ = 0;                            // messages --jq made no output of
  long jq_failures_ = 0;                         // messages --jq failed on
  std::optional<SinkEnd> ended_;
  std::vector<std::unique_ptr<FinishedFiles>> finished_files_;  // one per rotating output
  std::vector<std::unique_ptr<FileSink>> files_;
  std::unique_ptr<OutputBuffer> stdout_buffer_;
  std::unique_ptr<MessageFormat> stdout_format_;
  std::unique_ptr<FormattedOutput> stdout_;
  std::unique_ptr<InfluxSink> influx_;
  std::vector<const LineProtocolFormat*> point_formats_;  // for their skip counts
  std::vector<MessageSink*> sinks_;
};

}  // namespace mqtk
