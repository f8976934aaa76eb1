// Signal names and plain-word descriptions: how a lab spec names a signal ("SIGTERM", "TERM",
// 15) and how a report tells a student what ended their program ("SIGSEGV", "segmentation
// fault").
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace labgrade {

/// The signal number for "SIGTERM", "TERM" (upper case only) or a decimal number 1..64 without
/// sign or leading zeros. Anything else, "sigterm" included, gives std::nullopt.
std::optional<int> SignalFromName(std::string_view name);

/// "SIGSEGV" for a signal Linux names; "signal 42" for any other number.
std::string SignalName(int signal);

/// A few plain words a student understands: "segmentation fault", "killed", "broken pipe".
/// "real-time signal" for 32..64, "unknown signal" for anything else.
std::string SignalDescription(int signal);

}  // namespace labgrade
