#include "harness/spec/placeholders.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace labgrade {
namespace {

/// Calls `on_placeholder(name)` for each {name} in `text`, and `on_text` for the rest.
template <typename OnText, typename OnPlaceholder>
bool Scan(const std::string& text, OnText on_text, OnPlaceholder on_placeholder) {
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t open = text.find('{', at);
    if (open == std::string::npos) break;
    std::size_t close = text.find('}', open);
    if (close == std::string::npos) break;
    on_text(text.substr(at, open - at));
    if (!on_placeholder(text.substr(open + 1, close - open - 1))) return false;
    at = close + 1;
  }
  on_text(text.substr(std::min(at, text.size())));
  return true;
}

bool IsKeyFile(const std::string& name) {
  return name == "keyfile" || name.rfind("keyfile:", 0) == 0;
}

}  // namespace

bool IsPortName(const std::string& name) { return name == "port" || name.rfind("port:", 0) == 0; }

bool IsFixedPort(std::string_view port) {
  return !port.empty() &&
         std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<std::string> PortsMentioned(const std::string& argument) {
  std::vector<std::string> names;
  Scan(
      argument, [](const std::string&) {},
      [&](const std::string& name) {
        if (IsPortName(name)) names.push_back(name);
        return true;
      });
  return names;
}

std::map<std::string, int> FixedCellPorts(const std::vector<std::string>& names) {
  std::set<std::string> sorted(names.begin(), names.end());
  std::map<std::string, int> ports;
  int next = kFirstCellPort + 1;
  for (const std::string& name : sorted) ports[name] = name == "port" ? kFirstCellPort : next++;
  return ports;
}

std::filesystem::path KeyFilePath(const std::filesystem::path& test_dir,
                                  const std::string& key_file) {
  if (key_file == "keyfile") return test_dir / "keyfile";
  return test_dir / ("keyfile-" + key_file.substr(key_file.find(':') + 1));
}

std::optional<std::string> ExpandPlaceholders(const std::string& argument,
                                              const PlaceholderValues& values, std::string* error) {
  std::string expanded;
  bool ok = Scan(
      argument, [&](const std::string& text) { expanded += text; },
      [&](const std::string& name) {
        if (IsKeyFile(name)) {
          expanded += KeyFilePath(values.test_dir, name).string();
        } else if (name == "testdir") {
          expanded += values.test_dir.string();
        } else if (name == "labdir") {
          expanded += values.lab_dir.string();
        } else if (IsPortName(name) && values.ports.count(name)) {
          expanded += std::to_string(values.ports.at(name));
        } else {
          *error = fmt::format("unknown placeholder {{{}}} in \"{}\"", name, argument);
          return false;
        }
        return true;
      });
  if (!ok) return std::nullopt;
  return expanded;
}

std::vector<std::string> KeyFilesMentioned(const std::string& argument) {
  std::vector<std::string> names;
  Scan(
      argument, [](const std::string&) {},
      [&](const std::string& name) {
        if (IsKeyFile(name)) names.push_back(name);
        return true;
      });
  return names;
}

}  // namespace labgrade
