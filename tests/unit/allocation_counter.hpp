// Counts heap allocations made by the test program (operator new is
// replaced in allocation_counter.cpp), to check code that must not allocate.
#pragma once

#include <cstddef>

namespace test_support {

std::size_t allocations();
// The bytes all of them asked for (to check that work grows linearly).
std::size_t allocated_bytes();

}  // namespace test_support
