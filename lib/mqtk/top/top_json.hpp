// mqtk-top --json: a snapshot as JSON lines, one object a row, with the
// numbers the table shows (unrounded where the table shortens them):
//   {"time":"2026-11-28T07:00:00.000000000Z","topic":"sensors/a","count":12,
//    "rate":2.4,"rates":[0,3,2,...],"bytes":48,"size":4,"age":0.25,
//    "qos":0,"retained":false,"payload":"21.5","value":21.5}
// "rates" are the messages of the last whole seconds, oldest first; "value"
// is the number the payload (or its --jq result) is, else null; "shown" is
// added when --decode or --jq made the payload into something else, and
// "topics" for a folded row ("sensors/+"), which sums its topics.
#pragma once

#include <string>
#include <string_view>

#include "mqtk/top/topic_view.hpp"

namespace mqtk {

// Appends `row`'s object and a newline to `out`. `time` is the snapshot's
// time as RFC 3339 text; `evaluating` whether --decode or --jq are given.
void append_row_json(const TopicRow& row, std::string_view time, bool evaluating, std::string& out);

}  // namespace mqtk
