// JSON values one after another in one file (cli/json_sequence.h).
#include "cli/json_sequence.h"

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <vector>

using billet::cli::jsonValueEnd;
using billet::cli::skipJsonBlanks;

namespace {

constexpr std::size_t kNone = std::string_view::npos;

// The values of `text` one after another, as the readers walk them; "!" for where none ends.
std::vector<std::string> values(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t i = skipJsonBlanks(text, 0); i < text.size(); i = skipJsonBlanks(text, i)) {
    const std::size_t end = jsonValueEnd(text, i);
    if (end == kNone) {
      out.emplace_back("!");
      break;
    }
    out.emplace_back(text.substr(i, end - i));
    i = end;
  }
  return out;
}

}  // namespace

TEST_CASE("json sequence: objects and arrays one after another, by their brackets") {
  CHECK(values("{\"a\":1}\n{\"b\":[2]}\n") == std::vector<std::string>{"{\"a\":1}", "{\"b\":[2]}"});
  CHECK(values("  {}{} [1]") == std::vector<std::string>{"{}", "{}", "[1]"});
  // Brackets and quotes inside strings, escaped quotes and backslashes, do not count.
  CHECK(values(R"({"s":"}{\"]"} {"t":"\\"})") ==
        std::vector<std::string>{R"({"s":"}{\"]"})", R"({"t":"\\"})"});
}

TEST_CASE("json sequence: where no object or array ends") {
  CHECK(values("{\"a\":1} x") == std::vector<std::string>{"{\"a\":1}", "!"});
  CHECK(values("{\"a\":1} 3") == std::vector<std::string>{"{\"a\":1}", "!"});
  CHECK(values("{\"a\":1} {") == std::vector<std::string>{"{\"a\":1}", "!"});
  CHECK(values("{\"a\":1}}") == std::vector<std::string>{"{\"a\":1}", "!"});
  CHECK(values("{\"a\":\"}") == std::vector<std::string>{"!"});
  CHECK(values("   ").empty());
  CHECK(jsonValueEnd("{}", 2) == kNone);
  CHECK(jsonValueEnd("x{}", 0) == kNone);
  CHECK(jsonValueEnd("x{}", 1) == 3);
}

TEST_CASE("json sequence: JSON's four blanks, and no others") {
  CHECK(skipJsonBlanks(" \t\r\n{", 0) == 4);
  CHECK(skipJsonBlanks("\v{", 0) == 0);
  CHECK(skipJsonBlanks("\xC2\xA0{", 0) == 0);
  CHECK(skipJsonBlanks("  ", 0) == 2);
  CHECK(skipJsonBlanks("a  {", 1) == 3);
}
