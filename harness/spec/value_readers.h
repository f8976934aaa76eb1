// Readers of the values that the lab's sections and the kinds of step and check share: names,
// paths in the lab and test folders, modes, signals, key files, ports, sources of bytes. Each
// reports its problems at the node it read (spec_reader.h) and returns std::nullopt for them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "harness/spec/lab_spec.h"
#include "harness/spec/spec_reader.h"

namespace labgrade {

/// The upper bound of a count or a time in the spec: what an int holds.
constexpr std::int64_t kNoUpperBound = std::numeric_limits<int>::max();

/// `names` as views, for NameHint and the lists of keys.
std::vector<std::string_view> Views(const std::vector<std::string>& names);

/// A name made of a-z, 0-9 and '-', at least one.
bool IsSlug(std::string_view text);

/// A required name made of a-z, 0-9 and '-'.
std::optional<std::string> ReadSlug(const SpecMap& map, std::string_view key);

/// True for a relative path that does not climb out of the folder it is relative to.
bool StaysInside(const std::filesystem::path& path);

/// A path to a regular file in the lab folder, e.g. "data/short.txt".
std::optional<std::string> ReadLabFile(const SpecNode& node, const std::filesystem::path& lab_dir);

/// A path in the test directory, e.g. "dst" or "out/dst": relative, never climbing out of it.
std::optional<std::string> ReadTestDirPath(const SpecNode& node);

/// Permission bits written as four octal digits, e.g. "0644" (quoted or not).
std::optional<unsigned> ReadMode(const SpecNode& node);

/// The mode `key` gives, or `mode` unchanged when absent or wrong.
void ReadModeInto(const SpecMap& map, std::string_view key, unsigned& mode);

/// "keyfile" or "keyfile:NAME": the per-test key files a lab can use.
bool IsKeyFileName(std::string_view text);

/// "port" or "port:NAME": the port placeholders, {port} in argv and `port: port` in steps.
bool IsPortPlaceholderName(std::string_view text);

/// A list of argument templates, each with valid placeholders.
std::optional<std::vector<std::string>> ReadArgv(const SpecNode& node);

/// `key_file:`, "keyfile" when absent: keyfile or keyfile:NAME.
std::optional<std::string> ReadKeyFile(const SpecMap& map);

/// A signal by name (SIGTERM, TERM) or number (1..64).
std::optional<int> ReadSignal(const SpecNode& node);

/// `proj_id`, the second argument of ftok(3): only its low 8 bits count, and 0 is not allowed.
void ReadProjId(const SpecMap& map, int& proj_id);

/// `kind:` of a System V object, required: semaphores, shared_memory or message_queue.
std::optional<SysvKind> ReadSysvKind(const SpecMap& map);

/// A fixed System V key (`key:`): hexadecimal with 0x (0x1234) or decimal, 1 to 0xffffffff;
/// 0 is IPC_PRIVATE, which no other process can look up.
std::optional<std::uint32_t> ReadSysvKey(const SpecNode& node);

/// `kind` (required) of a System V object and its key (create_sysv, wait_for_sysv, sysv_exists),
/// into the fields of `spec` of those names: either `key` (a fixed key, into `fixed_key`) or
/// `key_file` and `proj_id` (an ftok key), not both. Returns whether `key` or `key_file` was
/// given.
template <typename Spec>
bool ReadSysvObject(const SpecMap& map, Spec& spec) {
  spec.kind = ReadSysvKind(map).value_or(spec.kind);
  if (map.Has("key")) {
    for (std::string_view ftok_key : {"key_file", "proj_id"}) {
      if (map.Has(ftok_key)) {
        map.node().ErrorAt(map.KeyMark(ftok_key),
                           fmt::format("'{}' goes only with an ftok key; 'key' gives a fixed key, "
                                       "used as it is: give one or the other",
                                       ftok_key));
      }
    }
    spec.fixed_key = ReadSysvKey(*map.Get("key"));
    return true;
  }
  spec.key_file = ReadKeyFile(map).value_or(spec.key_file);
  ReadProjId(map, spec.proj_id);
  return map.Has("key_file");
}

/// The port `key` names: a placeholder without braces ("port", "port:NAME"), or a fixed port
/// (1..65535, returned as its digits: "9877"); `port` when absent.
std::optional<std::string> ReadPortName(const SpecMap& map, std::string_view key = "port");

/// Bytes from one of `text`, `file_key` (a lab file) or `random_bytes` (with `seed`): the
/// sources of `stdin:` (file_key "file"), `send:` (file_key "file") and `make_file:` (file_key
/// "from_lab_file").
std::optional<StdinSource> ReadByteSource(const SpecMap& map, std::string_view file_key,
                                          const std::filesystem::path& lab_dir);

/// Stores `key`'s value in `field` when given and at least `min`; leaves the default otherwise.
template <typename Number>
void ReadNumberInto(const SpecMap& map, std::string_view key, std::int64_t min, Number& field) {
  const std::optional<std::int64_t> value =
      map.Integer(key, min, std::numeric_limits<Number>::max());
  if (value) field = static_cast<Number>(*value);
}

}  // namespace labgrade
