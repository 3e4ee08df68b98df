#include "mqtk/base/compression.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <zlib.h>
#include <zstd.h>

#include "mqtk/base/append_log.hpp"
#include "mqtk/base/error.hpp"
#include "mqtk/base/fd.hpp"

namespace mqtk {
namespace {

constexpr std::size_t kChunk = 1 << 16;

struct ZstdContexts {
  void operator()(ZSTD_CCtx* context) const { ZSTD_freeCCtx(context); }
  void operator()(ZSTD_DCtx* context) const { ZSTD_freeDCtx(context); }
};

// One compressed stream being written: gzip or zstd, the same steps.
class Compressor {
 public:
  explicit Compressor(Compression compression) : compression_(compression) {
    if (compression_ == Compression::kGzip) {
      // windowBits 15 + 16: a gzip header and trailer rather than zlib's.
      if (deflateInit2(&zlib_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        throw Error("cannot start gzip compression");
      }
    } else {
      zstd_.reset(ZSTD_createCCtx());
      if (!zstd_) throw Error("cannot start zstd compression");
    }
  }
  ~Compressor() {
    if (compression_ == Compression::kGzip) deflateEnd(&zlib_);
  }
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;

  // Compresses `in` (the last chunk when `last`) onto `out`.
  void compress(std::string_view in, bool last, std::string& out) {
    char buffer[kChunk];
    if (compression_ == Compression::kGzip) {
      zlib_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
      zlib_.avail_in = static_cast<uInt>(in.size());
      int rc;
      do {
        zlib_.next_out = reinterpret_cast<Bytef*>(buffer);
        zlib_.avail_out = sizeof buffer;
        rc = deflate(&zlib_, last ? Z_FINISH : Z_NO_FLUSH);
        out.append(buffer, sizeof buffer - zlib_.avail_out);
      } while (zlib_.avail_out == 0 || (last && rc != Z_STREAM_END));
      return;
    }
    ZSTD_inBuffer input{in.data(), in.size(), 0};
    std::size_t remaining;
    do {
      ZSTD_outBuffer output{buffer, sizeof buffer, 0};
      remaining = ZSTD_compressStream2(zstd_.get(), &output, &input, last ? ZSTD_e_end : ZSTD_e_continue);
      if (ZSTD_isError(remaining)) throw Error(std::string("zstd: ") + ZSTD_getErrorName(remaining));
      out.append(buffer, output.pos);
    } while (last ? remaining != 0 : input.pos < input.size);
  }

 private:
  Compression compression_;
  z_stream zlib_{};
  std::unique_ptr<ZSTD_CCtx, ZstdContexts> zstd_;
};

}  // namespace

std::optional<Compression> compression_from_name(std::string_view name) {
  if (name == "gzip") return Compression::kGzip;
  if (name == "zstd") return Compression::kZstd;
  return std::nullopt;
}

std::string_view compression_suffix(Compression compression) {
  switch (compression) {
    case Compression::kGzip:
      return ".gz";
    case Compression::kZstd:
      return ".zst";
    case Compression::kNone:
      return "";
  }
  return "";
}

Compression compression_of(std::string_view path) {
  if (path.ends_with(".gz")) return Compression::kGzip;
  if (path.ends_with(".zst")) return Compression::kZstd;
  return Compression::kNone;
}

bool compress_file(const std::string& from, const std::string& to, Compression compression,
                   const std::function<bool()>& cancelled) {
  Fd input(open(from.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!input.valid()) throw Error("cannot read " + from + ": " + std::strerror(errno));
  AppendLog output(to, {.create_new = true, .follow_symlinks = false, .mode = 0644});
  try {
    Compressor compressor(compression);
    std::string chunk(kChunk, '\0');
    std::string compressed;
    while (true) {
      if (cancelled()) {
        std::remove(to.c_str());
        return false;
      }
      ssize_t n = read(input.get(), chunk.data(), chunk.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw Error("cannot read " + from + ": " + std::strerror(errno));
      compressed.clear();
      compressor.compress(std::string_view(chunk.data(), static_cast<std::size_t>(n)), n == 0, compressed);
      output.append(compressed);
      if (n == 0) break;
    }
    output.sync();
  } catch (...) {
    std::remove(to.c_str());
    throw;
  }
  return true;
}

struct Decompressor::State {
  Compression compression;
  z_stream zlib{};
  std::unique_ptr<ZSTD_DCtx, ZstdContexts> zstd;
  bool complete = false;
};

Decompressor::Decompressor(Compression compression) : state_(std::make_unique<State>()) {
  state_->compression = compression;
  if (compression == Compression::kGzip) {
    if (inflateInit2(&state_->zlib, 15 + 32) != Z_OK) throw Error("cannot start gzip decompression");  // gzip or zlib
  } else {
    state_->zstd.reset(ZSTD_createDCtx());
    if (!state_->zstd) throw Error("cannot start zstd decompression");
  }
}

Decompressor::~Decompressor() {
  if (state_->compression == Compression::kGzip) inflateEnd(&state_->zlib);
}

void Decompressor::feed(std::string_view in, std::string& out) {
  char buffer[kChunk];
  if (state_->compression == Compression::kGzip) {
    z_stream& zlib = state_->zlib;
    zlib.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zlib.avail_in = static_cast<uInt>(in.size());
    while (zlib.avail_in > 0 || zlib.avail_out == 0) {
      zlib.next_out = reinterpret_cast<Bytef*>(buffer);
      zlib.avail_out = sizeof buffer;
      int rc = inflate(&zlib, Z_NO_FLUSH);
      out.append(buffer, sizeof buffer - zlib.avail_out);
      if (rc == Z_STREAM_END) {
        // Concatenated gzip members (as gzip itself writes them) go on.
        state_->complete = true;
        if (zlib.avail_in == 0) break;
        inflateReset(&zlib);
        continue;
      }
      if (rc == Z_BUF_ERROR && zlib.avail_in == 0) break;
      if (rc != Z_OK) throw Error("not valid gzip data");
      state_->complete = false;
    }
    return;
  }
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  while (input.pos < input.size) {
    ZSTD_outBuffer output{buffer, sizeof buffer, 0};
    std::size_t rc = ZSTD_decompressStream(state_->zstd.get(), &output, &input);
    if (ZSTD_isError(rc)) throw Error("not valid zstd data");
    out.append(buffer, output.pos);
    state_->complete = rc == 0;
  }
}

bool Decompressor::complete() const { return state_->complete; }

}  // namespace mqtk
