#include "mqtk/record/file_sink.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "mqtk/base/compression.hpp"
#include "mqtk/base/error.hpp"

namespace mqtk {
namespace {

// How far a file may grow past its mark before the mark is moved on, so that
// repairing after a crash reads at most this much.
constexpr std::uint64_t kMarkStride = 64ULL * 1024 * 1024;

// The last byte of a file that was not ours: whether it ends a line.
bool ends_with_newline(int fd, std::uint64_t size) {
  if (size == 0) return true;
  char last = 0;
  return pread(fd, &last, 1, static_cast<off_t>(size - 1)) == 1 && last == '\n';
}

// A rotated name is taken while the file or a compressed copy of it is
// there: a clock set back can bring the name of an earlier run's file round
// again, and compressing the new file would replace the old one's copy.
bool rotated_name_taken(const std::string& name) {
  for (Compression compression : {Compression::kNone, Compression::kGzip, Compression::kZstd}) {
    if (access((name + std::string(compression_suffix(compression))).c_str(), F_OK) == 0) return true;
  }
  return false;
}

}  // namespace

std::chrono::system_clock::time_point next_clock_boundary(std::chrono::system_clock::time_point now,
                                                          std::chrono::milliseconds period, RotationClock clock) {
  using namespace std::chrono;
  long long offset_ms = 0;
  if (clock == RotationClock::kLocal) {
    std::time_t seconds = system_clock::to_time_t(now);
    std::tm local{};
    localtime_r(&seconds, &local);
    offset_ms = static_cast<long long>(local.tm_gmtoff) * 1000;
  }
  long long local_ms = duration_cast<milliseconds>(now.time_since_epoch()).count() + offset_ms;
  long long step = period.count();
  long long next = (local_ms / step + 1) * step;
  return system_clock::time_point(milliseconds(next - offset_ms));
}

FileSink::FileSink(FileSinkOptions options, std::unique_ptr<MessageFormat> format, FileMarks& marks)
    : options_(std::move(options)), format_(std::move(format)), marks_(marks), sync_(options_.durability) {
  finish_crashed_file(options_, marks_);
  if (rotating()) {
    // Opened at the first record, so that a run with nothing to record
    // leaves no empty file; but a directory that cannot take it is an error now.
    std::size_t slash = options_.path.rfind('/');
    std::string directory = slash == std::string::npos ? "." : options_.path.substr(0, std::max<std::size_t>(slash, 1));
    if (access(directory.c_str(), W_OK) != 0) {
      throw Error("cannot write into " + directory + " (for " + options_.path + "): " + std::strerror(errno));
    }
  } else {
    open_file(std::chrono::system_clock::now());
  }
}

FileSink::~FileSink() {
  try {
    close_file();
  } catch (const Error&) {
    // Closing after a failure: the mark stays open, and the next run repairs.
  }
}

const std::string& FileSink::current_path() const { return file_ ? file_->path() : options_.path; }

// (The output's own file, not rotated, is repaired when it is opened.)
void FileSink::finish_crashed_file(const FileSinkOptions& options, FileMarks& marks) {
  std::optional<FileMark> mark = marks.mark(options.path);
  if (!mark || !mark->open || mark->file == options.path) return;
  if (access(mark->file.c_str(), F_OK) != 0) return;  // moved away since
  AppendLog file(mark->file, {.create_new = false, .follow_symlinks = options.follow_symlinks});
  bool ours = file.identity() == mark->identity;
  if (ours && file.size() >= mark->from) {
    file.repair(mark->from, options.last_boundary);
    file.sync();
  }
  // Killed between starting the file and writing into it: a file is
  // started only when there is something to write into it.
  if (ours && file.size() == 0) std::remove(mark->file.c_str());
  FileMark finished = *mark;
  finished.open = false;
  finished.size = file.size();
  marks.set_mark(options.path, finished);
}

std::string FileSink::rotated_name(std::chrono::system_clock::time_point now) const {
  const std::string& path = options_.path;
  std::size_t slash = path.rfind('/');
  std::size_t dot = path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash) || dot == slash + 1) dot = path.size();
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char stamp[48];
  std::size_t length = std::strftime(stamp, sizeof stamp, "-%Y%m%dT%H%M%S", &tm);
  std::snprintf(stamp + length, sizeof stamp - length, ".%06dZ", static_cast<int>(micros % 1000000));
  // name-20261125T030000.123456Z.ext: names sort in the order they were made.
  return path.substr(0, dot) + stamp + path.substr(dot);
}

void FileSink::open_file(std::chrono::system_clock::time_point now) {
  try {
    if (rotating()) {
      // A file of its own, never one that exists: a name taken (two
      // rotations within a microsecond) moves on by a microsecond.
      for (auto when = now;; when += std::chrono::microseconds(1)) {
        std::string name = rotated_name(when);
        if (rotated_name_taken(name)) continue;
        file_.emplace(name, AppendLog::Options{.create_new = true, .follow_symlinks = options_.follow_symlinks});
        break;
      }
    } else {
      file_.emplace(options_.path,
                    AppendLog::Options{.create_new = false, .follow_symlinks = options_.follow_symlinks});
    }
  } catch (const SymbolicLinkRefused& e) {
    throw Error(std::string(e.what()) + "; give the file itself, or --follow-symlinks");
  }
  std::optional<FileMark> mark = marks_.mark(options_.path);
  bool ours = mark && mark->file == file_->path() && mark->identity == file_->identity();
  if (ours && mark->open && file_->size() >= mark->from) {
    file_->repair(mark->from, options_.last_boundary);  // our own record, cut short by a crash
  } else if (!(ours && !mark->open && file_->size() == mark->size) && !ends_with_newline(file_->fd(), file_->size())) {
    std::string path = file_->path();
    file_.reset();
    throw Error(path +
                " ends inside a line that mqtk-record did not write (another program wrote or changed the "
                "file since); move it away, or end it with a newline");
  }
  if (options_.refuse_existing && !rotating() && file_->size() > 0) {
    if (std::optional<std::string> why = options_.refuse_existing(file_->fd(), file_->size())) {
      std::string path = file_->path();
      file_.reset();
      throw Error(path + ": " + *why);
    }
  }
  started_at_ = marked_at_ = file_->size();
  if (options_.finished_files) options_.finished_files->set_current(file_->path());
  marks_.set_mark(options_.path, mark_of(true));
  opened_ = now;
  if (options_.rotate_every && options_.rotate_clock != RotationClock::kNone) {
    next_boundary_ = next_clock_boundary(now, *options_.rotate_every, options_.rotate_clock);
  }
  if (file_->size() == 0 && !options_.header.empty()) pending_.insert(0, options_.header);
  written_.push_back({file_->path(), 0});
}

FileMark FileSink::mark_of(bool open) const {
  FileMark mark;
  mark.file = file_->path();
  mark.identity = file_->identity();
  mark.from = marked_at_;
  mark.open = open;
  mark.size = file_->size();
  return mark;
}

void FileSink::close_file() {
  if (!file_) return;
  if (unsynced_) {
    file_->sync();
    unsynced_ = false;
  }
  marks_.set_mark(options_.path, mark_of(false));
  std::string finished = file_->path();
  file_.reset();
  if (rotating() && options_.finished_files) options_.finished_files->add(finished);
}

bool FileSink::due_by_time(std::chrono::system_clock::time_point now) const {
  if (!options_.rotate_every) return false;
  if (options_.rotate_clock != RotationClock::kNone) return now >= next_boundary_;
  return now - opened_ >= *options_.rotate_every;
}

bool FileSink::write(const Message& message) {
  if (rotating()) start_file_for(message);
  if (message.payload.size() >= kFramedPayloadBytes && format_->frame(message, frame_)) {
    write_framed(message);
    return true;
  }
  std::size_t before = pending_.size();
  format_->render(message, pending_);
  if (pending_.size() != before) ++pending_records_;
  return true;
}

// Rotation goes by the records' own receive times, not by when they are
// committed: a message received just before a boundary belongs to the file
// before it, however late the commit that writes it comes.
void FileSink::start_file_for(const Message& message) {
  auto received =
      message.received.tv_sec == 0
          ? std::chrono::system_clock::now()
          : std::chrono::system_clock::time_point(std::chrono::duration_cast<std::chrono::system_clock::duration>(
                std::chrono::seconds(message.received.tv_sec) + std::chrono::nanoseconds(message.received.tv_nsec)));
  if (file_ && due_by_time(received) && (file_->size() > started_at_ || !pending_.empty())) {
    if (!pending_.empty()) append_pending();
    close_file();
  }
  // Never named before the file it follows (a clock set back), so that the
  // names still sort in the order the files were written.
  if (!file_) open_file(std::max(received, opened_));
}

// Writes what is pending into the file (reopening it after close()).
void FileSink::append_pending() {
  if (!file_) open_file(std::chrono::system_clock::now());
  file_->append(pending_);
  records_written_ += pending_records_;
  written_.back().records += pending_records_;
  pending_records_ = 0;
  pending_.clear();
  // A buffer a large record grew is given back.
  if (pending_.capacity() > (1 << 20)) pending_.shrink_to_fit();
  unsynced_ = true;
}

// A large payload goes from the message into the file a piece at a time,
// after what is pending: never copied whole.
void FileSink::write_framed(const Message& message) {
  append_pending();  // the header of a new file, or earlier records
  file_->append_pieces([&](const auto& write) {
    write(frame_.before);
    write_encoded_payload(message.payload, frame_.encoding, write);
    write(frame_.after);
  });
  ++records_written_;
  ++written_.back().records;
}

void FileSink::commit(bool before_acknowledgements) {
  if (!pending_.empty()) append_pending();
  if (!file_) return;
  if (unsynced_ && sync_.due(std::chrono::steady_clock::now(), before_acknowledgements)) {
    file_->sync();
    unsynced_ = false;
  }
  if (!unsynced_ && file_->size() - marked_at_ >= kMarkStride) {
    marked_at_ = file_->size();  // synced: a boundary that survives a crash
    marks_.set_mark(options_.path, mark_of(true));
  }
  if (options_.rotate_bytes && file_->size() >= *options_.rotate_bytes) close_file();
}

}  // namespace mqtk
