#include "harness/checks/check_kind.h"

#include <fmt/format.h>

namespace labgrade {
namespace {

/// A member's words made the group's: "client-1 exits with status 0" becomes "client exits
/// with status 0 (each of the 20 instances)".
std::string GroupWords(std::string words, const std::string& member, const std::string& group,
                       std::size_t size) {
  for (std::size_t at = words.find(member); at != std::string::npos;
       at = words.find(member, at + group.size())) {
    words.replace(at, member.size(), group);
  }
  return words + fmt::format(" (each of the {} instances)", size);
}

}  // namespace

void AddGroupResults(TestContext& test, const std::string& group,
                     const std::vector<std::string>& members, std::vector<CheckResult> results) {
  std::vector<CheckResult> failed;
  std::vector<std::string> failed_names;
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (results[i].outcome != Outcome::kPass) {
      failed.push_back(results[i]);
      failed_names.push_back(members[i]);
    }
  }
  if (failed.empty()) {
    CheckResult passed = std::move(results.front());
    passed.what = GroupWords(passed.what, members.front(), group, members.size());
    test.AddCheck(std::move(passed));
    return;
  }
  constexpr std::size_t kShown = 3;
  for (std::size_t i = 0; i < failed.size() && i < kShown; ++i) test.AddCheck(failed[i]);
  if (failed.size() > kShown) {
    CheckResult rest = failed[kShown - 1];
    rest.what = GroupWords(rest.what, failed_names[kShown - 1], group, members.size());
    rest.rationale = fmt::format(
        "{} more of the {} instances of {} fail this check too: {}", failed.size() - kShown,
        members.size(), group, fmt::join(failed_names.begin() + kShown, failed_names.end(), ", "));
    rest.expected.clear();
    rest.actual.clear();
    rest.difference.reset();
    test.AddCheck(std::move(rest));
  }
}

}  // namespace labgrade
