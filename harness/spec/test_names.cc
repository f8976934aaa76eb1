#include "harness/spec/test_names.h"

#include <algorithm>

#include <fmt/format.h>

#include "harness/spec/value_readers.h"

namespace labgrade {
namespace {

std::vector<std::string> InstanceNames(const InstanceTable& instances) {
  std::vector<std::string> names;
  for (const auto& entry : instances) names.push_back(entry.first);
  return names;
}

}  // namespace

std::optional<std::string> ReadInstanceName(const SpecNode& node, const InstanceTable& instances,
                                            std::string_view when) {
  std::optional<std::string> name = node.AsString();
  if (name && !instances.contains(*name)) {
    const std::vector<std::string> started = InstanceNames(instances);
    node.Error(fmt::format("no instance '{}' was started {} ({})", *name, when,
                           NameHint(*name, Views(started), "started")));
    return std::nullopt;
  }
  return name;
}

std::optional<std::string> ReadInstance(const SpecMap& map, std::string_view key,
                                        const InstanceTable& instances, std::string_view when,
                                        Presence presence) {
  const std::optional<SpecNode> node = map.Get(key, presence);
  if (!node) return std::nullopt;
  return ReadInstanceName(*node, instances, when);
}

std::optional<std::string> ReadProgramName(const SpecNode& node, const LabContext& lab) {
  std::optional<std::string> program = node.AsString();
  if (program && std::find(lab.program_names.begin(), lab.program_names.end(), *program) ==
                     lab.program_names.end()) {
    node.Error(fmt::format("no program '{}' is defined ({})", *program,
                           NameHint(*program, Views(lab.program_names), "programs")));
  }
  return program;
}

std::optional<std::string> ReadConnectionName(const SpecNode& node, const TestNames& names,
                                              std::string_view when) {
  std::optional<std::string> name = node.AsString();
  if (name && !names.connections.contains(*name)) {
    std::vector<std::string> opened;
    for (const auto& entry : names.connections) opened.push_back(entry.first);
    node.Error(fmt::format("no connection '{}' was opened {} ({})", *name, when,
                           NameHint(*name, Views(opened), "opened")));
    return std::nullopt;
  }
  return name;
}

}  // namespace labgrade
