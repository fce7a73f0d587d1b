#pragma once
// Two texts' differences as `diff -u` shows them, so that a failing example says what moved.
#include <string>

namespace tilesim::test {

// "" when the texts are equal; else a `--- expected_label` / `+++ actual_label` header and hunks
// `@@ -a,n +b,m @@` of changed lines (`-` expected, `+` actual) with up to three lines of context.
std::string unified_diff(const std::string& expected, const std::string& actual, const std::string& expected_label,
                         const std::string& actual_label);

}  // namespace tilesim::test
