// Splits a batch of line-protocol points into parts that may be written to
// InfluxDB at the same time. InfluxDB takes one request on about one core,
// so large points go faster two requests at a time; but of two points with
// the same series and time it keeps the one it stores last, and two
// requests under way at once are stored in no set order. Such points share
// their timestamp, so the parts are cut by timestamp: every point with a
// given time goes to the same part, in the order of the batch, and a part
// sent in one request (or in order) keeps the later point last, whatever
// the other part does. Points with the recorder's receive times, all
// different, spread evenly; many sharing a --time-field value do not, and
// are only slower for it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mqtk {

// `lines` (whole lines, each ending in '\n') as `parts` runs of whole lines,
// each in the order of `lines`. A part may be empty. A line without a
// timestamp (InfluxDB gives it its own time) goes to the first part.
std::vector<std::string> partition_by_time(std::string_view lines, std::size_t parts);

}  // namespace mqtk
