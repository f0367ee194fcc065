#include "cli/line_diff.h"

#include <catch2/catch.hpp>

using billet::cli::unifiedDiff;

TEST_CASE("unifiedDiff: equal texts have no diff") {
  CHECK(unifiedDiff("a\nb\n", "a\nb\n", "x", "y").empty());
}

TEST_CASE("unifiedDiff: one changed line, with three lines of context either side") {
  std::string a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
  std::string b = "1\n2\n3\n4\nFIVE\n6\n7\n8\n9\n";
  CHECK(unifiedDiff(a, b, "expected.yaml", "got") ==
        "--- expected.yaml\n+++ got\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+FIVE\n 6\n 7\n 8\n");
}

TEST_CASE("unifiedDiff: changes far apart make two hunks, near ones one") {
  std::string a, b;
  for (int i = 1; i <= 20; ++i) {
    a += std::to_string(i) + "\n";
    b += (i == 2 || i == 18 ? "x" : std::to_string(i)) + "\n";
  }
  std::string d = unifiedDiff(a, b, "a", "b");
  CHECK(d ==
        "--- a\n+++ b\n@@ -1,5 +1,5 @@\n 1\n-2\n+x\n 3\n 4\n 5\n@@ -15,6 +15,6 @@\n 15\n 16\n"
        " 17\n-18\n+x\n 19\n 20\n");
  std::string near = unifiedDiff("1\n2\n3\n4\n5\n", "x\n2\n3\n4\ny\n", "a", "b");
  CHECK(near == "--- a\n+++ b\n@@ -1,5 +1,5 @@\n-1\n+x\n 2\n 3\n 4\n-5\n+y\n");
}

TEST_CASE("unifiedDiff: added and removed lines at the ends") {
  CHECK(unifiedDiff("", "a\n", "e", "g") == "--- e\n+++ g\n@@ -0,0 +1,1 @@\n+a\n");
  CHECK(unifiedDiff("a\nb\n", "a\n", "e", "g") == "--- e\n+++ g\n@@ -1,2 +1,1 @@\n a\n-b\n");
}
