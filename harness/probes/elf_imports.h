// What a built executable imports from shared libraries, read from the output of
// `nm -D --undefined-only`, so that checks can require or forbid library calls (mmap, read, ...).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace labgrade {

/// The symbol names in the output of `nm -D --undefined-only` (binutils): lines like
/// "                 U mmap@GLIBC_2.2.5" or "                 w __gmon_start__". The version
/// ("@GLIBC_2.2.5", "@@GLIBC_2.34") is dropped. Sorted, without duplicates; lines of another
/// shape (nm's "no symbols" notes) are skipped.
std::vector<std::string> ParseNmUndefinedSymbols(std::string_view nm_output);

}  // namespace labgrade
