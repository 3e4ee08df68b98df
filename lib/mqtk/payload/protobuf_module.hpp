// mqtk-protobuf.so, the module that decodes protobuf and Sparkplug B
// payloads (--decode protobuf:..., --decode sparkplug): protobuf_decoder.hpp
// and sparkplug_decoder.hpp behind a C interface, loaded by the first run
// that asks for one (protobuf_library.hpp).
//
// Why a module: libprotobuf set up its own descriptors at every start of a
// tool it was linked into (half a million instructions), and its code was
// 0.7 MB of mqtk-sub's 5.5 MB resident, for a decoder few runs use. Why C:
// the tools carry their own C++ runtime (tools/CMakeLists.txt) and the
// module uses libprotobuf.so's, so nothing C++ (exceptions, strings,
// allocations) crosses between them. A value crosses as CBOR, which keeps
// what JSON text would not: NaN and infinities, and integers as integers.
#pragma once

#include <cstddef>

extern "C" {

struct mqtk_protobuf_decoder;

// A decoder for the spec "protobuf:FILE.proto:package.Message", its files
// looked up as protobuf_decoder.hpp says (`proto_paths`: the --proto-path
// directories). Null when it cannot be made, with why in *error: the
// message of the UsageError the tool throws (or of an Error, for Sparkplug's
// own schema).
mqtk_protobuf_decoder* mqtk_protobuf_open(const char* spec, const char* const* proto_paths, std::size_t path_count,
                                          char** error);

// A decoder of Sparkplug B payloads, or null with why in *error.
mqtk_protobuf_decoder* mqtk_sparkplug_open(char** error);

// Decodes one payload: returns 1 with the value as CBOR in *out, or 0 with
// the failure (payload_decoder.hpp's Decoded::failure) as text; *out holds
// *out_size bytes either way, to free with mqtk_protobuf_free. Never fails
// otherwise.
int mqtk_protobuf_decode(const mqtk_protobuf_decoder* decoder, const char* payload, std::size_t size, char** out,
                         std::size_t* out_size);

void mqtk_protobuf_close(mqtk_protobuf_decoder* decoder);

// Frees what the functions above returned in *error or *out.
void mqtk_protobuf_free(char* bytes);

}  // extern "C"
