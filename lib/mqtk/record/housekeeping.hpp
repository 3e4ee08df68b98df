// mqtk-record's housekeeping: the recordings kept on this machine
// (--list), forgetting one (--forget), and sending the points InfluxDB
// refused once their cause is fixed (--resend-rejected).
#pragma once

#include "mqtk/base/reporter.hpp"
#include "mqtk/base/signal_watch.hpp"
#include "mqtk/mqtt/connect_options.hpp"
#include "mqtk/record/recorder.hpp"

namespace mqtk {

// Every recording kept under setup.state_root, on standard output.
int list_recordings(const RecorderSetup& setup);

// Clears the recording's session at the broker and removes its state and
// spool, after saying what goes.
int forget_recording(const RecorderSetup& setup, const ConnectOptions& connect, const Reporter& reporter,
                     SignalWatch& signals);

// Sends the points in the spool's rejected.lp again; those refused again
// stay there. kExitPointsRefused when some were.
int resend_rejected(const RecorderSetup& setup, const Reporter& reporter);

}  // namespace mqtk
