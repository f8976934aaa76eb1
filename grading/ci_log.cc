#include "grading/ci_log.h"

#include <sys/random.h>

#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace labgrade {
namespace {

/// 128 random bits in hex, made once per process.
const std::string& RunToken() {
  static const std::string token = [] {
    unsigned char bytes[16] = {};
    std::size_t got = 0;
    while (got < sizeof bytes) {
      const ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
      if (n > 0) got += static_cast<std::size_t>(n);
    }
    std::string hex;
    for (unsigned char byte : bytes) hex += fmt::format("{:02x}", byte);
    return "labgrade-" + hex;
  }();
  return token;
}

}  // namespace

std::string FenceWorkflowCommands(std::string_view text, std::string_view token) {
  std::string fenced = fmt::format("::stop-commands::{}\n", token);
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t marker = text.find("##[", at);
    if (marker == std::string_view::npos) {
      fenced.append(text.substr(at));
      break;
    }
    fenced.append(text.substr(at, marker - at));
    fenced.append("## [");
    at = marker + 3;
  }
  if (!fenced.empty() && fenced.back() != '\n') fenced += '\n';
  fenced += fmt::format("::{}::\n", token);
  return fenced;
}

std::string InertInCiLog(std::string_view text) {
  const char* actions = std::getenv("GITHUB_ACTIONS");
  if (actions == nullptr || std::strcmp(actions, "true") != 0 || text.empty())
    return std::string(text);
  return FenceWorkflowCommands(text, RunToken());
}

}  // namespace labgrade
