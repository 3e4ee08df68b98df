// libmosquitto's types, declared once for the headers that only hand
// pointers to them on; <mosquitto.h> itself (its macros, its functions)
// stays in the .cpp files that call it.
#pragma once

struct mosquitto;
struct mosquitto_message;
typedef struct mqtt5__property mosquitto_property;  // as <mosquitto.h> names it
