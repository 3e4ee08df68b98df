#include "mqtk/base/shared_library.hpp"

#include <string>

#include <doctest/doctest.h>
#include <zlib.h>

#include "mqtk/base/error.hpp"

TEST_SUITE("shared_library") {
  TEST_CASE("a library's function is found by name and can be called") {
    mqtk::SharedLibrary zlib("libz.so.1", "gzip compression");
    auto version = zlib.function<decltype(zlibVersion)>("zlibVersion");
    bool found = version != nullptr;
    REQUIRE(found);
    // The library that runs is the one the headers describe, major version at least.
    CHECK(std::string(version()).substr(0, 2) == std::string(ZLIB_VERSION).substr(0, 2));
    CHECK(zlib.function<decltype(compressBound)>("compressBound")(1000) >= 1000);
  }

  TEST_CASE("a library that is not there is named, with what needed it") {
    CHECK_THROWS_WITH_AS(mqtk::SharedLibrary("libmqtk-no-such-library.so.1", "frobnication"),
                         doctest::Contains("frobnication needs libmqtk-no-such-library.so.1"), mqtk::Error);
  }

  TEST_CASE("a function the library does not have is named") {
    mqtk::SharedLibrary zlib("libz.so.1", "gzip compression");
    CHECK_THROWS_WITH_AS(zlib.function<void()>("no_such_function_in_zlib"),
                         doctest::Contains("libz.so.1 has no no_such_function_in_zlib"), mqtk::Error);
  }
}
