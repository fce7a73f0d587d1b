// A failing example shows what moved as `diff -u` would.
#include <doctest/doctest.h>

#include "tests/examples/line_diff.hpp"

using tilesim::test::unified_diff;

TEST_CASE("equal_outputs_have_no_diff") { CHECK(unified_diff("a\nb\n", "a\nb\n", "x", "y").empty()); }

TEST_CASE("a_changed_line_shows_as_a_hunk_with_three_lines_of_context") {
  const std::string expected = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n";
  const std::string printed = "1\n2\n3\n4\n5\nsix\n7\n8\n9\n10\n";
  CHECK(unified_diff(expected, printed, "old", "new") ==
        "--- old\n+++ new\n@@ -3,7 +3,7 @@\n 3\n 4\n 5\n-6\n+six\n 7\n 8\n 9\n");
}

TEST_CASE("changes_far_apart_are_separate_hunks") {
  const std::string expected = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";
  const std::string printed = "new\na\nb\nc\nd\ne\nf\ng\nh\ni\n";
  CHECK(unified_diff(expected, printed, "old", "new") ==
        "--- old\n+++ new\n@@ -1,3 +1,4 @@\n+new\n a\n b\n c\n@@ -7,4 +8,3 @@\n g\n h\n i\n-j\n");
}

TEST_CASE("a_side_without_lines_names_the_line_before_them") {
  CHECK(unified_diff("", "x\n", "old", "new") == "--- old\n+++ new\n@@ -0,0 +1,1 @@\n+x\n");
}
