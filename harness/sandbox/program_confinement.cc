#include "harness/sandbox/program_confinement.h"

#include "harness/sandbox/cell_filesystem.h"

namespace labgrade {

LandlockRules ConfinementRules(int abi, const std::vector<FolderRule>& own) {
  if (abi == 0) return LandlockRules();
  std::vector<FolderRule> rules;
  for (const std::string& folder : CellSystemFolders())
    rules.push_back({folder, FolderAccess::kReadExecute});
  rules.push_back({"/dev", FolderAccess::kDevices});
  rules.push_back({"/proc", FolderAccess::kRead});
  for (const char* scratch : {"/tmp", "/dev/shm", "/dev/mqueue"})
    rules.push_back({scratch, FolderAccess::kEverything});
  rules.insert(rules.end(), own.begin(), own.end());
  return LandlockRules(abi, std::move(rules));
}

}  // namespace labgrade
