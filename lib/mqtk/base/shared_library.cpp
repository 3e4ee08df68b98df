#include "mqtk/base/shared_library.hpp"

#include <dlfcn.h>

#include "mqtk/base/error.hpp"

namespace mqtk {

SharedLibrary::SharedLibrary(const char* soname, const char* purpose) : soname_(soname) {
  handle_ = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (handle_ == nullptr) throw Error(std::string(purpose) + " needs " + soname_ + " (" + dlerror() + ")");
}

void* SharedLibrary::address(const char* name) const {
  dlerror();  // a symbol's address may be null: only dlerror() tells a failure
  void* address = dlsym(handle_, name);
  if (const char* error = dlerror()) throw Error(soname_ + " has no " + name + ": " + error);
  return address;
}

}  // namespace mqtk
