#include "harness/probes/sysv_table.h"

#include <sys/ipc.h>
#include <sys/sem.h>

#include <charconv>
#include <fstream>
#include <map>
#include <sstream>

#include <fmt/format.h>

namespace labgrade {
namespace {

const char* FileName(SysvKind kind) {
  switch (kind) {
    case SysvKind::kSharedMemory:
      return "shm";
    case SysvKind::kSemaphoreSet:
      return "sem";
    case SysvKind::kMessageQueue:
      return "msg";
  }
  return "";
}

std::vector<std::string> Words(std::string_view line) {
  std::vector<std::string> words;
  std::istringstream in{std::string(line)};
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

template <typename Number>
bool ParseNumber(const std::string& text, Number& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::optional<std::vector<SysvTableRow>> ParseSysvTable(SysvKind kind, std::string_view text,
                                                        std::string* error) {
  auto fail = [&](std::string message) -> std::optional<std::vector<SysvTableRow>> {
    if (error != nullptr) *error = std::move(message);
    return std::nullopt;
  };
  const std::string id_column = kind == SysvKind::kSharedMemory   ? "shmid"
                                : kind == SysvKind::kSemaphoreSet ? "semid"
                                                                  : "msqid";
  std::vector<std::string> needed = {"key", id_column, "cuid"};
  if (kind == SysvKind::kSharedMemory) needed.push_back("cpid");
  if (kind == SysvKind::kSemaphoreSet) needed.push_back("nsems");
  std::map<std::string, std::size_t> column;
  std::vector<SysvTableRow> rows;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::vector<std::string> words = Words(text.substr(start, end - start));
    start = end + 1;
    ++line_number;
    if (line_number == 1) {
      for (std::size_t i = 0; i < words.size(); ++i) column[words[i]] = i;
      for (const std::string& name : needed) {
        if (!column.count(name))
          return fail(fmt::format("line 1: no column '{}' in /proc/sysvipc/{}'s header", name,
                                  FileName(kind)));
      }
      continue;
    }
    if (words.empty()) continue;
    SysvTableRow row;
    row.kind = kind;
    std::int64_t key = 0;
    bool ok = words.size() >= column.size() && ParseNumber(words[column["key"]], key) &&
              ParseNumber(words[column[id_column]], row.id) &&
              ParseNumber(words[column["cuid"]], row.cuid);
    if (ok && kind == SysvKind::kSharedMemory) ok = ParseNumber(words[column["cpid"]], row.cpid);
    if (ok && kind == SysvKind::kSemaphoreSet) ok = ParseNumber(words[column["nsems"]], row.nsems);
    if (!ok) return fail(fmt::format("line {}: cannot read this row", line_number));
    // The kernel prints the key as a signed int.
    row.key = static_cast<std::uint32_t>(static_cast<std::int32_t>(key));
    rows.push_back(row);
  }
  if (line_number == 0) return fail("empty: no header line");
  return rows;
}

std::optional<std::vector<SysvTableRow>> ReadSysvTable(SysvKind kind, std::string* error) {
  const std::string path = fmt::format("/proc/sysvipc/{}", FileName(kind));
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  if (!file) {
    if (error != nullptr) *error = fmt::format("cannot read {}", path);
    return std::nullopt;
  }
  std::string parse_error;
  auto rows = ParseSysvTable(kind, text.str(), &parse_error);
  if (!rows && error != nullptr) *error = fmt::format("{}: {}", path, parse_error);
  return rows;
}

std::vector<int> SemaphoreLastPids(int semid, int nsems) {
  std::vector<int> pids;
  for (int i = 0; i < nsems; ++i) {
    const int pid = ::semctl(semid, i, GETPID);
    if (pid > 0) pids.push_back(pid);
  }
  return pids;
}

}  // namespace labgrade
