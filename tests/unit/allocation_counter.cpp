#include "allocation_counter.hpp"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<std::size_t> count{0};
std::atomic<std::size_t> bytes{0};
}  // namespace

namespace test_support {
std::size_t allocations() { return count.load(); }
std::size_t allocated_bytes() { return bytes.load(); }
}  // namespace test_support

void* operator new(std::size_t size) {
  ++count;
  bytes += size;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}

void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
