#include "mqtk/base/compression.hpp"

#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"
#include "temp_dir.hpp"

namespace {

std::string contents(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

// Decompresses in small pieces, as a reader fed by read() would.
std::string decompress(mqtk::Compression compression, const std::string& data, std::size_t piece) {
  mqtk::Decompressor decompressor(compression);
  std::string out;
  for (std::size_t at = 0; at < data.size(); at += piece)
    decompressor.feed(std::string_view(data).substr(at, piece), out);
  CHECK(decompressor.complete());
  return out;
}

}  // namespace

TEST_SUITE("compression") {
  TEST_CASE("names and suffixes") {
    CHECK(mqtk::compression_from_name("gzip") == mqtk::Compression::kGzip);
    CHECK(mqtk::compression_from_name("zstd") == mqtk::Compression::kZstd);
    CHECK_FALSE(mqtk::compression_from_name("xz"));
    CHECK(mqtk::compression_of("a.jsonl.gz") == mqtk::Compression::kGzip);
    CHECK(mqtk::compression_of("a.csv.zst") == mqtk::Compression::kZstd);
    CHECK(mqtk::compression_of("a.jsonl") == mqtk::Compression::kNone);
  }

  TEST_CASE("a file compressed and read back chunk by chunk is the same bytes") {
    test_support::TempDir temp;
    std::string original;
    std::mt19937 random(7);
    for (int i = 0; i < 200000; ++i) original += "{\"n\":" + std::to_string(random() % 1000) + "}\n";
    original += std::string(70000, '\0');  // and some binary
    std::ofstream(temp.directory + "/in", std::ios::binary) << original;
    for (auto compression : {mqtk::Compression::kGzip, mqtk::Compression::kZstd}) {
      std::string out = temp.directory + "/out" + std::string(mqtk::compression_suffix(compression));
      REQUIRE(mqtk::compress_file(temp.directory + "/in", out, compression, [] { return false; }));
      std::string compressed = contents(out);
      CHECK(compressed.size() < original.size() / 3);
      CHECK(decompress(compression, compressed, 1000) == original);
      CHECK(decompress(compression, compressed, 1 << 20) == original);
      // Cut short: not complete.
      mqtk::Decompressor partial(compression);
      std::string ignored;
      partial.feed(std::string_view(compressed).substr(0, compressed.size() / 2), ignored);
      CHECK_FALSE(partial.complete());
    }
  }

  TEST_CASE("cancelled: no file left; corrupt input: an error") {
    test_support::TempDir temp;
    std::ofstream(temp.directory + "/in") << "data\n";
    CHECK_FALSE(mqtk::compress_file(temp.directory + "/in", temp.directory + "/out.gz", mqtk::Compression::kGzip,
                                    [] { return true; }));
    CHECK_FALSE(std::filesystem::exists(temp.directory + "/out.gz"));
    mqtk::Decompressor gzip(mqtk::Compression::kGzip);
    std::string out;
    CHECK_THROWS_WITH_AS(gzip.feed("this is not gzip at all", out), "not valid gzip data", mqtk::Error);
    mqtk::Decompressor zstd(mqtk::Compression::kZstd);
    CHECK_THROWS_WITH_AS(zstd.feed("nor zstd", out), "not valid zstd data", mqtk::Error);
  }
}
