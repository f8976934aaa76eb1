// The folders a confined program may use, as Landlock rules: the system's folders (read and
// execute), /dev's few devices, /proc (read), its private /tmp, /dev/shm and /dev/mqueue
// (everything), and the folders given — for a student's program its own build (read and execute)
// and its test folder (everything); for a build, its build folder. What is not listed, such as
// the reference's build, cannot be opened or executed.
#pragma once

#include <vector>

#include "harness/sandbox/landlock.h"

namespace labgrade {

/// Rules for Landlock ABI `abi` (0: none, empty rules) over the standard folders and `own`.
LandlockRules ConfinementRules(int abi, const std::vector<FolderRule>& own);

}  // namespace labgrade
