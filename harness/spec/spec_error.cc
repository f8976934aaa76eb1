// Formatting a spec error the way ninja and compilers do, so editors can jump to it.
#include "harness/spec/spec_error.h"

#include <fmt/format.h>

namespace labgrade {
namespace {

/// White space as wide as the text before 1-based `column`, tabs kept as tabs.
std::string CaretIndent(const std::string& source_line, int column) {
  std::string indent;
  for (int i = 0; i + 1 < column; ++i) {
    const bool tab = i < static_cast<int>(source_line.size()) && source_line[i] == '\t';
    indent += tab ? '\t' : ' ';
  }
  return indent;
}

}  // namespace

std::string SpecError::Format() const {
  const std::string file = mark.file.string();
  if (mark.line <= 0) return fmt::format("{}: error: {}\n", file, message);
  if (mark.column <= 0) {
    return fmt::format("{}:{}: error: {}\n  {}\n", file, mark.line, message, source_line);
  }
  return fmt::format("{}:{}:{}: error: {}\n  {}\n  {}^\n", file, mark.line, mark.column, message,
                     source_line, CaretIndent(source_line, mark.column));
}

}  // namespace labgrade
