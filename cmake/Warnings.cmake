# The warnings mqtk's own code is built with: an interface target linked
# into the library, the tools, the tests and the fuzz targets, so that they
# never reach code built from elsewhere (a dependency's sources, CMake's own
# checks).
add_library(mqtk_warnings INTERFACE)
target_compile_options(mqtk_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
                       $<$<BOOL:${MQTK_WERROR}>:-Werror>)
