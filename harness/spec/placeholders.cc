#include "harness/spec/placeholders.h"

#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>

#include "harness/spec/spec_reader.h"

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

/// Where a '{' of a build command stands, as /bin/sh reads it.
enum class Quoting { kNone, kSingle, kDouble };

/// A `{name}` of a build command that the shell reads as plain text: not `${name}` (a shell
/// parameter), not after a backslash.
struct CommandBrace {
  std::size_t at = 0;  ///< where '{' is
  std::string name;    ///< between the braces
  Quoting quoting = Quoting::kNone;
};

std::vector<CommandBrace> BracesOf(std::string_view command) {
  std::vector<CommandBrace> found;
  Quoting quoting = Quoting::kNone;
  for (std::size_t i = 0; i < command.size(); ++i) {
    const char c = command[i];
    if (quoting != Quoting::kSingle && c == '\\') {
      ++i;  // the next character is plain text
    } else if (quoting == Quoting::kSingle) {
      if (c == '\'') quoting = Quoting::kNone;
    } else if (c == '"') {
      quoting = quoting == Quoting::kDouble ? Quoting::kNone : Quoting::kDouble;
    } else if (c == '\'' && quoting == Quoting::kNone) {
      quoting = Quoting::kSingle;
    }
    if (c != '{' || (i > 0 && command[i - 1] == '$')) continue;
    const std::size_t close = command.find('}', i);
    if (close == std::string_view::npos) break;
    found.push_back({i, std::string(command.substr(i + 1, close - i - 1)), quoting});
  }
  return found;
}

/// A word that may have been meant as a placeholder: letters, digits, '_', '-' and ':'.
bool LooksLikeAName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == ':';
  });
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

std::string ShellQuoted(std::string_view text) {
  std::string quoted = "'";
  for (const char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

bool NamesLabFolder(std::string_view command) {
  const std::vector<CommandBrace> braces = BracesOf(command);
  return std::any_of(braces.begin(), braces.end(),
                     [](const CommandBrace& brace) { return brace.name == "labdir"; });
}

bool AnyNamesLabFolder(const std::vector<std::string>& commands) {
  return std::any_of(commands.begin(), commands.end(),
                     [](const std::string& command) { return NamesLabFolder(command); });
}

std::optional<std::string> BuildCommandProblem(std::string_view command) {
  for (const CommandBrace& brace : BracesOf(command)) {
    const std::string& name = brace.name;
    if (name == "labdir") {
      if (brace.quoting == Quoting::kNone) continue;
      return fmt::format(
          "{{labdir}} stands inside quotes in '{}': write it outside them, as it becomes one "
          "word quoted already (-I{{labdir}}/include, {{labdir}}/src/util.c)",
          command);
    }
    if (IsKeyFile(name) || IsPortName(name) || name == "testdir") {
      return fmt::format(
          "{{{}}} has no value in a build command: the build runs before any test; only "
          "{{labdir}} does",
          name);
    }
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (LooksLikeAName(name) && EditDistance(lower, "labdir") <= 2) {
      return fmt::format("unknown placeholder '{{{}}}' (did you mean '{{labdir}}'?)", name);
    }
  }
  return std::nullopt;
}

std::string ExpandBuildCommand(std::string_view command, const std::filesystem::path& lab_dir) {
  std::string expanded;
  std::size_t at = 0;
  for (const CommandBrace& brace : BracesOf(command)) {
    if (brace.name != "labdir") continue;
    expanded += command.substr(at, brace.at - at);
    expanded += ShellQuoted(lab_dir.string());
    at = brace.at + brace.name.size() + 2;
  }
  expanded += command.substr(at);
  return expanded;
}

}  // namespace labgrade
