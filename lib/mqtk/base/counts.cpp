#include "mqtk/base/counts.hpp"

namespace mqtk {

std::string with_commas(long long n) {
  std::string digits = std::to_string(n);
  std::size_t first = n < 0 ? 1 : 0;
  for (std::size_t i = digits.size(); i > first + 3; i -= 3) digits.insert(i - 3, ",");
  return digits;
}

std::string count_of(long long n, std::string_view singular, std::string_view plural) {
  std::string text = with_commas(n) + " ";
  if (n == 1 || n == -1) return text + std::string(singular);
  return text + (plural.empty() ? std::string(singular) + "s" : std::string(plural));
}

}  // namespace mqtk
