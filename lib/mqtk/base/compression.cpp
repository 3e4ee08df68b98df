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
#include "mqtk/base/shared_library.hpp"

namespace mqtk {
namespace {

constexpr std::size_t kChunk = 1 << 16;

// zlib's functions, loaded by the first run that compresses or
// decompresses gzip (base/shared_library.hpp says why).
struct Zlib {
  SharedLibrary library{"libz.so.1", "a .gz file"};
  decltype(deflateInit2_)* deflate_init = library.function<decltype(deflateInit2_)>("deflateInit2_");
  decltype(::deflate)* deflate = library.function<decltype(::deflate)>("deflate");
  decltype(deflateEnd)* deflate_end = library.function<decltype(deflateEnd)>("deflateEnd");
  decltype(inflateInit2_)* inflate_init = library.function<decltype(inflateInit2_)>("inflateInit2_");
  decltype(::inflate)* inflate = library.function<decltype(::inflate)>("inflate");
  decltype(inflateReset)* inflate_reset = library.function<decltype(inflateReset)>("inflateReset");
  decltype(inflateEnd)* inflate_end = library.function<decltype(inflateEnd)>("inflateEnd");
};

const Zlib& zlib() {
  static const Zlib loaded;
  return loaded;
}

// libzstd's, likewise.
struct Zstd {
  SharedLibrary library{"libzstd.so.1", "a .zst file"};
  decltype(ZSTD_createCCtx)* create_compressor = library.function<decltype(ZSTD_createCCtx)>("ZSTD_createCCtx");
  decltype(ZSTD_freeCCtx)* free_compressor = library.function<decltype(ZSTD_freeCCtx)>("ZSTD_freeCCtx");
  decltype(ZSTD_compressStream2)* compress = library.function<decltype(ZSTD_compressStream2)>("ZSTD_compressStream2");
  decltype(ZSTD_createDCtx)* create_decompressor = library.function<decltype(ZSTD_createDCtx)>("ZSTD_createDCtx");
  decltype(ZSTD_freeDCtx)* free_decompressor = library.function<decltype(ZSTD_freeDCtx)>("ZSTD_freeDCtx");
  decltype(ZSTD_decompressStream)* decompress =
      library.function<decltype(ZSTD_decompressStream)>("ZSTD_decompressStream");
  decltype(ZSTD_isError)* is_error = library.function<decltype(ZSTD_isError)>("ZSTD_isError");
  decltype(ZSTD_getErrorName)* error_name = library.function<decltype(ZSTD_getErrorName)>("ZSTD_getErrorName");
};

const Zstd& zstd() {
  static const Zstd loaded;
  return loaded;
}

struct ZstdContexts {
  void operator()(ZSTD_CCtx* context) const { zstd().free_compressor(context); }
  void operator()(ZSTD_DCtx* context) const { zstd().free_decompressor(context); }
};

// What zlib's deflateInit2() and inflateInit2() macros pass.
constexpr int kZstreamSize = static_cast<int>(sizeof(z_stream));

// One compressed stream being written: gzip or zstd, the same steps.
class Compressor {
 public:
  explicit Compressor(Compression compression) : compression_(compression) {
    if (compression_ == Compression::kGzip) {
      // windowBits 15 + 16: a gzip header and trailer rather than zlib's.
      if (zlib().deflate_init(&zlib_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                              kZstreamSize) != Z_OK) {
        throw Error("cannot start gzip compression");
      }
    } else {
      zstd_.reset(zstd().create_compressor());
      if (!zstd_) throw Error("cannot start zstd compression");
    }
  }
  ~Compressor() {
    if (compression_ == Compression::kGzip) zlib().deflate_end(&zlib_);
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
        rc = zlib().deflate(&zlib_, last ? Z_FINISH : Z_NO_FLUSH);
        out.append(buffer, sizeof buffer - zlib_.avail_out);
      } while (zlib_.avail_out == 0 || (last && rc != Z_STREAM_END));
      return;
    }
    ZSTD_inBuffer input{in.data(), in.size(), 0};
    std::size_t remaining;
    do {
      ZSTD_outBuffer output{buffer, sizeof buffer, 0};
      remaining = zstd().compress(zstd_.get(), &output, &input, last ? ZSTD_e_end : ZSTD_e_continue);
      if (zstd().is_error(remaining)) throw Error(std::string("zstd: ") + zstd().error_name(remaining));
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

void load_compression_library(Compression compression) {
  if (compression == Compression::kGzip) zlib();
  if (compression == Compression::kZstd) zstd();
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
    // 15 + 32: gzip or zlib, as the header says.
    if (zlib().inflate_init(&state_->zlib, 15 + 32, ZLIB_VERSION, kZstreamSize) != Z_OK) {
      throw Error("cannot start gzip decompression");
    }
  } else {
    state_->zstd.reset(zstd().create_decompressor());
    if (!state_->zstd) throw Error("cannot start zstd decompression");
  }
}

Decompressor::~Decompressor() {
  if (state_->compression == Compression::kGzip) zlib().inflate_end(&state_->zlib);
}

void Decompressor::feed(std::string_view in, std::string& out) {
  char buffer[kChunk];
  if (state_->compression == Compression::kGzip) {
    z_stream& stream = state_->zlib;
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    stream.avail_in = static_cast<uInt>(in.size());
    while (stream.avail_in > 0 || stream.avail_out == 0) {
      stream.next_out = reinterpret_cast<Bytef*>(buffer);
      stream.avail_out = sizeof buffer;
      int rc = zlib().inflate(&stream, Z_NO_FLUSH);
      out.append(buffer, sizeof buffer - stream.avail_out);
      if (rc == Z_STREAM_END) {
        // Concatenated gzip members (as gzip itself writes them) go on.
        state_->complete = true;
        if (stream.avail_in == 0) break;
        zlib().inflate_reset(&stream);
        continue;
      }
      if (rc == Z_BUF_ERROR && stream.avail_in == 0) break;
      if (rc != Z_OK) throw Error("not valid gzip data");
      state_->complete = false;
    }
    return;
  }
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  while (input.pos < input.size) {
    ZSTD_outBuffer output{buffer, sizeof buffer, 0};
    std::size_t rc = zstd().decompress(state_->zstd.get(), &output, &input);
    if (zstd().is_error(rc)) throw Error("not valid zstd data");
    out.append(buffer, output.pos);
    state_->complete = rc == 0;
  }
}

bool Decompressor::complete() const { return state_->complete; }

}  // namespace mqtk
