// Which recording a run of mqtk-record is, so that every run with the same
// meaning takes the same client id (and with it the same broker session,
// state and spool), and different recordings never share one.
//
// The meaning is what the recording holds: the topic filters it subscribes
// to and where it records (absolute paths, InfluxDB's address and
// database). The order of -t and -o does not matter; how messages are
// turned into records (formats, --integers, tags) does not change it.
#pragma once

#include <string>
#include <vector>

namespace mqtk {

// `path` made absolute whether or not the file exists yet: its directory
// resolved (symbolic links, "..") by realpath(), its name kept. "-" stays
// "-". Throws Error naming the path when the directory does not exist.
std::string absolute_output_path(const std::string& path);

// "mqtk-record-" and 11 hex digits of a hash of the recording's meaning: at
// most 23 characters, as MQTT 3.1 requires.
std::string recording_client_id(const std::vector<std::string>& filters, const std::vector<std::string>& outputs,
                                const std::string& influx);

}  // namespace mqtk
