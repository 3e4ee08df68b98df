// Memory a C library allocated with malloc() and handed over to us (realpath,
// libmosquitto's copies of property values): one owner frees it, whichever
// way the caller leaves.
#pragma once

#include <cstdlib>
#include <memory>

namespace mqtk {

struct FreeCMemory {
  void operator()(void* memory) const { std::free(memory); }
};
template <typename T>
using CMemory = std::unique_ptr<T, FreeCMemory>;

}  // namespace mqtk
