// Reading a file or a stream whole, with read(2): a directory, a read error
// or too much input is an Error naming what was read, where iostreams would
// throw words of their own or report nothing at all.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

namespace mqtk {

// Everything `fd` holds up to its end. `what` names it in errors ("-f
// 'data.bin'"); more than `max_bytes` is a UsageError.
std::string read_whole(int fd, const std::string& what, std::size_t max_bytes);

// The file at `path`, read whole; nullopt when it does not exist and
// `missing_ok` says that is fine. Throws Error "<what>: cannot read: ...".
std::optional<std::string> read_whole_file(const std::string& path, const std::string& what, std::size_t max_bytes,
                                           bool missing_ok = false);

}  // namespace mqtk
