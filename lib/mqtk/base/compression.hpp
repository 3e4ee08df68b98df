// gzip (zlib) and zstd (libzstd), streamed: for finished recordings
// (mqtk-record --compress) and for reading them back (mqtk-pub --replay).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace mqtk {

enum class Compression { kNone, kGzip, kZstd };

// "gzip" or "zstd"; nothing for another name.
std::optional<Compression> compression_from_name(std::string_view name);
// ".gz", ".zst", or "" for none.
std::string_view compression_suffix(Compression compression);
// The compression a file name says (by its suffix).
Compression compression_of(std::string_view path);

// Loads the library `compression` needs (zlib or libzstd) now, so that a
// run that will compress fails at its start, not at its first finished
// file. Throws Error naming the library.
void load_compression_library(Compression compression);

// Compresses the file `from` into `to`, a new file (mode 0644), synced.
// Returns false, with `to` removed, when `cancelled` says so between
// chunks. Throws Error naming the file that failed.
bool compress_file(const std::string& from, const std::string& to, Compression compression,
                   const std::function<bool()>& cancelled);

// Undoes a compression chunk by chunk, as the data arrives.
class Decompressor {
 public:
  explicit Decompressor(Compression compression);
  ~Decompressor();
  Decompressor(const Decompressor&) = delete;
  Decompressor& operator=(const Decompressor&) = delete;

  // Appends what `in` decompresses to to `out`. Throws Error("not valid
  // gzip data"...) on corrupt input.
  void feed(std::string_view in, std::string& out);
  // Whether the input so far ends where a compressed stream ends: false
  // means a file cut short.
  bool complete() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace mqtk
