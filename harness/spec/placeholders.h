// Placeholders in a program's argv template, expanded per test:
//   {keyfile}       <test dir>/keyfile         an empty file made before the test, for ftok(3)
//   {keyfile:NAME}  <test dir>/keyfile-NAME    another one, for tests with several key files
//   {testdir}       the test's own directory (the programs' working directory)
//   {labdir}        the lab's folder, e.g. for data files
//   {port}          a port number for this test (see ports in PlaceholderValues)
//   {port:NAME}     another one, for tests with several servers
// and in the lab's build commands, which are shell text, only {labdir}, as one quoted word.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace labgrade {

struct PlaceholderValues {
  std::filesystem::path test_dir;
  std::filesystem::path lab_dir;
  /// "port" and "port:NAME" → the number each stands for in this test (see AssignPorts).
  std::map<std::string, int> ports;
};

/// True for "port" and "port:NAME": the port names argv ({port}) and steps (`port: port`) use.
bool IsPortName(const std::string& name);

/// True for a fixed port in a step's `port:` ("9877", digits only), as opposed to a name.
bool IsFixedPort(std::string_view port);

/// The port names ("port", "port:b") that `argument` mentions.
std::vector<std::string> PortsMentioned(const std::string& argument);

/// The first fixed port of a cell: "port" is 5000, and every other name, in sorted order, the
/// next number. A test's own network namespace has nothing else listening, so fixed numbers are
/// safe there and make the programs' logs readable.
constexpr int kFirstCellPort = 5000;

/// Fixed ports for `names` (any order, duplicates allowed) in a cell: "port" kFirstCellPort,
/// the rest kFirstCellPort + 1, + 2, ... in sorted order.
std::map<std::string, int> FixedCellPorts(const std::vector<std::string>& names);

/// The key file a `key_file` value ("keyfile" or "keyfile:NAME") names.
std::filesystem::path KeyFilePath(const std::filesystem::path& test_dir,
                                  const std::string& key_file);

/// `argument` with every placeholder replaced; null (and `*error` set) for an unknown one.
std::optional<std::string> ExpandPlaceholders(const std::string& argument,
                                              const PlaceholderValues& values, std::string* error);

/// The key-file names ("keyfile", "keyfile:a") that `argument` mentions, for making them.
std::vector<std::string> KeyFilesMentioned(const std::string& argument);

// ---- Build commands ----------------------------------------------------------------------
// A build command is /bin/sh text, where braces are the shell's own (`${CC}`, `awk '{print}'`):
// only {labdir} is replaced, and only what looks like a mistaken placeholder is refused.

/// `text` as one /bin/sh word that stands for exactly these bytes: in single quotes, each ' in
/// it written '\''.
std::string ShellQuoted(std::string_view text);

/// Whether the build command `command` names the lab folder ({labdir}).
bool NamesLabFolder(std::string_view command);
/// Whether any of the build commands `commands` does: the build then reads the lab folder.
bool AnyNamesLabFolder(const std::vector<std::string>& commands);

/// What is wrong with the placeholders of the build command `command`, if anything: {labdir}
/// inside quotes (it is replaced by a word quoted already); a test's placeholder ({testdir},
/// {keyfile}, {port}, ...), which has no value while building; a near miss of {labdir}
/// ({labdri}, {lab_dir}, {LABDIR}). Every other brace is left to the shell.
std::optional<std::string> BuildCommandProblem(std::string_view command);

/// `command` with each {labdir} replaced by ShellQuoted(lab_dir).
std::string ExpandBuildCommand(std::string_view command, const std::filesystem::path& lab_dir);

}  // namespace labgrade
