// A C library loaded when a run first needs it, not at every start: each
// library the dynamic loader maps costs a start about 0.15 ms (its file
// opened, mapped and relocated), and a shell loop of mqtk-pub pays that for
// libraries that most runs never call (zlib and libzstd, for compressed
// recordings). As systemd loads its compression libraries.
#pragma once

#include <string>

namespace mqtk {

class SharedLibrary {
 public:
  // Loads `soname` (libzstd.so.1), which `purpose` ("a .zst file") needs.
  // Throws Error naming both when it cannot.
  SharedLibrary(const char* soname, const char* purpose);
  // The library stays loaded: its functions may still be in use.
  ~SharedLibrary() = default;
  SharedLibrary(const SharedLibrary&) = delete;
  SharedLibrary& operator=(const SharedLibrary&) = delete;

  // The library's function `name`, as the header declares it:
  // function<decltype(ZSTD_isError)>("ZSTD_isError"). Throws Error.
  template <typename Function>
  Function* function(const char* name) const {
    return reinterpret_cast<Function*>(address(name));
  }

 private:
  void* address(const char* name) const;

  std::string soname_;
  void* handle_;
};

}  // namespace mqtk
