# `cpack` in the build directory makes mqtk_<version>_<arch>.deb; its
# dependencies on shared libraries come from dpkg-shlibdeps, but for those
# the tools load only when a run needs them (lib/mqtk/base/compression.cpp,
# lib/mqtk/record/influx_client.cpp, lib/mqtk/payload/jq_library.hpp),
# which it cannot see.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mqtk)
set(CPACK_PACKAGE_VENDOR "mqtk")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "MQTT command-line toolkit: mqtk-pub, mqtk-sub, mqtk-rr, mqtk-record, mqtk-top")
set(CPACK_PACKAGE_DESCRIPTION "Drop-in, lossless clones of mosquitto_pub, mosquitto_sub and mosquitto_rr, and mqtk-record,
which records MQTT messages durably into files and InfluxDB; mqtk-top, a
live terminal view of every topic of a broker; with replay, man pages and
shell completions.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "mqtk developers <mqtk@localhost>")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "zlib1g, libzstd1, libcurl4, libjq1")
include(CPack)
