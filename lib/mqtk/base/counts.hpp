// Counts in messages for people: "1,204 points", "1 point".
#pragma once

#include <string>
#include <string_view>

namespace mqtk {

// 1234567 -> "1,234,567".
std::string with_commas(long long n);

// "1 message", "2 messages"; `plural` defaults to `singular` + "s".
std::string count_of(long long n, std::string_view singular, std::string_view plural = {});

}  // namespace mqtk
