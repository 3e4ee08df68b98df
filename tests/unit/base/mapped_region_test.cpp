#include "mqtk/base/mapped_region.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include <doctest/doctest.h>

#include "mqtk/base/error.hpp"
#include "mqtk/base/fd.hpp"
#include "temp_dir.hpp"

TEST_SUITE("mapped_region") {
  TEST_CASE("bytes from an offset inside a page, still there after the file is deleted") {
    test_support::TempDir dir;
    std::string path = dir.directory + "/data";
    std::string bytes;
    for (int i = 0; i < 5000; ++i) bytes += std::to_string(i) + "\n";
    std::ofstream(path, std::ios::binary) << bytes;
    mqtk::Fd fd(open(path.c_str(), O_RDONLY));
    REQUIRE(fd.valid());
    mqtk::MappedRegion region(fd.get(), 4099, 10000, path);
    fd.reset();
    unlink(path.c_str());
    CHECK(region.bytes() == std::string_view(bytes).substr(4099, 10000));
    mqtk::MappedRegion moved = std::move(region);
    CHECK(region.bytes().empty());
    CHECK(moved.bytes() == std::string_view(bytes).substr(4099, 10000));
  }

  TEST_CASE("nothing to map, and a descriptor that cannot be mapped") {
    CHECK(mqtk::MappedRegion(-1, 0, 0, "none").bytes().empty());
    CHECK_THROWS_WITH_AS(mqtk::MappedRegion(-1, 0, 10, "spool/0001.lp"),
                         "cannot map spool/0001.lp: Bad file descriptor", mqtk::Error);
  }
}
