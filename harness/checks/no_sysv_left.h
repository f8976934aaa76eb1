// `no_sysv_left: true`: no System V object is left in the test's IPC namespace once its programs
// ended (but those `create_sysv:` made).
#pragma once

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// No System V object (of any kind) is left in the test's IPC namespace (`no_sysv_left:`).
struct NoSysvLeftCheck {
  SourceMark mark;
};

}  // namespace labgrade
