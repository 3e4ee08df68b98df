#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <mosquitto.h>

// libmosquitto's property and topic helpers want the library initialised.
int main(int argc, char** argv) {
  mosquitto_lib_init();
  int status = doctest::Context(argc, argv).run();
  mosquitto_lib_cleanup();
  return status;
}
