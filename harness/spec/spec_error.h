// A problem in a lab spec, pointed at like a compiler error: file, line and column, the source
// line and a caret under the column.
#pragma once

#include <string>

#include "harness/spec/lab_spec.h"

namespace labgrade {

struct SpecError {
  SourceMark mark;          ///< line 0: the problem has no place in the file (unreadable, say)
  std::string key;          ///< dotted path of what is at fault, e.g. "tests[3].steps[1].stdin";
                            ///< empty for problems of the file as a whole (bad YAML, say)
  std::string message;      ///< starts with "<key>: " when key is set, e.g.
                            ///< "tests[3].steps[1]: unknown key 'stdn' (did you mean 'stdin'?)"
  std::string source_line;  ///< the text of line `mark.line`, without its newline

  /// "<file>:<line>:<col>: error: <message>\n  <source line>\n  <spaces>^\n", the caret under
  /// the column; "<file>: error: <message>\n" when the line is unknown (0). Tabs before the
  /// column are kept in the caret line so the caret stays aligned.
  std::string Format() const;
};

}  // namespace labgrade
