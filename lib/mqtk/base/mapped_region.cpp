#include "mqtk/base/mapped_region.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "mqtk/base/error.hpp"

namespace mqtk {

MappedRegion::MappedRegion(int fd, std::uint64_t offset, std::size_t length, const std::string& path) {
  if (length == 0) return;  // mmap refuses an empty mapping; there is nothing to read anyway
  // A mapping starts on a page boundary: from the page that holds `offset`.
  const std::uint64_t page = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
  const std::size_t lead = static_cast<std::size_t>(offset % page);
  void* mapping = mmap(nullptr, lead + length, PROT_READ, MAP_SHARED, fd, static_cast<off_t>(offset - lead));
  if (mapping == MAP_FAILED) throw Error("cannot map " + path + ": " + std::strerror(errno));
  mapping_ = mapping;
  mapped_bytes_ = lead + length;
  bytes_ = std::string_view(static_cast<const char*>(mapping) + lead, length);
}

MappedRegion::~MappedRegion() {
  if (mapping_) munmap(mapping_, mapped_bytes_);
}

MappedRegion& MappedRegion::operator=(MappedRegion&& other) noexcept {
  if (this != &other) {
    if (mapping_) munmap(mapping_, mapped_bytes_);
    mapping_ = std::exchange(other.mapping_, nullptr);
    mapped_bytes_ = std::exchange(other.mapped_bytes_, 0);
    bytes_ = std::exchange(other.bytes_, {});
  }
  return *this;
}

}  // namespace mqtk
