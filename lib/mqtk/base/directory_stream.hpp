// An open directory (opendir) with exactly one owner: closed when its
// DirectoryStream goes away, whichever way the listing ends.
#pragma once

#include <dirent.h>

#include <memory>
#include <string>

namespace mqtk {

struct CloseDirectoryStream {
  void operator()(DIR* directory) const { closedir(directory); }
};
using DirectoryStream = std::unique_ptr<DIR, CloseDirectoryStream>;

// `path` opened for readdir(); empty, with errno set, when it cannot be.
inline DirectoryStream open_directory(const std::string& path) { return DirectoryStream(opendir(path.c_str())); }

}  // namespace mqtk
