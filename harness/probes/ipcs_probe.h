// The System V IPC probe's pure half: reads the text `ipcs -a` prints into a snapshot of the
// objects in an IPC namespace, finds the ones a test left behind, and says so in plain words.
// Also computes ftok(3) keys, so a check can name the object a key file stands for.
//
// Running ipcs is the caller's business; everything here takes text and returns values, so tests
// feed canned output. The format is util-linux 2.38's (Debian 12) in the C locale: run ipcs with
// LC_ALL=C, as the column headers are translated and checked.
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/spec/lab_spec.h"

namespace labgrade {

/// One row of `ipcs -a`.
struct IpcObject {
  SysvKind kind = SysvKind::kSemaphoreSet;
  std::uint32_t key = 0;  ///< 0 is IPC_PRIVATE (also what a removed, still attached segment shows)
  int id = -1;            ///< shmid, semid or msqid
  std::string owner;      ///< user name, or the uid in decimal when it has no name
  unsigned perms = 0;     ///< permission bits, e.g. 0644
  std::int64_t bytes_or_count = 0;  ///< segment bytes, semaphores in the set, or queue used-bytes
  int attached = 0;                 ///< shared memory: processes attached (nattch); else 0
  std::int64_t messages = 0;        ///< message queue: messages waiting; else 0
  bool marked_for_removal = false;  ///< shared memory: IPC_RMID done, waits for the last detach
};

/// Every System V object `ipcs -a` listed, in its order (queues, segments, semaphore sets).
struct IpcsSnapshot {
  std::vector<IpcObject> objects;
};

/// Parses the output of `LC_ALL=C ipcs -a`. Null when the text is not that: a missing section,
/// an unknown header or a row that does not parse; then `*error` (if not null) says which line
/// and why, e.g. "line 7: cannot read this shared memory row: ...".
std::optional<IpcsSnapshot> ParseIpcs(std::string_view ipcs_a_output, std::string* error);

/// The objects in `after` that were not in `before`, matched by kind and id (ids are not
/// reused soon: the kernel adds a sequence number to each new object's index). A segment
/// removed while attached keeps its id but its key turns to 0, so keys are not compared.
std::vector<IpcObject> NewObjects(const IpcsSnapshot& before, const IpcsSnapshot& after);

/// The object of `kind` with `key` in `snapshot`, if there is one. For a key of 0 (IPC_PRIVATE)
/// the first such object.
std::optional<IpcObject> FindObject(const IpcsSnapshot& snapshot, SysvKind kind, std::uint32_t key);

/// A sentence for the student naming a leftover object, e.g.
/// "a semaphore set (key 0x0105f3a2, 2 semaphores) was left behind".
std::string DescribeLeak(const IpcObject& object);

/// The key ftok(3) derives from a file's status and `proj_id`, computed as glibc does:
/// (st_ino & 0xffff) | ((st_dev & 0xff) << 16) | ((proj_id & 0xff) << 24).
std::uint32_t FtokKey(const struct stat& file_status, int proj_id);

/// FtokKey of the file at `path` (followed if a symbolic link, as ftok does); null when stat(2)
/// fails.
std::optional<std::uint32_t> FtokKeyOf(const std::filesystem::path& path, int proj_id);

/// The key a step or check names: `fixed_key` when set (`key:`), else ftok of the key file
/// `key_file` ("keyfile", "keyfile:NAME") in `test_dir` with `proj_id`; null when stat(2) fails.
std::optional<std::uint32_t> SysvKeyOf(const std::filesystem::path& test_dir,
                                       const std::optional<std::uint32_t>& fixed_key,
                                       const std::string& key_file, int proj_id);

/// How a message names that key: "the fixed key 0x00001234", "the key ftok(keyfile, 1) =
/// 0x0105f3a2".
std::string SysvKeyWords(const std::optional<std::uint32_t>& fixed_key, const std::string& key_file,
                         int proj_id, std::uint32_t key);

}  // namespace labgrade
