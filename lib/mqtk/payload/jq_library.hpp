// libjq's functions, loaded by the first run that compiles a jq program
// (--jq, mqtk-top's and mqtk-record's expressions): libjq brings libonig
// and libm, three libraries and 0.6 MB of resident memory that a run
// without --jq never calls (base/shared_library.hpp). Named as in jq.h and
// jv.h: libjq().jv_free(value).
#pragma once

#include <jq.h>
#include <jv.h>

#include "mqtk/base/shared_library.hpp"

namespace mqtk {

struct JqLibrary {
  SharedLibrary library{"libjq.so.1", "--jq"};
  decltype(::jq_compile)* jq_compile = library.function<decltype(::jq_compile)>("jq_compile");
  decltype(::jq_get_error_message)* jq_get_error_message =
      library.function<decltype(::jq_get_error_message)>("jq_get_error_message");
  decltype(::jq_get_exit_code)* jq_get_exit_code = library.function<decltype(::jq_get_exit_code)>("jq_get_exit_code");
  decltype(::jq_halt)* jq_halt = library.function<decltype(::jq_halt)>("jq_halt");
  decltype(::jq_halted)* jq_halted = library.function<decltype(::jq_halted)>("jq_halted");
  decltype(::jq_init)* jq_init = library.function<decltype(::jq_init)>("jq_init");
  decltype(::jq_next)* jq_next = library.function<decltype(::jq_next)>("jq_next");
  decltype(::jq_set_attr)* jq_set_attr = library.function<decltype(::jq_set_attr)>("jq_set_attr");
  decltype(::jq_set_debug_cb)* jq_set_debug_cb = library.function<decltype(::jq_set_debug_cb)>("jq_set_debug_cb");
  decltype(::jq_set_error_cb)* jq_set_error_cb = library.function<decltype(::jq_set_error_cb)>("jq_set_error_cb");
  decltype(::jq_set_input_cb)* jq_set_input_cb = library.function<decltype(::jq_set_input_cb)>("jq_set_input_cb");
  decltype(::jq_set_nomem_handler)* jq_set_nomem_handler =
      library.function<decltype(::jq_set_nomem_handler)>("jq_set_nomem_handler");
  decltype(::jq_start)* jq_start = library.function<decltype(::jq_start)>("jq_start");
  decltype(::jq_teardown)* jq_teardown = library.function<decltype(::jq_teardown)>("jq_teardown");
  decltype(::jv_array)* jv_array = library.function<decltype(::jv_array)>("jv_array");
  decltype(::jv_array_append)* jv_array_append = library.function<decltype(::jv_array_append)>("jv_array_append");
  decltype(::jv_array_get)* jv_array_get = library.function<decltype(::jv_array_get)>("jv_array_get");
  decltype(::jv_array_length)* jv_array_length = library.function<decltype(::jv_array_length)>("jv_array_length");
  decltype(::jv_array_sized)* jv_array_sized = library.function<decltype(::jv_array_sized)>("jv_array_sized");
  decltype(::jv_bool)* jv_bool = library.function<decltype(::jv_bool)>("jv_bool");
  decltype(::jv_copy)* jv_copy = library.function<decltype(::jv_copy)>("jv_copy");
  decltype(::jv_dump_string)* jv_dump_string = library.function<decltype(::jv_dump_string)>("jv_dump_string");
  decltype(::jv_dumpf)* jv_dumpf = library.function<decltype(::jv_dumpf)>("jv_dumpf");
  decltype(::jv_free)* jv_free = library.function<decltype(::jv_free)>("jv_free");
  decltype(::jv_get_kind)* jv_get_kind = library.function<decltype(::jv_get_kind)>("jv_get_kind");
  decltype(::jv_invalid)* jv_invalid = library.function<decltype(::jv_invalid)>("jv_invalid");
  decltype(::jv_invalid_get_msg)* jv_invalid_get_msg =
      library.function<decltype(::jv_invalid_get_msg)>("jv_invalid_get_msg");
  decltype(::jv_invalid_has_msg)* jv_invalid_has_msg =
      library.function<decltype(::jv_invalid_has_msg)>("jv_invalid_has_msg");
  decltype(::jv_invalid_with_msg)* jv_invalid_with_msg =
      library.function<decltype(::jv_invalid_with_msg)>("jv_invalid_with_msg");
  decltype(::jv_null)* jv_null = library.function<decltype(::jv_null)>("jv_null");
  decltype(::jv_number)* jv_number = library.function<decltype(::jv_number)>("jv_number");
  decltype(::jv_number_value)* jv_number_value = library.function<decltype(::jv_number_value)>("jv_number_value");
  decltype(::jv_object)* jv_object = library.function<decltype(::jv_object)>("jv_object");
  decltype(::jv_object_iter)* jv_object_iter = library.function<decltype(::jv_object_iter)>("jv_object_iter");
  decltype(::jv_object_iter_key)* jv_object_iter_key =
      library.function<decltype(::jv_object_iter_key)>("jv_object_iter_key");
  decltype(::jv_object_iter_next)* jv_object_iter_next =
      library.function<decltype(::jv_object_iter_next)>("jv_object_iter_next");
  decltype(::jv_object_iter_valid)* jv_object_iter_valid =
      library.function<decltype(::jv_object_iter_valid)>("jv_object_iter_valid");
  decltype(::jv_object_iter_value)* jv_object_iter_value =
      library.function<decltype(::jv_object_iter_value)>("jv_object_iter_value");
  decltype(::jv_object_set)* jv_object_set = library.function<decltype(::jv_object_set)>("jv_object_set");
  decltype(::jv_parse_sized)* jv_parse_sized = library.function<decltype(::jv_parse_sized)>("jv_parse_sized");
  decltype(::jv_string)* jv_string = library.function<decltype(::jv_string)>("jv_string");
  decltype(::jv_string_length_bytes)* jv_string_length_bytes =
      library.function<decltype(::jv_string_length_bytes)>("jv_string_length_bytes");
  decltype(::jv_string_sized)* jv_string_sized = library.function<decltype(::jv_string_sized)>("jv_string_sized");
  decltype(::jv_string_value)* jv_string_value = library.function<decltype(::jv_string_value)>("jv_string_value");

  // jv.h's own jv_is_valid, an inline function, would call the library's
  // jv_get_kind directly.
  bool jv_is_valid(jv value) const { return jv_get_kind(value) != JV_KIND_INVALID; }
};

// Loaded at the first call. Throws Error when libjq cannot be loaded.
const JqLibrary& libjq();

}  // namespace mqtk
