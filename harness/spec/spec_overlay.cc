// The overlay loader (see spec_overlay.h): the overlay's own keys here, its tests read by the
// lab loader's test reader (spec_loader.h's ReadTestList), so both files follow one schema.
#include "harness/spec/spec_overlay.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "harness/spec/spec_loader.h"
#include "harness/spec/spec_reader.h"

namespace labgrade {
namespace {

namespace fs = std::filesystem;

const TestSpec* FindTest(const LabSpec& lab, std::string_view name) {
  for (const TestSpec& test : lab.tests) {
    if (test.name == name) return &test;
  }
  return nullptr;
}

/// What only an overlay forbids, looked up in the raw items (the test reader reports the rest):
/// a name the lab uses, and a test that asks to be visible.
void CheckOverlayItems(const SpecNode& list, const LabSpec& lab) {
  if (!list.yaml().IsSequence()) return;
  for (std::size_t i = 0; i < list.yaml().size(); ++i) {
    const YAML::Node item = list.yaml()[i];
    if (!item.IsMap()) continue;
    const std::string path = fmt::format("{}[{}]", list.path(), i);
    const YAML::Node name = item["name"];
    if (name && name.IsScalar()) {
      if (const TestSpec* taken = FindTest(lab, name.Scalar())) {
        SpecNode(name, path + ".name", name.Mark(), list.sink())
            .Error(fmt::format("test name '{}' is already used by the lab ({}:{})", name.Scalar(),
                               taken->mark.file.string(), taken->mark.line));
      }
    }
    const YAML::Node visibility = item["visibility"];
    if (visibility && visibility.IsScalar() && visibility.Scalar() == "visible") {
      SpecNode(visibility, path + ".visibility", visibility.Mark(), list.sink())
          .Error("an overlay's tests are always hidden; leave visibility out or write hidden");
    }
  }
}

void CheckOverlayPoints(const SpecMap& root, const SpecNode& list, const LabSpec& lab,
                        std::int64_t points) {
  if (points == lab.hidden_points) return;
  if (lab.hidden_points == 0) {
    list.ErrorAt(root.KeyMark("tests"),
                 fmt::format("points add up to {}, but the lab sets no hidden_points: add "
                             "'hidden_points: {}' to {} and take {} points off its tests",
                             points, points, lab.mark.file.string(), points));
    return;
  }
  list.ErrorAt(root.KeyMark("tests"),
               fmt::format("points add up to {}; they must add up to {}, the hidden_points of {}",
                           points, lab.hidden_points, lab.mark.file.string()));
}

std::vector<TestSpec> ReadOverlay(const SpecNode& document, const LabSpec& lab) {
  if (document.IsNull()) {
    document.Error("the file is empty; an overlay needs lab and tests");
    return {};
  }
  ErrorWatch watch(document.sink());
  const std::optional<SpecMap> root = SpecMap::Read(document, {"lab", "tests"});
  if (!root) return {};
  const std::optional<std::string> name = root->String("lab", Presence::kRequired);
  if (name && *name != lab.name) {
    root->Get("lab")->Error(fmt::format("this overlay is for lab '{}', not '{}'", *name, lab.name));
  }
  const std::optional<SpecNode> list = root->Get("tests", Presence::kRequired);
  if (!list) return {};
  if (list->yaml().IsSequence() && list->yaml().size() == 0) {
    list->Error("needs at least one test");
    return {};
  }
  CheckOverlayItems(*list, lab);
  TestListRead read = ReadTestList(*list, lab, lab.lab_dir);
  if (read.points_complete) CheckOverlayPoints(*root, *list, lab, read.points_sum);
  if (!watch.clean()) return {};
  for (TestSpec& test : read.tests) test.visibility = Visibility::kHidden;
  return std::move(read.tests);
}

}  // namespace

std::vector<SpecError> ApplyTestOverlayFromString(std::string_view yaml,
                                                  const fs::path& pretend_file, LabSpec& lab) {
  SpecErrorSink sink(pretend_file, yaml);
  std::vector<TestSpec> tests;
  try {
    const YAML::Node document = YAML::Load(std::string(yaml));
    tests = ReadOverlay(SpecNode::Root(document, sink), lab);
  } catch (const YAML::Exception& error) {
    sink.Add(error.mark, "", fmt::format("invalid YAML: {}", error.msg));
  } catch (const std::exception& error) {
    sink.Add(YAML::Mark::null_mark(), "",
             fmt::format("internal error while loading the overlay: {}", error.what()));
  }
  std::vector<SpecError> errors = std::move(sink).Take();
  if (errors.empty()) {
    for (TestSpec& test : tests) lab.tests.push_back(std::move(test));
  }
  return errors;
}

std::vector<SpecError> ApplyTestOverlay(const fs::path& overlay_file, LabSpec& lab) {
  std::ifstream in(overlay_file, std::ios::binary);
  if (!in) {
    const std::string reason = std::strerror(errno);
    return {SpecError{SourceMark{overlay_file, 0, 0}, "",
                      fmt::format("cannot read the overlay: {}", reason), ""}};
  }
  std::ostringstream text;
  text << in.rdbuf();
  return ApplyTestOverlayFromString(text.str(), overlay_file, lab);
}

}  // namespace labgrade
