#include "mqtk/record/recording.hpp"

#include <unistd.h>

#include <cstdio>

#include "mqtk/base/counts.hpp"
#include "mqtk/base/error.hpp"
#include "mqtk/records/record_columns.hpp"
#include "mqtk/records/record_formats.hpp"

namespace mqtk {
RecordFormat parse_record_format(std::string_view name) {
  if (name == "jsonl" || name == "json") return RecordFormat::kJsonLines;
  if (name == "csv") return RecordFormat::kCsv;
  if (name == "lp" || name == "line-protocol") return RecordFormat::kLineProtocol;
  throw UsageError("--format: must be jsonl, csv or lp, not '" + std::string(name) + "'");
}

RecordFormat format_for(const std::string& path, std::optional<RecordFormat> chosen) {
  return record_format_of(path).value_or(chosen.value_or(RecordFormat::kJsonLines));
}

std::unique_ptr<MessageFormat> Recording::make_format(RecordFormat format, const PointOptions& points) {
  switch (format) {
    case RecordFormat::kJsonLines:
      return std::make_unique<JsonLinesFormat>(decoding_.get(), jq_.get());
    case RecordFormat::kCsv:
      return std::make_unique<CsvFormat>(decoding_.get(), jq_.get());
    case RecordFormat::kLineProtocol: {
      auto lp = std::make_unique<LineProtocolFormat>(points, decoding_.get(), jq_.get());
      point_formats_.push_back(lp.get());
      return lp;
    }
  }
  return std::make_unique<JsonLinesFormat>(decoding_.get(), jq_.get());
}

Recording::Recording(const RecordingOptions& options, const Reporter& reporter, FileMarks* marks,
                     const SignalWatch* signals) {
  if (options.decoders && !options.decoders->empty()) {
    decoding_ = std::make_unique<PayloadDecoding>(
        options.decoders, [&reporter](const std::string& warning) { reporter.warning(warning); },
        PayloadDecoding::Kept::kRecorded);
  }
  if (options.jq) {
    jq_ = std::make_unique<RecordJq>(std::move(*options.jq));
    jq_warnings_ =
        std::make_unique<WarningLimiter>([&reporter](const std::string& warning) { reporter.warning(warning); });
  }
  RecordColumns columns{decoding_ ? options.decoders.get() : nullptr, jq_ != nullptr};
  for (const auto& output : options.outputs) {
    auto format = make_format(output.format, options.points);
    std::string header =
        output.format == RecordFormat::kCsv ? std::string(CsvFormat::header(decoding_ != nullptr, jq_ != nullptr)) : "";
    if (output.path == "-") {
      if (stdout_) throw UsageError("-o: standard output can be given only once");
      stdout_buffer_ = std::make_unique<OutputBuffer>(STDOUT_FILENO);
      stdout_buffer_->append(header);
      stdout_format_ = std::move(format);
      stdout_ = std::make_unique<FormattedOutput>(*stdout_format_, *stdout_buffer_);
      sinks_.push_back(stdout_.get());
      continue;
    }
    FileSinkOptions file;
    file.path = output.path;
    file.header = header;
    file.rotate_bytes = options.rotate_bytes;
    file.rotate_every = options.rotate_every;
    file.rotate_clock = options.rotate_clock;
    file.durability = options.durability;
    file.follow_symlinks = options.follow_symlinks;
    if (output.format == RecordFormat::kCsv) {
      file.last_boundary = csv_last_record_end;
      file.refuse_existing = [columns](int fd, std::uint64_t) {
        return csv_columns_mismatch(first_line_of(fd), columns);
      };
    } else if (output.format == RecordFormat::kJsonLines) {
      file.refuse_existing = [columns](int fd, std::uint64_t size) {
        return json_lines_columns_mismatch(last_line_of(fd, size), columns);
      };
    }
    if ((options.rotate_bytes || options.rotate_every) &&
        (options.compress != Compression::kNone || options.keep.any())) {
      // Repaired before the compressor looks: it would take the torn record too.
      FileSink::finish_crashed_file(file, *marks);
      finished_files_.push_back(std::make_unique<FinishedFiles>(output.path, options.compress, options.keep, reporter));
      file.finished_files = finished_files_.back().get();
    }
    files_.push_back(std::make_unique<FileSink>(std::move(file), std::move(format), *marks));
    sinks_.push_back(files_.back().get());
  }
  if (options.influx) {
    influx_ = std::make_unique<InfluxSink>(*options.influx, options.points, decoding_.get(), jq_.get(),
                                           options.spool_directory, options.spool_max_bytes, options.durability,
                                           reporter, options.follow_symlinks, signals);
    sinks_.push_back(influx_.get());
  }
  if (sinks_.empty())
    throw UsageError("nothing to record into: give -o FILE (or -o - for standard output) or --influx URL");
}

Recording::~Recording() = default;

bool Recording::write(const Message& message) {
  // Decoded and run through --jq once, before the formats ask for the results.
  const Decoded* decoded = decoding_ ? decoding_->take(message) : nullptr;
  if (jq_) {
    const JqResult& result = jq_->take(message, decoded && decoded->ok() ? &decoded->value : nullptr);
    if (!result.failure.empty()) {
      ++jq_failures_;
      jq_warnings_->warn(std::string(message.topic) + ": " + result.failure);
    }
    if (result.halt && !ended_) ended_ = sink_end_of(*result.halt);
    if (result.outputs.empty()) {
      ++left_out_;
      return false;
    }
  }
  for (MessageSink* sink : sinks_) sink->write(message);
  return true;
}

std::optional<SinkEnd> Recording::ended() const {
  if (ended_ || !influx_) return ended_;
  return influx_->ended();
}

void Recording::commit(bool before_acknowledgements) {
  for (MessageSink* sink : sinks_) sink->commit(before_acknowledgements);
}

std::size_t Recording::uncommitted() const {
  std::size_t bytes = 0;
  for (const MessageSink* sink : sinks_) bytes += sink->uncommitted();
  return bytes;
}

bool Recording::can_accept() const {
  for (const MessageSink* sink : sinks_) {
    if (!sink->can_accept()) return false;
  }
  return true;
}

void Recording::begin_finish(std::chrono::milliseconds grace) {
  // The files are closed first, so that the last rotated one is finished too.
  for (auto& file : files_) file->close();
  for (auto& finished : finished_files_) finished->begin_finish();
  if (influx_) influx_->writer().begin_finish(grace);
}

bool Recording::finished() {
  for (auto& finished : finished_files_) {
    if (!finished->finished()) return false;
  }
  return !influx_ || influx_->writer().finished();
}

void Recording::stop_now() {
  for (auto& finished : finished_files_) finished->stop_now();
  if (influx_) influx_->writer().stop_now();
}

std::uint64_t Recording::spooled() const { return influx_ ? influx_->spool().pending_lines() : 0; }

long Recording::refused() const { return influx_ ? influx_->writer().points_rejected() : 0; }

// The skip counts of the point formats: all of them see every message, so
// the first tells for all.
const PointSkips* Recording::point_skips() const {
  if (influx_) return &influx_->skips();
  return point_formats_.empty() ? nullptr : &point_formats_.front()->skips();
}

std::string Recording::status(long received, double rate) const {
  std::string line = "received " + with_commas(received) + " (" + with_commas(static_cast<long>(rate)) + "/s)";
  long written = 0;
  for (const auto& file : files_) written += file->records_written();
  if (!files_.empty()) line += " · written " + with_commas(written);
  if (influx_) {
    line += " · sent " + with_commas(influx_->writer().points_sent());
    line += " · spooled " + with_commas(static_cast<long>(influx_->spool().pending_lines()));
    line += " · refused " + with_commas(influx_->writer().points_rejected());
    if (influx_->writer().failing()) line += " · InfluxDB unreachable";
  }
  if (const PointSkips* skips = point_skips(); skips && skips->total() > 0) {
    line += " · not points " + with_commas(skips->total());
  }
  if (decoding_ && decoding_->failures() > 0) line += " · not decoded " + with_commas(decoding_->failures());
  if (jq_) line += " · left out " + with_commas(left_out_);
  if (jq_failures_ > 0) line += " · jq failed " + with_commas(jq_failures_);
  return line;
}

std::vector<std::string> Recording::summary(long received) const {
  std::vector<std::string> lines;
  lines.push_back("received " + count_of(received, "message"));
  if (jq_) {
    lines.push_back("--jq left out " + count_of(left_out_, "message") + " (no output; acknowledged, not recorded)");
  }
  if (jq_failures_ > 0) {
    lines.push_back("--jq failed on " + count_of(jq_failures_, "message") +
                    " (warned; what it output before failing was recorded)");
  }
  for (const auto& file : files_) {
    for (const FileSink::Written& written : file->written()) {
      lines.push_back("wrote " + count_of(written.records, "record") + " to " + written.path);
    }
  }
  if (stdout_)
    lines.push_back("wrote " + count_of(stdout_buffer_->messages_written(), "record") + " to standard output");
  long compressed = 0, removed = 0;
  for (const auto& finished : finished_files_) {
    compressed += finished->compressed();
    removed += finished->removed();
  }
  if (compressed > 0) lines.push_back("compressed " + count_of(compressed, "finished file"));
  if (removed > 0) lines.push_back("removed " + count_of(removed, "old file") + " past --keep");
  if (influx_) {
    const InfluxWriter& writer = influx_->writer();
    std::string line =
        "sent " + count_of(writer.points_sent(), "point") + " to InfluxDB at " + influx_->options().describe();
    if (writer.points_rejected() > 0) {
      line += "; " + with_commas(writer.points_rejected()) + " refused (kept in " + influx_->spool().directory() +
              "/rejected.lp)";
    }
    lines.push_back(line);
    // After a spool that could not be read (the error said why), what it
    // counts may not be there any more.
    if (std::uint64_t left = influx_->spool().pending_lines(); left > 0 && !writer.stopped_by()) {
      lines.push_back(count_of(static_cast<long long>(left), "point") + (left == 1 ? " waits" : " wait") + " in " +
                      influx_->spool().directory() + " and will be sent on the next run");
    }
  }
  if (decoding_ && decoding_->failures() > 0) {
    lines.push_back(count_of(decoding_->failures(), "payload") + " did not decode: recorded as received");
  }
  if (const PointSkips* skips = point_skips()) {
    if (skips->total() > 0) {
      lines.push_back(count_of(skips->total(), "message") + " made no point (" + with_commas(skips->binary) +
                      " binary, " + with_commas(skips->text) + " text, " + with_commas(skips->no_fields) +
                      " without fields)");
    }
    if (skips->over_limit > 0) {
      lines.push_back(
          count_of(skips->over_limit, "JSON payload") +
          " deeper than --max-depth or with more fields than --max-fields: recorded as text in field value");
    }
    if (skips->metrics_without_point > 0) {
      lines.push_back(count_of(skips->metrics_without_point, "Sparkplug metric") +
                      " made no point: no value (is_null), or neither name nor alias");
    }
    if (skips->time_fallback > 0) {
      lines.push_back(count_of(skips->time_fallback, "point") +
                      " took the receive time: the time field was missing or unreadable");
    }
  }
  return lines;
}

}  // namespace mqtk
