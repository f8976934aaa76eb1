// The build cache: a folder of finished builds, each named by the SHA-256 of everything that
// determined it (the lab's build commands and provided files, the submission's files, the
// toolchain), so that grading a class again after a change in one test rebuilds nothing, and a
// change in one student's file rebuilds only that student.
//
// An entry is <cache>/<key>/ holding manifest.json (ok, command, each file's path, mode, size and
// SHA-256), build.log (the compiler's output, byte for byte) and files/ (the build folder as the
// commands left it). Entries are written into a private temporary folder and renamed into place
// (rename(2) is atomic and never replaces a non-empty folder), so a reader sees a whole entry or
// none, and two graders storing the same key at once keep one of the two. An entry that does not
// match its manifest is thrown away and rebuilt.
//
// The cache belongs to the grader: the folder is mode 0700 and entries are copied into build
// folders, never hard-linked, because a build folder is handed to the sandbox's build user, whose
// compiler runs the student's commands and must not reach another student's build.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "harness/spec/lab_spec.h"
#include "harness/verdict.h"

namespace labgrade {

class BuildCache {
 public:
  /// Creates `dir` if needed and makes it private to the grader (mode 0700). `toolchain` goes
  /// into every key (see ToolchainIdentity); empty leaves the compiler out of the key.
  static std::variant<BuildCache, std::string> Open(const std::filesystem::path& dir,
                                                    std::string toolchain);

  const std::filesystem::path& dir() const { return dir_; }
  /// The toolchain it was opened with, for a child grader to reuse (kToolchainVariable).
  const std::string& toolchain() const { return toolchain_; }

  /// The key of building `source_dir` for `lab`: the hex SHA-256 over the build commands and
  /// time limit, the lab's provided files (names and bytes) and folders (every file in them),
  /// the lab folder's files (but lab.yaml) when a command names it ({labdir}), every file the
  /// build copies from `source_dir` (relative path, permission bits, bytes; .git left out) and
  /// the toolchain.
  /// nullopt, with `error` set, when a file cannot be read.
  std::optional<std::string> KeyFor(const LabSpec& lab, const std::filesystem::path& source_dir,
                                    std::string* error) const;

  /// On a hit, recreates the cached build folder at `build_dir` (which must not exist) and
  /// returns its BuildResult with from_cache set. nullopt on a miss; an entry that is partial
  /// or does not match its manifest counts as a miss, is removed, and `build_dir` is left absent.
  std::optional<BuildResult> Restore(std::string_view key,
                                     const std::filesystem::path& build_dir) const;

  /// Stores the build folder `build_dir` and `result` under `key`, unless an entry is already
  /// there. Regular files, folders and symbolic links (as links) are kept; nothing is followed.
  /// Returns what went wrong, which only costs a later rebuild.
  std::optional<std::string> Store(std::string_view key, const std::filesystem::path& build_dir,
                                   const BuildResult& result) const;

 private:
  BuildCache(std::filesystem::path dir, std::string toolchain)
      : dir_(std::move(dir)), toolchain_(std::move(toolchain)) {}

  std::filesystem::path dir_;
  std::string toolchain_;
};

/// What `cc --version`, `gcc --version`, `clang --version` and `make --version` print (with
/// where each was found), for BuildCache keys: a compiler upgrade then rebuilds everything.
/// Runs the tools once; call it once per run of labgrade.
std::string ToolchainIdentity();

/// The environment variable in which a class run hands its ToolchainIdentity() to the child
/// graders, so that the tools are run once per class, not once per student (~45 ms each).
inline constexpr char kToolchainVariable[] = "LABGRADE_TOOLCHAIN_IDENTITY";

}  // namespace labgrade
