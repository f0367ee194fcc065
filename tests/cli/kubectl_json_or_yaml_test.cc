// Whether kubectl reads an input as JSON or YAML, and where it turns to YAML
// (cli/kubectl_json_or_yaml.h). The end-to-end readings are compared with kubectl's on a real API
// server by the yaml-scalars cluster scenario.
#include "cli/kubectl_json_or_yaml.h"

#include <catch2/catch.hpp>
#include <string>

using billet::cli::kJsonSniffBytes;
using billet::cli::startsLikeJson;
using billet::cli::yamlStartAfterJson;

TEST_CASE("kubectl json or yaml: `{` after spaces starts JSON") {
  CHECK(startsLikeJson("{\"a\": 1}"));
  CHECK(startsLikeJson(" \t\r\n\v\f{"));
  // Unicode's white space, as Go's unicode.IsSpace has it.
  CHECK(startsLikeJson("\xC2\x85{"));            // NEL
  CHECK(startsLikeJson("\xC2\xA0{"));            // no-break space
  CHECK(startsLikeJson("\xE2\x80\xA8\n{"));      // line separator
  CHECK(startsLikeJson("\xE3\x80\x80{"));        // ideographic space
  CHECK(startsLikeJson("\xE2\x80\x8A{"));        // hair space, the last of U+2000..U+200A
  CHECK_FALSE(startsLikeJson("\xE2\x80\x8B{"));  // zero width space is not white space
}

TEST_CASE("kubectl json or yaml: anything else is YAML") {
  CHECK_FALSE(startsLikeJson(""));
  CHECK_FALSE(startsLikeJson("   \n"));
  CHECK_FALSE(startsLikeJson("[{\"a\": 1}]"));
  CHECK_FALSE(startsLikeJson("apiVersion: v1\n{"));
  CHECK_FALSE(startsLikeJson("# {\n{"));
  CHECK_FALSE(startsLikeJson("---\n{"));
  CHECK_FALSE(startsLikeJson("\xEF\xBB\xBF{"));  // a byte order mark is dropped before, not here
  CHECK_FALSE(startsLikeJson("\xFF{"));          // not UTF-8: U+FFFD, no space
  CHECK_FALSE(startsLikeJson("\xC2"));           // cut short
}

TEST_CASE("kubectl json or yaml: only the first 4,096 bytes are looked at") {
  CHECK(startsLikeJson(std::string(kJsonSniffBytes - 1, ' ') + "{"));
  CHECK_FALSE(startsLikeJson(std::string(kJsonSniffBytes, ' ') + "{"));
  CHECK_FALSE(startsLikeJson(std::string(kJsonSniffBytes - 1, ' ') + "\xC2\xA0{"));
}

TEST_CASE("kubectl json or yaml: YAML starts after the spaces, up to the first line feed") {
  const std::string text = "{\"a\":1}  \n  \nb: 2\n";
  CHECK(yamlStartAfterJson(text, 7) == 10);  // the blanks of line 2 are YAML's
  CHECK(yamlStartAfterJson("{} \xC2\xA0 x: 1\n", 2) == 6);
  CHECK(yamlStartAfterJson("  \nb: 2\n", 0) == 3);  // no value read: from the start
  CHECK(yamlStartAfterJson("{}abcd", 2) == 2);
}

TEST_CASE("kubectl json or yaml: no YAML when kubectl stops with the JSON error") {
  // Bytes that are not UTF-8 where it looks for spaces.
  CHECK_FALSE(yamlStartAfterJson("{} \xFF\xFE\xFD\xFC", 2).has_value());
  // Fewer than four bytes left: kubectl reads four at a time and stops at the end.
  CHECK_FALSE(yamlStartAfterJson("{}ab", 2).has_value());
  CHECK_FALSE(yamlStartAfterJson("{} \t x", 2).has_value());
}
