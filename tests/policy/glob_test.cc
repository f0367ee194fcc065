#include "policy/glob.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

using billet::policy::globAny;
using billet::policy::globMatch;

TEST_CASE("glob: literal patterns match only themselves, whole and case-sensitively") {
  CHECK(globMatch("ml-prod", "ml-prod"));
  CHECK_FALSE(globMatch("ml-prod", "ml-prod2"));
  CHECK_FALSE(globMatch("ml-prod", "ml-pro"));
  CHECK_FALSE(globMatch("ml-prod", "xml-prod"));
  CHECK_FALSE(globMatch("ML-prod", "ml-prod"));
  CHECK(globMatch("", ""));
  CHECK_FALSE(globMatch("", "a"));
  CHECK_FALSE(globMatch("a", ""));
}

TEST_CASE("glob: * matches any run of characters, none included") {
  CHECK(globMatch("ml-*", "ml-prod"));
  CHECK(globMatch("ml-*", "ml-"));
  CHECK_FALSE(globMatch("ml-*", "ml"));
  CHECK(globMatch("*-prod", "ml-prod"));
  CHECK_FALSE(globMatch("*-prod", "ml-prod-2"));
  CHECK(globMatch("a*b*c", "abc"));
  CHECK(globMatch("a*b*c", "a-x-b-y-c"));
  CHECK_FALSE(globMatch("a*b*c", "a-x-c-y-b"));
  CHECK(globMatch("*", ""));
  CHECK(globMatch("**", "anything"));
  CHECK(globMatch("*", "kube-system"));
}

TEST_CASE("glob: * crosses / and : (users, groups, paths)") {
  CHECK(globMatch("system:serviceaccount:ci:*", "system:serviceaccount:ci:bot"));
  CHECK_FALSE(globMatch("system:serviceaccount:ci:*", "system:serviceaccount:cd:bot"));
  CHECK(globMatch("registry.example.com/*", "registry.example.com/team/app"));
  CHECK(globMatch("*:admin", "team:ops:admin"));
}

TEST_CASE("glob: ? matches exactly one character") {
  CHECK(globMatch("node-?", "node-1"));
  CHECK_FALSE(globMatch("node-?", "node-"));
  CHECK_FALSE(globMatch("node-?", "node-12"));
  CHECK(globMatch("node-??", "node-12"));
  CHECK(globMatch("?", "/"));
  CHECK(globMatch("a?c*", "abcdef"));
}

TEST_CASE("glob: backtracking finds the match a first guess misses") {
  // The first "-b" is not where the tail starts: the star has to take more.
  CHECK(globMatch("*-b", "a-b-b"));
  CHECK(globMatch("*ab", "aaab"));
  CHECK(globMatch("*a?c", "abcabc"));
  CHECK_FALSE(globMatch("*a?c", "abcab"));
  CHECK(globMatch("a*a*a", "aaa"));
  CHECK_FALSE(globMatch("a*a*a", "aa"));
}

TEST_CASE("glob: brackets and backslashes are literal, not classes or escapes") {
  CHECK(globMatch("[abc]", "[abc]"));
  CHECK_FALSE(globMatch("[abc]", "a"));
  CHECK(globMatch("a\\*", "a\\xyz"));
  CHECK_FALSE(globMatch("a\\*", "a*"));
}

TEST_CASE("glob: many stars on a long non-matching text stay fast") {
  // A backtracking matcher would take exponential time here; this one is linear in practice.
  const std::string text(20'000, 'a');
  const std::string pattern = "*a*a*a*a*a*a*a*a*a*a*b";
  const auto started = std::chrono::steady_clock::now();
  CHECK_FALSE(globMatch(pattern, text));
  CHECK(globMatch(pattern, text + "b"));
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
}

TEST_CASE("globAny: any pattern of the list, none for an empty list") {
  const std::vector<std::string> excluded{"kube-*", "billet-system", "openshift-?"};
  CHECK(globAny(excluded, "kube-system"));
  CHECK(globAny(excluded, "billet-system"));
  CHECK(globAny(excluded, "openshift-x"));
  CHECK_FALSE(globAny(excluded, "openshift-xy"));
  CHECK_FALSE(globAny(excluded, "default"));
  CHECK_FALSE(globAny({}, ""));
  CHECK_FALSE(globAny({}, "kube-system"));
  CHECK(globAny({""}, ""));
}
