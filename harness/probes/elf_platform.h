// Whether a prebuilt executable can run on this machine: what its ELF headers say it needs (the
// processor, the program interpreter, the versions of the GNU C library it was linked against)
// against what this machine has. A lab bundle carries its reference as executables, and one made
// on another kind of machine must be refused with a reason, never run and blamed on a student.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace labgrade {

/// What an ELF executable needs from the machine that runs it.
struct ElfNeeds {
  std::string machine;  ///< as `uname -m` names it: "x86_64", "aarch64", ...
  int word_bits = 64;   ///< 32 or 64 (ELF class)
  bool little_endian = true;
  std::string interpreter;  ///< PT_INTERP, e.g. /lib64/ld-linux-x86-64.so.2; empty when static
  /// The GNU C library versions it needs (its GLIBC_2.x version references, GLIBC_PRIVATE left
  /// out), as "2.34"; sorted, without duplicates.
  std::vector<std::string> glibc_versions;
};

/// Reads the ELF headers of `executable`. An error says why in words ("not an ELF executable",
/// "truncated program headers", the open(2) failure), naming the file.
std::variant<ElfNeeds, std::string> ReadElfNeeds(const std::filesystem::path& executable);

/// What this machine offers to an executable.
struct MachineOffer {
  std::string machine;               ///< uname(2)'s machine, e.g. "x86_64" (or "i686", "armv7l")
  std::string glibc_version;         ///< gnu_get_libc_version(), e.g. "2.36"
  std::filesystem::path root = "/";  ///< where interpreter paths are looked up (tests: a folder)
};

/// This machine: uname(2) and the C library labgrade itself runs on.
MachineOffer ThisMachine();

/// Why an executable with `needs` cannot run on `offer`, in words that end a sentence beginning
/// "it ..." ("was built for aarch64, and this machine is x86_64"), or nullopt when it can.
std::optional<std::string> WhyItCannotRun(const ElfNeeds& needs, const MachineOffer& offer);

/// The highest of `versions` ("2.34" > "2.4"), or "" for none.
std::string HighestGlibcVersion(const std::vector<std::string>& versions);

/// Whether dotted version `a` is older than `b`, comparing numbers ("2.9" < "2.34").
bool IsOlderVersion(const std::string& a, const std::string& b);

}  // namespace labgrade
