// Tests for argv placeholders: {port} and {port:NAME} expand to the test's numbers, the fixed
// numbers of a cell are stable, and a port name without a number is an error, not a guess.
#include "harness/spec/placeholders.h"

#include <gtest/gtest.h>

namespace labgrade {
namespace {

// {port} and {port:b} become their numbers, inside longer arguments too.
TEST(ExpandPlaceholders, ExpandsPorts) {
  PlaceholderValues values{"/t", "/lab", {{"port", 5000}, {"port:b", 5001}}};
  std::string error;
  EXPECT_EQ(ExpandPlaceholders("{port}", values, &error), "5000");
  EXPECT_EQ(ExpandPlaceholders("127.0.0.1:{port:b}", values, &error), "127.0.0.1:5001");
}

// A port name the test was given no number for is an error naming it.
TEST(ExpandPlaceholders, UnassignedPortIsAnError) {
  PlaceholderValues values{"/t", "/lab", {}};
  std::string error;
  EXPECT_EQ(ExpandPlaceholders("{port:c}", values, &error), std::nullopt);
  EXPECT_EQ(error, "unknown placeholder {port:c} in \"{port:c}\"");
}

// The port names an argument mentions, and nothing else.
TEST(PortsMentioned, ListsPortNames) {
  EXPECT_EQ(PortsMentioned("{port}-{keyfile}-{port:x}"),
            (std::vector<std::string>{"port", "port:x"}));
}

// In a cell, port is 5000 and other names follow in sorted order, whatever order they came in.
TEST(FixedCellPorts, PortFirstThenSortedNames) {
  EXPECT_EQ(FixedCellPorts({"port:b", "port", "port:a", "port:b"}),
            (std::map<std::string, int>{{"port", 5000}, {"port:a", 5001}, {"port:b", 5002}}));
}

}  // namespace
}  // namespace labgrade
