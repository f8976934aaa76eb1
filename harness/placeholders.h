// Placeholders in a program's argv template, expanded per test:
//   {keyfile}       <test dir>/keyfile         an empty file made before the test, for ftok(3)
//   {keyfile:NAME}  <test dir>/keyfile-NAME    another one, for tests with several key files
//   {testdir}       the test's own directory (the programs' working directory)
//   {labdir}        the lab's folder, e.g. for data files
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace labgrade {

struct PlaceholderValues {
  std::filesystem::path test_dir;
  std::filesystem::path lab_dir;
};

/// The key file a `key_file` value ("keyfile" or "keyfile:NAME") names.
std::filesystem::path KeyFilePath(const std::filesystem::path& test_dir,
                                  const std::string& key_file);

/// `argument` with every placeholder replaced; null (and `*error` set) for an unknown one.
std::optional<std::string> ExpandPlaceholders(const std::string& argument,
                                              const PlaceholderValues& values, std::string* error);

/// The key-file names ("keyfile", "keyfile:a") that `argument` mentions, for making them.
std::vector<std::string> KeyFilesMentioned(const std::string& argument);

}  // namespace labgrade
