// What a built executable imports: see elf_imports.h.
#include "harness/probes/elf_imports.h"

#include <algorithm>
#include <optional>

namespace labgrade {
namespace {

/// The symbol of one line "<spaces> TYPE NAME[@VERSION]", TYPE one of nm's undefined kinds.
std::optional<std::string> SymbolOfLine(std::string_view line) {
  while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
  // U: undefined; w, v: weak undefined (functions, objects), still bound at run time if present.
  if (line.size() < 3 || line[1] != ' ' || (line[0] != 'U' && line[0] != 'w' && line[0] != 'v')) {
    return std::nullopt;
  }
  std::string_view name = line.substr(2);
  name = name.substr(0, name.find('@'));
  if (name.empty() || name.find(' ') != std::string_view::npos) return std::nullopt;
  return std::string(name);
}

}  // namespace

std::vector<std::string> ParseNmUndefinedSymbols(std::string_view nm_output) {
  std::vector<std::string> symbols;
  while (!nm_output.empty()) {
    const std::size_t end = std::min(nm_output.find('\n'), nm_output.size());
    if (std::optional<std::string> symbol = SymbolOfLine(nm_output.substr(0, end))) {
      symbols.push_back(std::move(*symbol));
    }
    nm_output.remove_prefix(std::min(end + 1, nm_output.size()));
  }
  std::sort(symbols.begin(), symbols.end());
  symbols.erase(std::unique(symbols.begin(), symbols.end()), symbols.end());
  return symbols;
}

}  // namespace labgrade
