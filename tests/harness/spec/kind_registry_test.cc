// Tests for the kind registry: every kind of step and check registered itself under keys that
// labs/README.md documents, in the same order, so that the manual and the loader's messages
// list the same keys; and a new kind is found by the loader through its key alone.
#include "harness/spec/kind_registry.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "tests/harness/spec/spec_loader_fixture.h"

namespace labgrade {
namespace {

/// A row of one of labs/README.md's tables: its first cell, split into the keys its `key:`
/// spans name, and the whole line.
struct DocumentedRow {
  std::vector<std::string> keys;
  std::string line;
};

/// The rows of the table whose header row is `header` in labs/README.md.
std::vector<DocumentedRow> DocumentedRows(std::string_view header) {
  std::ifstream in(std::string(LABGRADE_SOURCE_DIR) + "/labs/README.md");
  std::vector<DocumentedRow> rows;
  std::string line;
  bool in_table = false;
  while (std::getline(in, line)) {
    if (line == header) {
      in_table = true;
      std::getline(in, line);  // the |---|---| row
      continue;
    }
    if (!in_table) continue;
    if (line.rfind("| ", 0) != 0) break;
    DocumentedRow row{{}, line};
    const std::string first_cell = line.substr(2, line.find(" | ", 2) - 2);
    for (std::size_t open = first_cell.find('`'); open != std::string::npos;) {
      const std::size_t close = first_cell.find('`', open + 1);
      const std::string span = first_cell.substr(open + 1, close - open - 1);
      row.keys.push_back(span.substr(0, span.find(':')));
      open = first_cell.find('`', close + 1);
    }
    rows.push_back(row);
  }
  return rows;
}

std::vector<std::string> KeysOf(const std::vector<DocumentedRow>& rows) {
  std::vector<std::string> keys;
  for (const DocumentedRow& row : rows) keys.insert(keys.end(), row.keys.begin(), row.keys.end());
  return keys;
}

std::vector<std::string> Strings(const std::vector<std::string_view>& views) {
  return std::vector<std::string>(views.begin(), views.end());
}

// labs/README.md's table of steps lists every registered action, in the order of their ranks,
// which is the order of every list of keys a message gives.
TEST(KindRegistry, EveryStepKindIsDocumentedInOrder) {
  const std::vector<DocumentedRow> rows = DocumentedRows("| Step | Keys (type, default) |");
  ASSERT_FALSE(rows.empty()) << "no table of steps in labs/README.md";
  EXPECT_EQ(KeysOf(rows), Strings(Kinds().StepActions()));
}

// labs/README.md's table of checks lists every registered check key, in the order of their
// ranks.
TEST(KindRegistry, EveryCheckKindIsDocumentedInOrder) {
  const std::vector<DocumentedRow> rows = DocumentedRows("| Check | Keys (type, default) |");
  ASSERT_FALSE(rows.empty()) << "no table of checks in labs/README.md";
  EXPECT_EQ(KeysOf(rows), Strings(Kinds().CheckKeys()));
}

// The keys a step allows beside its action (`as:` of `start:`) are documented in its row, or in
// the row it says it is "the same as".
TEST(KindRegistry, EverySiblingKeyIsDocumentedWithItsAction) {
  const std::vector<DocumentedRow> rows = DocumentedRows("| Step | Keys (type, default) |");
  auto row_of = [&](std::string_view key) -> std::string {
    for (const DocumentedRow& row : rows) {
      if (std::find(row.keys.begin(), row.keys.end(), key) != row.keys.end()) return row.line;
    }
    return "";
  };
  for (const StepKey& step : Kinds().steps()) {
    std::string row = row_of(step.key);
    const std::size_t same = row.find("the same as `");
    if (same != std::string::npos) {
      const std::size_t open = same + std::string_view("the same as `").size();
      row = row_of(row.substr(open, row.find('`', open) - open));
    }
    for (std::string_view sibling : step.sibling_keys) {
      EXPECT_NE(row.find("`" + std::string(sibling) + "`"), std::string::npos)
          << "'" << sibling << "' beside '" << step.key << "' is not in its row of labs/README.md";
    }
  }
}

// A key or a rank belongs to one kind only.
TEST(KindRegistry, KeysAndRanksAreUnique) {
  std::set<std::string_view> step_keys;
  std::set<int> step_ranks;
  for (const StepKey& step : Kinds().steps()) {
    EXPECT_TRUE(step_keys.insert(step.key).second) << step.key;
    EXPECT_TRUE(step_ranks.insert(step.rank).second) << step.key << " " << step.rank;
    EXPECT_NE(step.kind, nullptr) << step.key;
  }
  std::set<std::string_view> check_keys;
  std::set<int> check_ranks;
  for (const CheckKey& check : Kinds().checks()) {
    EXPECT_TRUE(check_keys.insert(check.key).second) << check.key;
    EXPECT_TRUE(check_ranks.insert(check.rank).second) << check.key << " " << check.rank;
    EXPECT_NE(check.kind, nullptr) << check.key;
  }
}

// The loader finds a kind by its key; both keys of one kind find the same kind.
TEST(KindRegistry, FindsAKindByItsKey) {
  ASSERT_NE(Kinds().FindStep("start"), nullptr);
  ASSERT_NE(Kinds().FindStep("run"), nullptr);
  EXPECT_EQ(Kinds().FindStep("start")->kind, Kinds().FindStep("run")->kind);
  EXPECT_EQ(Kinds().FindStep("stdout"), nullptr);
  ASSERT_NE(Kinds().FindCheck("stdout"), nullptr);
  EXPECT_EQ(Kinds().FindCheck("stdout")->kind, Kinds().FindCheck("stderr")->kind);
  EXPECT_EQ(Kinds().FindCheck("start"), nullptr);
}

// The keys beside an action are listed once, with the actions that allow them.
TEST(KindRegistry, ListsTheKeysBesideAnAction) {
  EXPECT_EQ(Strings(Kinds().StepSiblingKeys()),
            (std::vector<std::string>{"as", "from", "args", "stdin", "count"}));
  EXPECT_EQ(Strings(Kinds().ActionsAllowing("as")), (std::vector<std::string>{"start", "run"}));
  EXPECT_TRUE(Kinds().ActionsAllowing("instance").empty());
}

using StreamsRead = testing::SpecLoaderTest;

std::vector<std::string> Described(const std::vector<StreamRead>& reads) {
  std::vector<std::string> words;
  for (const StreamRead& read : reads)
    words.push_back(read.instance + (read.stream == StreamName::kStdout ? ".out" : ".err"));
  return words;
}

// The streams a test's checks read: stdout: and stderr: their instance's, capture: both its own
// and its same_as's; exit: none. The grader keeps only the head of the others.
TEST_F(StreamsRead, AreTheOnesTheChecksName) {
  const SpecLoad load = Load(testing::OneTest(R"(      - start: reader
      - start: writer
        as: w
        count: 2
      - wait_exit: { instance: reader, timeout_ms: 1000 }
)",
                                              R"yaml(      - exit: { instance: reader, code: 0 }
      - stderr: { instance: w, empty: true }
      - capture:
          instance: reader
          regex: "got (\\d+)"
          same_as: { instance: w-1, stream: stderr, regex: "sent (\\d+)" }
)yaml"));
  ASSERT_TRUE(load.spec) << Report(load);
  EXPECT_EQ(Described(StreamsReadByTest(load.spec->tests.at(0))),
            (std::vector<std::string>{"w.err", "reader.out", "w-1.err"}));
}

}  // namespace
}  // namespace labgrade
