// Part of a file mapped read-only into memory: its bytes are the page
// cache's own, read without a copy, and its pages are let go when the region
// is. The file must not shrink below the region while it is mapped (reading
// a page past its end would raise SIGBUS); growing, or being deleted, is fine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace mqtk {

class MappedRegion {
 public:
  MappedRegion() = default;
  // Maps bytes [offset, offset + length) of `fd`. Throws Error naming `path`.
  MappedRegion(int fd, std::uint64_t offset, std::size_t length, const std::string& path);
  ~MappedRegion();
  MappedRegion(MappedRegion&& other) noexcept
      : mapping_(std::exchange(other.mapping_, nullptr)),
        mapped_bytes_(std::exchange(other.mapped_bytes_, 0)),
        bytes_(std::exchange(other.bytes_, {})) {}
  MappedRegion& operator=(MappedRegion&& other) noexcept;
  MappedRegion(const MappedRegion&) = delete;
  MappedRegion& operator=(const MappedRegion&) = delete;

  std::string_view bytes() const { return bytes_; }

 private:
  void* mapping_ = nullptr;  // starts on the page that holds `offset`
  std::size_t mapped_bytes_ = 0;
  std::string_view bytes_;
};

}  // namespace mqtk
