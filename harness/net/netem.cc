#include "harness/net/netem.h"

#include <fmt/format.h>

#include "harness/process/program_run.h"

namespace labgrade {
namespace {

/// The first line of `text`, without its newline.
std::string FirstLine(const std::string& text) {
  const std::size_t end = text.find('\n');
  return text.substr(0, end);
}

}  // namespace

std::optional<std::filesystem::path> FindTc() {
  for (const char* path : {"/usr/sbin/tc", "/sbin/tc", "/usr/bin/tc", "/bin/tc"}) {
    std::error_code ignored;
    if (std::filesystem::exists(path, ignored)) return std::filesystem::path(path);
  }
  return std::nullopt;
}

NetemSetup ApplyLoopbackLoss(int loss_percent) {
  NetemSetup setup;
  const std::optional<std::filesystem::path> tc = FindTc();
  if (!tc) {
    setup.unavailable = "packet loss needs tc (from iproute2), which is not installed";
    return setup;
  }
  LaunchSpec spec;
  spec.executable = *tc;
  spec.args = {"qdisc", "replace", "dev",  "lo",
               "root",  "netem",   "loss", fmt::format("{}%", loss_percent)};
  spec.working_dir = "/";
  spec.environment = {"LC_ALL=C", "PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
  auto started = ProgramRun::Start(spec, nullptr, RunLimits{10'000, 1 << 20, 1'000});
  if (auto* error = std::get_if<LaunchError>(&started)) {
    setup.unavailable = fmt::format("cannot run {}: {}", tc->string(), error->message);
    return setup;
  }
  auto& run = std::get<std::unique_ptr<ProgramRun>>(started);
  run->WaitUntilFinished(Clock::time_point::max());
  const ProgramEnd& end = run->end();
  if (end.exited && end.exit_code == 0) {
    setup.applied = true;
    return setup;
  }
  const std::string said = FirstLine(end.err.bytes);
  if (said.find("qdisc kind is unknown") != std::string::npos) {
    setup.unavailable = fmt::format(
        "packet loss needs the kernel's netem queueing discipline (module sch_netem), which "
        "this machine does not have (tc said: {})",
        said);
  } else if (said.find("Operation not permitted") != std::string::npos) {
    // As an ordinary user the cells live in labgrade's own user namespace, and tc, a program
    // it runs, does not keep the capabilities labgrade has there.
    setup.unavailable = fmt::format(
        "tc is not allowed to set up packet loss on loopback (tc said: {}); labgrade run as "
        "root can",
        said);
  } else {
    setup.unavailable = fmt::format("tc could not set up packet loss on loopback (tc said: {})",
                                    said.empty() ? "nothing" : said);
  }
  return setup;
}

}  // namespace labgrade
