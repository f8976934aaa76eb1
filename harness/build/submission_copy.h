// Copying a submission into its build folder without ever following a link out of it.
//
// The grader often runs as root, and a submission is written by someone who wants the points:
// a link `notes.txt -> /etc/shadow` must not be read into the build, a link `x -> ../../y` must
// not make the copy write outside the build folder, and a thousand nested folders must not take
// the grader down. So the copy walks the tree by descriptors (openat with O_NOFOLLOW, fstatat
// with AT_SYMLINK_NOFOLLOW), creates every file afresh (O_CREAT | O_EXCL) beneath the new build
// folder, and decides about each link with openat2(RESOLVE_BENEATH): a link that resolves inside
// the submission is kept as the same link, one that leads out is refused as the student's
// problem, one that leads nowhere (dangling, looping: an editor's lock file, say) is left out
// with a note. Hard links become separate copies. `.git` folders are not copied.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace labgrade {

/// Why a copy stopped.
struct CopyProblem {
  /// True: the submission's own doing (a link out, folders too deep, an unreadable file, too
  /// big), worded for the student with what to do. False: the grader's (cannot write its folder).
  bool students = true;
  std::string message;
};

struct CopyLimits {
  int max_depth = 64;                          ///< folders within folders
  std::int64_t max_total_bytes = 256LL << 20;  ///< of all files together
};

/// Copies the tree at `from` into `to`, which must not exist yet (it is made, mode 0755).
/// `notes` gets a line for each thing left out. Paths in messages are relative to `from`.
std::optional<CopyProblem> CopySubmissionTree(const std::filesystem::path& from,
                                              const std::filesystem::path& to,
                                              std::vector<std::string>* notes,
                                              const CopyLimits& limits = {});

/// Puts a copy of the file `source` (the lab's own) at `name` in the folder `to_dir`, replacing
/// whatever the submission had there (a file, or a link, which is never followed). The reason
/// when it cannot.
std::optional<std::string> InstallProvidedFile(const std::filesystem::path& source,
                                               const std::filesystem::path& to_dir,
                                               const std::string& name);

/// Puts a copy of the folder `source` (the lab's own), everything in it, at `name` in the
/// folder `to_dir`, replacing whatever the submission had there, copied as a submission is
/// (no link out of `source` followed). The reason when it cannot.
std::optional<std::string> InstallProvidedFolder(const std::filesystem::path& source,
                                                 const std::filesystem::path& to_dir,
                                                 const std::string& name);

}  // namespace labgrade
