// JSON documents one after another in one file (cli/json_sequence.h).
#include "cli/json_sequence.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using billet::cli::splitJsonSequence;

namespace {

std::vector<std::string> pieces(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& p : splitJsonSequence(text)) {
    CHECK(text.substr(p.offset, p.text.size()) == p.text);
    out.emplace_back(p.text);
  }
  return out;
}

}  // namespace

TEST_CASE("json sequence: objects and arrays one after another, by their brackets") {
  CHECK(pieces("{\"a\":1}\n{\"b\":[2]}\n") == std::vector<std::string>{"{\"a\":1}", "{\"b\":[2]}"});
  CHECK(pieces("  {}{} [1]") == std::vector<std::string>{"{}", "{}", "[1]"});
  // Brackets and quotes inside strings, escaped quotes and backslashes, do not count.
  CHECK(pieces(R"({"s":"}{\"]"} {"t":"\\"})") ==
        std::vector<std::string>{R"({"s":"}{\"]"})", R"({"t":"\\"})"});
}

TEST_CASE("json sequence: one document, or anything else, is not a sequence") {
  for (const char* text :
       {"{\"a\":1}", "", "   ", "{\"a\":1} x", "{\"a\":1} 3", "{\"a\":1} {", "{\"a\":1}}", "x {}"})
    CHECK(splitJsonSequence(text).empty());
}
