// The System V IPC probe's pure half: see ipcs_probe.h.
//
// util-linux 2.38 prints, per section, a header line, a column header and one row per object:
//   ------ Shared Memory Segments --------
//   key        shmid      owner      perms      bytes      nattch     status
//   0x00000000 3          root       666        100        1          dest
// with the key as 0x%08x, perms in octal and an owner name cut to 10 characters (so never
// containing white space). Rows are read as white-space separated fields.
#include "harness/probes/ipcs_probe.h"

#include <array>
#include <charconv>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "harness/spec/placeholders.h"

namespace labgrade {
namespace {

struct SectionFormat {
  SysvKind kind;
  std::string_view header;  // the "------ ... --------" line
  std::vector<std::string_view> columns;
  std::string_view row_name;  // for error messages
};

const std::array<SectionFormat, 3>& Sections() {
  static const std::array<SectionFormat, 3> sections = {{
      {SysvKind::kMessageQueue,
       "------ Message Queues --------",
       {"key", "msqid", "owner", "perms", "used-bytes", "messages"},
       "message queue"},
      {SysvKind::kSharedMemory,
       "------ Shared Memory Segments --------",
       {"key", "shmid", "owner", "perms", "bytes", "nattch", "status"},
       "shared memory"},
      {SysvKind::kSemaphoreSet,
       "------ Semaphore Arrays --------",
       {"key", "semid", "owner", "perms", "nsems"},
       "semaphore"},
  }};
  return sections;
}

std::vector<std::string_view> SplitFields(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const std::size_t begin = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > begin) fields.push_back(line.substr(begin, i - begin));
  }
  return fields;
}

// A whole field as a non-negative number.
template <typename Number>
bool ParseNumber(std::string_view text, int base, Number* value) {
  if (text.empty() || text[0] == '-') return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *value, base);
  return error == std::errc() && end == text.data() + text.size();
}

bool ParseKey(std::string_view text, std::uint32_t* key) {
  if (text.size() != 10 || !text.starts_with("0x")) return false;
  return ParseNumber(text.substr(2), 16, key);
}

// Reads one row of `format`'s section; false when it does not have that section's shape.
bool ParseRow(const SectionFormat& format, const std::vector<std::string_view>& fields,
              IpcObject* object) {
  object->kind = format.kind;
  // Shared memory rows end in up to two status words ("dest", "locked"), possibly none.
  const std::size_t required =
      format.kind == SysvKind::kSharedMemory ? format.columns.size() - 1 : format.columns.size();
  const std::size_t allowed = format.kind == SysvKind::kSharedMemory ? required + 2 : required;
  if (fields.size() < required || fields.size() > allowed) return false;
  if (!ParseKey(fields[0], &object->key) || !ParseNumber(fields[1], 10, &object->id) ||
      !ParseNumber(fields[3], 8, &object->perms)) {
    return false;
  }
  object->owner = std::string(fields[2]);
  switch (format.kind) {
    case SysvKind::kMessageQueue:
      return ParseNumber(fields[4], 10, &object->bytes_or_count) &&
             ParseNumber(fields[5], 10, &object->messages);
    case SysvKind::kSemaphoreSet:
      return ParseNumber(fields[4], 10, &object->bytes_or_count);
    case SysvKind::kSharedMemory:
      if (!ParseNumber(fields[4], 10, &object->bytes_or_count) ||
          !ParseNumber(fields[5], 10, &object->attached)) {
        return false;
      }
      for (std::size_t n = required; n < fields.size(); ++n) {
        if (fields[n] == "dest") {
          object->marked_for_removal = true;
        } else if (fields[n] != "locked") {
          return false;
        }
      }
      return true;
  }
  return false;
}

std::string Quoted(std::string_view line) {
  constexpr std::size_t kMaxShown = 80;
  if (line.size() <= kMaxShown) return fmt::format("\"{}\"", line);
  return fmt::format("\"{}...\"", line.substr(0, kMaxShown));
}

std::string Plural(std::int64_t count, std::string_view singular, std::string_view plural) {
  return fmt::format("{} {}", count, count == 1 ? singular : plural);
}

}  // namespace

std::optional<IpcsSnapshot> ParseIpcs(std::string_view ipcs_a_output, std::string* error) {
  const auto fail = [error](std::string message) -> std::optional<IpcsSnapshot> {
    if (error != nullptr) *error = std::move(message);
    return std::nullopt;
  };
  IpcsSnapshot snapshot;
  const SectionFormat* section = nullptr;
  bool columns_seen = false;
  std::set<const SectionFormat*> sections_seen;
  int line_number = 0;
  std::size_t begin = 0;
  while (begin < ipcs_a_output.size()) {
    std::size_t end = ipcs_a_output.find('\n', begin);
    if (end == std::string_view::npos) end = ipcs_a_output.size();
    std::string_view line = ipcs_a_output.substr(begin, end - begin);
    begin = end + 1;
    ++line_number;
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    if (line.empty()) continue;

    const SectionFormat* next_section = nullptr;
    for (const SectionFormat& format : Sections()) {
      if (line == format.header) next_section = &format;
    }
    if (next_section != nullptr) {
      if (!sections_seen.insert(next_section).second) {
        return fail(
            fmt::format("line {}: the section {} appears twice", line_number, Quoted(line)));
      }
      section = next_section;
      columns_seen = false;
      continue;
    }
    if (line.starts_with("------")) {
      return fail(fmt::format("line {}: unknown ipcs section {}", line_number, Quoted(line)));
    }
    if (section == nullptr) {
      return fail(fmt::format(
          "line {}: expected an ipcs section header such as \"------ Shared Memory Segments "
          "--------\", found {}",
          line_number, Quoted(line)));
    }
    const std::vector<std::string_view> fields = SplitFields(line);
    if (!columns_seen) {
      if (fields != section->columns) {
        return fail(
            fmt::format("line {}: unexpected column header in the {} section: {} (is ipcs run with "
                        "LC_ALL=C?)",
                        line_number, section->row_name, Quoted(line)));
      }
      columns_seen = true;
      continue;
    }
    IpcObject object;
    if (!ParseRow(*section, fields, &object)) {
      return fail(fmt::format("line {}: cannot read this {} row: {}", line_number,
                              section->row_name, Quoted(line)));
    }
    snapshot.objects.push_back(std::move(object));
  }
  if (sections_seen.empty()) {
    return fail(
        "the text is not ipcs output: it has no section header such as \"------ Shared "
        "Memory Segments --------\"");
  }
  for (const SectionFormat& format : Sections()) {
    if (sections_seen.count(&format) == 0) {
      return fail(
          fmt::format("the ipcs output has no section \"{}\" (was it cut short?)", format.header));
    }
  }
  return snapshot;
}

std::vector<IpcObject> NewObjects(const IpcsSnapshot& before, const IpcsSnapshot& after) {
  std::set<std::pair<SysvKind, int>> known;
  for (const IpcObject& object : before.objects) known.emplace(object.kind, object.id);
  std::vector<IpcObject> added;
  for (const IpcObject& object : after.objects) {
    if (known.count({object.kind, object.id}) == 0) added.push_back(object);
  }
  return added;
}

std::optional<IpcObject> FindObject(const IpcsSnapshot& snapshot, SysvKind kind,
                                    std::uint32_t key) {
  for (const IpcObject& object : snapshot.objects) {
    if (object.kind == kind && object.key == key) return object;
  }
  return std::nullopt;
}

std::string DescribeLeak(const IpcObject& object) {
  const std::string key =
      object.key == 0 ? "key IPC_PRIVATE" : fmt::format("key 0x{:08x}", object.key);
  switch (object.kind) {
    case SysvKind::kSemaphoreSet:
      return fmt::format("a semaphore set ({}, {}) was left behind", key,
                         Plural(object.bytes_or_count, "semaphore", "semaphores"));
    case SysvKind::kSharedMemory: {
      std::string details = Plural(object.bytes_or_count, "byte", "bytes");
      if (object.attached > 0) {
        details += ", still attached by " + Plural(object.attached, "process", "processes");
      }
      if (object.marked_for_removal) details += ", marked for removal";
      return fmt::format("a shared memory segment ({}, {}) was left behind", key, details);
    }
    case SysvKind::kMessageQueue:
      if (object.messages == 0) {
        return fmt::format("a message queue ({}, empty) was left behind", key);
      }
      return fmt::format("a message queue ({}, {} waiting, {}) was left behind", key,
                         Plural(object.messages, "message", "messages"),
                         Plural(object.bytes_or_count, "byte", "bytes"));
  }
  return fmt::format("a System V object ({}) was left behind", key);
}

std::uint32_t FtokKey(const struct stat& file_status, int proj_id) {
  return static_cast<std::uint32_t>(
      (static_cast<std::uint64_t>(file_status.st_ino) & 0xffff) |
      ((static_cast<std::uint64_t>(file_status.st_dev) & 0xff) << 16) |
      ((static_cast<std::uint32_t>(proj_id) & 0xff) << 24));
}

std::optional<std::uint32_t> FtokKeyOf(const std::filesystem::path& path, int proj_id) {
  struct stat file_status {};
  if (::stat(path.c_str(), &file_status) != 0) return std::nullopt;
  return FtokKey(file_status, proj_id);
}

std::optional<std::uint32_t> SysvKeyOf(const std::filesystem::path& test_dir,
                                       const std::optional<std::uint32_t>& fixed_key,
                                       const std::string& key_file, int proj_id) {
  if (fixed_key) return fixed_key;
  return FtokKeyOf(KeyFilePath(test_dir, key_file), proj_id);
}

std::string SysvKeyWords(const std::optional<std::uint32_t>& fixed_key, const std::string& key_file,
                         int proj_id, std::uint32_t key) {
  if (fixed_key) return fmt::format("the fixed key 0x{:08x}", key);
  return fmt::format("the key ftok({}, {}) = 0x{:08x}", key_file, proj_id, key);
}

}  // namespace labgrade
